import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { BUNDLE, REPO, runConformance, firstDifference } from "./conformance.mjs";

type Result = { runtime: string; status: string; detail?: string; output?: string };

const REQUIRE = process.env.EDGEPROOF_REQUIRE_INTEGRATION === "1";
let results: Result[] = [];

beforeAll(() => {
  // `npm test` builds every workspace first; a targeted vitest run may not have.
  if (!existsSync(BUNDLE)) execFileSync("npm", ["run", "build", "-w", "packages/engine", "--silent"], { cwd: REPO, stdio: "inherit" });
});

describe("one engine bundle, four runtimes", () => {
  beforeAll(async () => {
    results = await runConformance();
  }, 600_000);

  it("Node's output is a real result: incidents of both kinds, RCA from the snapshot, every line accounted", () => {
    const ref = JSON.parse(results[0].output!);
    const kinds = new Set(ref.incidents.map((i: { kind: string }) => i.kind));
    expect([...kinds].sort()).toEqual(["reliability", "security"]);
    expect(ref.incidents.some((i: { rca?: { causes: unknown[] } }) => (i.rca?.causes.length ?? 0) > 0)).toBe(true);
    const rejected = Object.values(ref.stats.rejected as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(ref.stats.lines).toBe(ref.stats.events + rejected);
  });

  it("the bundle gives what the CLI gives for the same input", () => {
    const cli = join(REPO, "packages/cli/bin/edgeproof.js");
    if (!existsSync(join(REPO, "packages/cli/dist/main.js"))) execFileSync("npm", ["run", "build", "-w", "packages/cli", "--silent"], { cwd: REPO });
    const args = [cli, "run", "fixtures/demo/access.log", "--host", "shop.example.com", "--k8s-snapshot", "fixtures/demo/k8s", "--format", "json"];
    const fromCli = JSON.parse(execFileSync(process.execPath, args, { cwd: REPO, maxBuffer: 64 << 20 }).toString("utf8"));
    const { incidents, stats, nearMisses } = JSON.parse(results[0].output!);
    expect({ incidents, stats, nearMisses }).toEqual(fromCli);
  });

  for (const runtime of ["bun", "deno", "chromium"]) {
    it(`${runtime} produces byte-identical JSON`, (ctx) => {
      const r = results.find((x) => x.runtime === runtime)!;
      if (r.status === "missing") {
        if (REQUIRE) throw new Error(`${runtime} ${r.detail} and EDGEPROOF_REQUIRE_INTEGRATION=1`);
        ctx.skip();
      }
      expect(r.status, r.detail).toBe("identical");
      expect(r.output).toBe(results[0].output);
    });
  }

  it("reports the first differing line when outputs differ", () => {
    expect(firstDifference('{\n  "a": 1\n}', '{\n  "a": 2\n}')).toBe('line 2: node "  \\"a\\": 1" vs "  \\"a\\": 2"');
    expect(firstDifference("x", "x")).toBeUndefined();
  });
});
