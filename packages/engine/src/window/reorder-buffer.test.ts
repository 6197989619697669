import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ReorderBuffer, sameTimeRank } from "./reorder-buffer.js";

interface Line {
  raw: string;
  file: string | undefined;
  line: number;
}

/** The documented order of same-time lines: content, then file ("" when none), then line number. */
function byContent(a: Line, b: Line): number {
  if (a.raw !== b.raw) return a.raw < b.raw ? -1 : 1;
  const fa = a.file ?? "";
  const fb = b.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  return a.line - b.line;
}

/** Pushes each line at one timestamp, cut out of a chunk with text around it, and returns the release order. */
function released(lines: Line[], around: string): Line[] {
  const buf = new ReorderBuffer(0);
  const bySlot = new Map<number, Line>();
  for (const l of lines) {
    const chunk = around + l.raw + around;
    bySlot.set(buf.push(1000, chunk, around.length, around.length + l.raw.length, l.file, l.line), l);
  }
  const out: Line[] = [];
  buf.drain((slot, ts) => {
    expect(ts).toBe(1000);
    expect(buf.raw(slot)).toBe(bySlot.get(slot)!.raw);
    expect(buf.lineOf(slot)).toBe(bySlot.get(slot)!.line);
    out.push(bySlot.get(slot)!);
  });
  return out;
}

describe("same-time order", () => {
  // Code units around the clamp (254, 255, 256) and 0 are where a shortcut rank would go wrong.
  const unit = fc.oneof(fc.constantFrom("\u0000", "\u00fe", "\u00ff", "\u0100", "a", "b", "1", " "), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
  const raw = fc.string({ unit, maxLength: 9 });

  it("the rank never contradicts string order, in place or alone", () => {
    fc.assert(
      fc.property(raw, raw, raw, (a, b, around) => {
        if (a < b) expect(sameTimeRank(a)).toBeLessThanOrEqual(sameTimeRank(b));
        expect(sameTimeRank(around + a + around, around.length, around.length + a.length)).toBe(sameTimeRank(a));
      }),
      { numRuns: 5000 },
    );
  });

  it("releases lines of one timestamp by content, then file, then line, whatever the arrival order", () => {
    // Lines sharing their first six characters (one client's requests) are where ranks tie.
    const line = fc.record({ raw: fc.tuple(fc.constantFrom("10.0.0.1 ", "10.0.0.2 ", "10.0.0.1", "\u00ff\u0100", ""), raw).map(([h, t]) => h + t), file: fc.constantFrom("a", "b", undefined), line: fc.nat(50) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 300 }), raw, (lines, around) => {
        expect(released(lines, around)).toEqual([...lines].sort(byContent));
      }),
      { numRuns: 500 },
    );
  });

  it("orders a bucket too large for its packed sort keys alike", () => {
    const lines = Array.from({ length: 70_000 }, (_, i): Line => ({ raw: `10.0.${i % 7}.${(i * 7919) % 1000} x`, file: undefined, line: i }));
    expect(released(lines, "").map((l) => l.line)).toEqual([...lines].sort(byContent).map((l) => l.line));
  });
});

describe("lateness", () => {
  it("holds lines until the watermark passes them and drops those older than it", () => {
    const buf = new ReorderBuffer(5000);
    const out: number[] = [];
    const sink = (_slot: number, ts: number) => out.push(ts);
    expect(buf.push(10_000, "a", 0, 1, undefined, 1)).toBeGreaterThanOrEqual(0);
    expect(buf.push(15_000, "b", 0, 1, undefined, 2)).toBeGreaterThanOrEqual(0);
    // The watermark is 10 000: a line exactly at it waits, one before it is late.
    buf.release(sink);
    expect(out).toEqual([]);
    expect(buf.push(9_999, "c", 0, 1, undefined, 3)).toBe(-1);
    expect(buf.late).toBe(1);
    expect(buf.push(16_000, "d", 0, 1, undefined, 4)).toBeGreaterThanOrEqual(0);
    buf.release(sink);
    expect(out).toEqual([10_000]);
    buf.drain(sink);
    expect(out).toEqual([10_000, 15_000, 16_000]);
    expect(buf.pending).toBe(0);
  });
});
