import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValueMemo } from "./value-memo.js";

describe("ValueMemo", () => {
  it("answers as a Map does, also for keys that differ only where it does not sample", () => {
    // Keys of one length over two letters: sampled positions collide often, so buckets hold several keys.
    const key = fc.string({ unit: fc.constantFrom("a", "b"), minLength: 0, maxLength: 24 });
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer()), { maxLength: 200 }), fc.array(key, { maxLength: 50 }), (entries, probes) => {
        const memo = new ValueMemo<number>(10_000);
        const map = new Map<string, number>();
        for (const [k, v] of entries) {
          if (map.has(k)) continue;
          memo.set(k, v);
          map.set(k, v);
        }
        for (const k of [...map.keys(), ...probes]) expect(memo.get(k.slice())).toBe(map.get(k));
        expect(memo.size).toBe(map.size);
      }),
      { numRuns: 300 },
    );
  });

  it("forgets everything once full instead of growing", () => {
    const memo = new ValueMemo<number>(3);
    for (const k of ["a", "b", "c"]) memo.set(k, 1);
    memo.set("d", 2);
    expect([memo.get("a"), memo.get("d"), memo.size]).toEqual([undefined, 2, 1]);
  });
});
