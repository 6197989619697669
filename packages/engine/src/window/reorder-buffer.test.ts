import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compareSameTime, sameTimeRank, sortSameTime, type Ordered } from "./reorder-buffer.js";

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

  it("sortSameTime gives compareSameTime's order, ties of rank included", () => {
    // Lines sharing their first six characters (one client's requests) are where ranks tie.
    const line = fc.tuple(fc.constantFrom("10.0.0.1 ", "10.0.0.2 ", "10.0.0.1", "\u00ff\u0100", ""), raw, fc.constantFrom("a", "b", undefined), fc.nat(50));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 300 }), (specs) => {
        const items = specs.map(([head, tail, file, n]): Ordered => ({ ...observed(head + tail, n), file }));
        const expected = [...items].sort(compareSameTime);
        sortSameTime(items);
        expect(items).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("sortSameTime orders a bucket too large for its packed keys alike", () => {
    const items = Array.from({ length: 70_000 }, (_, i) => observed(`10.0.${i % 7}.${(i * 7919) % 1000} x`, i));
    const expected = [...items].sort(compareSameTime);
    sortSameTime(items);
    expect(items.map((x) => x.line)).toEqual(expected.map((x) => x.line));
  });
});
