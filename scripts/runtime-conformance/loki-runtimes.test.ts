import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LokiApiTestServer } from "@edgeproof/loki-adapter/testing";
// @ts-expect-error plain ESM script without types
import { REPO, locateRuntimes } from "./conformance.mjs";

/**
 * The loki-adapter bundle pulls the same query from a loopback Loki-API test server in Node, Bun and Deno:
 * paging across identical timestamps, interval splitting and overlapping streams must give the same entries.
 */
const REQUIRE = process.env.EDGEPROOF_REQUIRE_INTEGRATION === "1";
const BUNDLE = join(REPO, "packages/loki-adapter/dist/index.js");
const SCRIPT = join(REPO, "scripts/runtime-conformance/loki-pull.mjs");
const server = new LokiApiTestServer({ maxEntriesPerQuery: 5000 });
const T0 = 1_763_632_800_000_000_000n; // 2025-11-20T10:00:00Z in ns
const args = () => [SCRIPT, server.url, '{job="ingress"}', String(T0), String(T0 + 600_000_000_000n)];

beforeAll(async () => {
  if (!existsSync(BUNDLE)) execFileSync("npm", ["run", "build", "-w", "packages/loki-adapter", "--silent"], { cwd: REPO, stdio: "inherit" });
  await server.listen();
  // 3 streams, 2,400 entries, 20 per second over two minutes: pages end inside runs of equal timestamps.
  for (const pod of ["a", "b", "c"]) {
    const values: [string, string][] = [];
    for (let i = 0; i < 800; i++) values.push([String(T0 + BigInt(Math.floor(i / 20)) * 3_000_000_000n), `${pod} line ${i} GET /p/${i % 37} 200`]);
    expect(server.push([{ stream: { job: "ingress", pod }, values }]).status).toBe(204);
  }
});
afterAll(() => server.close());

// Asynchronous on purpose: the test server answers from this process, so a blocking spawn would deadlock.
async function pull(cmd: string, extra: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(cmd, [...extra, ...args()], { cwd: REPO, encoding: "utf8", timeout: 120_000 });
  return JSON.parse(stdout);
}

describe("loki-adapter in three runtimes", () => {
  let reference: Record<string, unknown>;
  beforeAll(async () => {
    reference = await pull(process.execPath, []);
  });

  it("Node pulls every entry exactly once over several pages", () => {
    expect(reference.entries).toBe(2400);
    expect((reference.stats as { pages: number }).pages).toBeGreaterThan(4);
  });

  const runtimes = locateRuntimes() as Record<string, string | undefined>;
  const flags: Record<string, string[]> = { bun: [], deno: ["run", "--no-prompt", "--no-config", "--allow-net=127.0.0.1", `--allow-read=${REPO}`] };
  for (const name of ["bun", "deno"]) {
    it(`${name} pulls the same entries`, async (ctx) => {
      const bin = runtimes[name];
      if (!bin) {
        if (REQUIRE) throw new Error(`${name} is not installed and EDGEPROOF_REQUIRE_INTEGRATION=1`);
        ctx.skip();
      }
      expect(await pull(bin!, flags[name])).toEqual(reference);
    });
  }
});
