import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compareSameTime, sameTimeRank, type Ordered } from "./reorder-buffer.js";

const observed = (raw: string, line: number): Ordered => ({ ts: 0, raw, rank: sameTimeRank(raw), file: undefined, line });

describe("same-time order", () => {
  // Code units around the clamp (254, 255, 256) and 0 are where a shortcut rank would go wrong.
  const unit = fc.oneof(fc.constantFrom("\u0000", "\u00fe", "\u00ff", "\u0100", "a", "b", "1", " "), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
  const raw = fc.string({ unit, maxLength: 9 });

  it("the rank never contradicts string order, so compareSameTime is string order then line", () => {
    fc.assert(
      fc.property(raw, raw, fc.nat(), fc.nat(), (a, b, la, lb) => {
        const byString = a === b ? Math.sign(la - lb) : a < b ? -1 : 1;
        expect(Math.sign(compareSameTime(observed(a, la), observed(b, lb)))).toBe(byString);
        if (a < b) expect(sameTimeRank(a)).toBeLessThanOrEqual(sameTimeRank(b));
      }),
      { numRuns: 5000 },
    );
  });
});
