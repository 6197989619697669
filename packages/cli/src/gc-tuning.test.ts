import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const MODULE = fileURLToPath(new URL("./gc-tuning.ts", import.meta.url));

// What a run does to the heap, in a process of its own: a live set that stays (the rules' state), a queue of
// recent items that survives a few young collections before it is let go (the reorder buffer), and a stream of
// garbage. Prints the largest young and old generation V8 reserved.
const CHURN = `
const { getHeapSpaceStatistics } = await import("node:v8");
if (process.env.TUNE) (await import(${JSON.stringify(MODULE)})).tuneGcForStreaming();
const live = Array.from({ length: 200_000 }, (_, i) => ({ i, s: "k" + i }));
const queue = new Array(150_000);
let young = 0, old = 0;
for (let i = 0; i < 3_000_000; i++) {
  queue[i % queue.length] = { i, text: "x".repeat(40) + i, parts: [i, i + 1, i + 2] };
  if (i % 10_000 === 0) for (const s of getHeapSpaceStatistics()) {
    if (s.space_name === "new_space") young = Math.max(young, s.space_size);
    if (s.space_name === "old_space") old = Math.max(old, s.space_size);
  }
}
console.log(JSON.stringify({ young, old, live: live.length }));
`;

function churn(tune: boolean): { young: number; old: number } {
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHURN], {
    env: { ...process.env, TUNE: tune ? "1" : "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out);
}

// A run whose kept state is itself large (a scan with thousands of open incidents): about 150 MB live while
// garbage streams through. Prints how many full collections it took, with the tuning relaxed past `LARGE` bytes.
const LARGE_STATE = `
const { PerformanceObserver, constants } = await import("node:perf_hooks");
(await import(${JSON.stringify(MODULE)})).tuneGcForStreaming(Number(process.env.LARGE));
let majors = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++; }).observe({ entryTypes: ["gc"] });
const live = Array.from({ length: 1_200_000 }, (_, i) => ({ i, s: "k" + i, t: [i] }));
const queue = new Array(200_000);
for (let i = 0; i < 3_000_000; i++) {
  queue[i % queue.length] = { i, text: "x".repeat(40) + i };
  // Observer callbacks run between tasks, as they do between a run's reads.
  if (i % 100_000 === 0) await new Promise((r) => setImmediate(r));
}
await new Promise((r) => setImmediate(r));
console.log(JSON.stringify({ majors, live: live.length }));
`;

function fullCollections(largeLiveBytes: number): number {
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", LARGE_STATE], {
    env: { ...process.env, LARGE: String(largeLiveBytes) },
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out).majors;
}

describe("GC tuning for streaming runs", () => {
  it("hands the old generation's growth back to V8 once what is live is large: fewer full collections", () => {
    const tunedThroughout = fullCollections(Number.MAX_SAFE_INTEGER);
    const relaxed = fullCollections(100 << 20);
    expect(relaxed).toBeLessThanOrEqual(tunedThroughout * 0.75);
  });

  it("keeps the young generation at its first size and the old one near its live size, where V8's defaults let both grow", () => {
    const v8Defaults = churn(false);
    const tuned = churn(true);
    expect(v8Defaults.young).toBeGreaterThanOrEqual(16 << 20);
    expect(tuned.young).toBeLessThanOrEqual(8 << 20);
    expect(tuned.old).toBeLessThan(v8Defaults.old * 0.8);
  });
});
