import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { cli, REPO } from "../../testing/cli.js";

// Input that breaks while it is read, through the real CLI process: a .gz corrupt or cut halfway, a file that
// grows or is truncated under the reader. A broken read is exit 1 naming how far it got; a changing file is
// read as far as it goes, and every line read is accounted for.
const dir = mkdtempSync(join(tmpdir(), "edgeproof-hostile-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEMO = readFileSync(join(REPO, "fixtures/demo/access.log"));
const DEMO_LINES = DEMO.toString("utf8").split("\n").filter(Boolean).length;
const ARGS = ["--host", "shop.example.com", "--format", "json", "--lateness", "1h"];

function accounted(stdout: string): number {
  const { stats } = JSON.parse(stdout);
  const rejected = Object.values(stats.rejected as Record<string, number>).reduce((a, b) => a + b, 0);
  expect(stats.lines).toBe(stats.events + rejected);
  return stats.lines;
}

describe("a .gz that breaks halfway", () => {
  const gz = gzipSync(DEMO);
  const mid = gz.length >> 1;

  it.each([
    ["corrupt", Buffer.concat([gz.subarray(0, mid), Buffer.alloc(64, 0xff), gz.subarray(mid + 64)]), /invalid|incorrect|unknown/],
    ["cut", gz.subarray(0, mid), /unexpected end of file/],
  ])("%s in the middle: exit 1 with 'read failed after N bytes', N past the start and short of the end", async (name, bytes, cause) => {
    const file = join(dir, `${name}.log.gz`);
    writeFileSync(file, bytes);
    const r = await cli(["run", file, ...ARGS], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const m = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: read failed after (\\d+) bytes of input: (.*)`).exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const n = Number(m![1]);
    expect(n).toBeGreaterThan(DEMO.length / 4);
    expect(n).toBeLessThan(DEMO.length);
    expect(m![2]).toMatch(cause);
  });
});

describe("a file that changes while it is read", () => {
  const COPIES = 6;

  async function whileReading(file: string, change: () => void) {
    writeFileSync(file, Buffer.concat(Array(COPIES).fill(DEMO)));
    const run = cli(["run", file, ...ARGS], { timeoutMs: 120_000 });
    // The CLI needs ~0.5 s to start and ~2-3 s to read this much: change it in between.
    await new Promise((r) => setTimeout(r, 700));
    change();
    return run;
  }

  it("growing: read to wherever the end was, nothing lost or double-counted, exit 0", async () => {
    const file = join(dir, "growing.log");
    const r = await whileReading(file, () => {
      for (let i = 0; i < 3; i++) appendFileSync(file, DEMO);
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = accounted(r.stdout);
    expect(lines).toBeGreaterThanOrEqual(COPIES * DEMO_LINES);
    expect(lines).toBeLessThanOrEqual((COPIES + 3) * DEMO_LINES);
    console.log(`growing file: ${lines} lines read of ${COPIES * DEMO_LINES} at start, ${(COPIES + 3) * DEMO_LINES} at the end`);
  });

  it("truncated: stops at the new end without an error, every line read is accounted for, exit 0", async () => {
    const file = join(dir, "truncated.log");
    const keep = 2 * DEMO.length;
    const r = await whileReading(file, () => truncateSync(file, keep));
    expect(r.code, r.stderr).toBe(0);
    const lines = accounted(r.stdout);
    expect(lines).toBeGreaterThanOrEqual(2 * DEMO_LINES);
    expect(lines).toBeLessThanOrEqual(COPIES * DEMO_LINES);
    console.log(`truncated file: ${lines} lines read; ${2 * DEMO_LINES} left after truncation, ${COPIES * DEMO_LINES} before`);
  });
});
