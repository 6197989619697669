import { describe, expect, it } from "vitest";
import { renderAb, type AbVariant } from "./ab-report.js";

const run = (wallS: number, outputSha = "a".repeat(64), status = 0) => ({ wallS, cpuS: wallS * 1.2, maxRssMB: 140 + wallS, status, stdout: "", stderr: "", outputSha });

describe("A/B report", () => {
  it("gives each CLI's median and min against the first, and says when every run wrote the same bytes", () => {
    const variants: AbVariant[] = [
      { label: "base", runs: [run(4.6), run(4.2), run(5.0)] },
      { label: "head", runs: [run(4.3), run(4.1), run(3.9)] },
    ];
    const out = renderAb({ name: "x.log", lines: 1_000_000 }, variants);
    expect(out).toContain("3 interleaved runs each");
    expect(out).toContain("| base | 4.60 | 4.20 | 217.4 k | 5.52 | 145.0 | aaaaaaaaaaaa | 1.00× |");
    expect(out).toContain("| head | 4.10 | 3.90 | 243.9 k | 4.92 | 144.3 | aaaaaaaaaaaa | 0.89× |");
    expect(out).toContain("Every run wrote the same bytes.");
  });

  it("flags outputs that differ and runs that failed", () => {
    const out = renderAb({ name: "x.log", lines: 10 }, [
      { label: "base", runs: [run(1)] },
      { label: "head", runs: [run(1, "b".repeat(64), 1)] },
    ]);
    expect(out).toContain("| head | 1.00 | 1.00 | 0.0 k | 1.20 | 141.0 | bbbbbbbbbbbb (1 runs failed) | 1.00× |");
    expect(out).toContain("**Outputs differ** (2 distinct)");
  });
});
