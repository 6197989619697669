import { describe, expect, it } from "vitest";
import { mergeRounds, stats, type ProcessRun } from "./measure.js";

const run = (wallS: number): ProcessRun => ({ wallS, cpuS: wallS, maxRssMB: 10, status: 0, stdout: "", stderr: "" });

describe("bench rounds", () => {
  it("merges each tool's runs across rounds in round order, keeping the first round's other fields, without changing the rounds", () => {
    const rounds = [
      [{ tool: "goaccess", found: "a", runs: [run(3)] }, { tool: "cat", found: "x", runs: [run(0.1)] }],
      [{ tool: "cat", found: "y", runs: [run(0.2)] }, { tool: "goaccess", found: "b", runs: [run(1)] }],
      [{ tool: "goaccess", found: "c", runs: [run(2)] }],
    ];
    const merged = mergeRounds(rounds, (t) => t.tool);
    expect(merged.map((m) => [m.tool, m.found, m.runs.map((r) => r.wallS)])).toEqual([
      ["goaccess", "a", [3, 1, 2]],
      ["cat", "x", [0.1, 0.2]],
    ]);
    expect(rounds[0][0].runs).toHaveLength(1);
    expect(stats(merged[0].runs.map((r) => r.wallS))).toEqual({ min: 1, median: 2 });
  });
});
