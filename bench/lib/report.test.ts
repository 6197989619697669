import { describe, expect, it } from "vitest";
import { renderResults, type Report } from "./report.js";

const ds = (name: string, lines: number) => ({ name, file: `/data/${name}.log`, lines, bytes: lines * 300 });

function report(): Report {
  const upstreaminfo = ds("upstreaminfo-1000", 1000);
  const combined = ds("combined-1000", 1000);
  const run = { wallS: 0.5, cpuS: 0.6, maxRssMB: 90, status: 0, stdout: "", stderr: "" };
  return {
    command: "npm run bench",
    machine: { nproc: 2, cpu: "test", ramGB: "1.0", node: "20", date: "today", commit: "abc1234", dirty: false },
    lines: 1000,
    repeats: 1,
    quick: true,
    datasets: { upstreaminfo, combined, worst: [] },
    scenarioRuns: [],
    cliRuns: [
      { dataset: upstreaminfo, runs: [run], incidents: 3, wall: { min: 0.5, median: 0.5 } },
      { dataset: combined, runs: [run], incidents: 3, wall: { min: 0.25, median: 0.25 } },
    ],
    peers: [],
    peerSkips: [],
    skipped: [],
  };
}

describe("bench report", () => {
  it("renders the same from the raw figures read back from JSON (--render-only)", () => {
    const direct = renderResults(report());
    expect(direct).toContain("| scenario 3 ≥ 1,000,000 lines/s as a whole process | 2.0 k | **not met** |");
    expect(direct).toContain("`npm run bench:ab -- REV .` runs two builds");
    expect(renderResults(JSON.parse(JSON.stringify(report())) as Report)).toBe(direct);
  });

  it("judges the targets on the CLI as shipped; the V8-defaults run is shown beside it, not measured against them", () => {
    const r = report();
    const up = r.datasets.upstreaminfo;
    const heavy = { wallS: 0.25, cpuS: 0.3, maxRssMB: 260, status: 0, stdout: "", stderr: "" };
    r.cliRuns.unshift({ dataset: up, runs: [heavy], incidents: 3, wall: { min: 0.25, median: 0.25 }, v8Defaults: true });
    const out = renderResults(r);
    expect(out).toContain("| scenario 3 ≥ 1,000,000 lines/s as a whole process | 2.0 k | **not met** |");
    expect(out).toContain("| peak RSS ≤ 150 MB, 1M lines, 50k clients (edgeproof run) | 90.0 MB |");
    expect(out).toContain("| upstreaminfo-1000, V8's default GC sizing | 1,000 |");
  });

  it("sets the target's per-line budget against the floor, parse-only and full-path times of the same run", () => {
    const r = report();
    const up = r.datasets.upstreaminfo;
    const child = (seconds: number) => ({ runtime: "node 20", lines: 1000, bytes: 300_000, events: 1000, rejected: 0, incidents: 0, incidentsByRule: {}, seconds, gcSeconds: 0, peakRssMB: 50, peakHeapMB: 10, samples: [] });
    const run = (id: string, seconds: number[], runtime = "node") => ({ id, title: id, dataset: up, runtime, results: seconds.map(child) });
    // 1000 lines: a median of 0.0004 s is 0.4 µs per line.
    r.scenarioRuns = [run("0", [0.0004, 0.0009, 0.0003]), run("1", [0.0015]), run("2", [0.0035]), run("0", [0.0001], "bun")];
    const out = renderResults(r);
    expect(out).toContain("reading, decoding and splitting 0.40 µs (scenario 0); parsing it into an HTTPEvent 1.10 µs more (scenario 1); ordering it, matching signatures and every rule's windows 2.00 µs more (scenario 2, 3.50 µs in all)");
    expect(out).toContain("The 1.00 M lines/s target is 1.00 µs per line, so the floor leaves 0.60 µs for what scenario 2 spends 3.10 µs on.");
    expect(out).not.toContain("ceiling (scenario 0b)");
    r.scenarioRuns.push(run("0b", [0.0011]), run("0b", [0.0005], "deno"));
    expect(renderResults(r)).toContain("On node it takes 1.10 µs per line (0.70 µs over the floor): 909.1 k lines/s (deno 2.00 M). Even that is over the target's 1.00 µs budget");
    r.scenarioRuns[r.scenarioRuns.length - 2] = run("0b", [0.0008]);
    expect(renderResults(r)).toContain("It leaves 0.20 µs per line of the target's budget");
    r.scenarioRuns = r.scenarioRuns.filter((s) => s.id !== "0");
    expect(renderResults(r)).not.toContain("splitting");
  });

  it("says the tree had uncommitted work only when it had", () => {
    expect(renderResults(report())).not.toContain("uncommitted");
    const dirty = report();
    dirty.machine.dirty = true;
    expect(renderResults(dirty)).toContain("commit abc1234 (plus uncommitted work in the tree)");
  });
});
