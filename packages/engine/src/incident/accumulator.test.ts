import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { IncidentAccumulator } from "./accumulator.js";

/** Peak rate = the most requests in any trailing second (t − 1 s, t], over everything the incident covers. */
function bruteForcePeak(ts: number[]): number {
  return Math.max(0, ...ts.map((t) => ts.filter((u) => u > t - 1000 && u <= t).length));
}

describe("IncidentAccumulator", () => {
  it("keeps the exact peak rate and request counts over long incidents", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 10, 250, 999, 1000, 1001, 3000), { minLength: 1, maxLength: 3000 }), (gaps) => {
        let t = 1_700_000_000_000;
        const ts = gaps.map((g) => (t += g));
        const acc = new IncidentAccumulator("p", "reliability", ts[0]);
        ts.forEach((x, i) => acc.addSummary(x, i % 7 === 0 ? 503 : 200));
        const m = acc.metrics();
        expect(m.peakRps).toBe(bruteForcePeak(ts));
        expect(m.requests).toBe(ts.length);
        expect(m.fiveXx).toBe(ts.filter((_, i) => i % 7 === 0).length);
      }),
      { numRuns: 60 },
    );
  });
});
