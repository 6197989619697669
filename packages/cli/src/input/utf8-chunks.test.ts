import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Utf8Chunks } from "./utf8-chunks.js";

// Bytes an access log may hold: ASCII runs (the fast path), whole multi-byte characters, and stray bytes that
// decode to U+FFFD, so chunk boundaries fall inside sequences, between them and inside ASCII runs.
const piece = fc.oneof(
  { arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }).map((s) => [...Buffer.from(s, "latin1")]), weight: 4 },
  { arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 }).map((s) => [...Buffer.from(s, "utf8")]), weight: 2 },
  { arbitrary: fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 3 }), weight: 1 },
);
const input = fc.array(piece, { maxLength: 30 }).map((ps) => Uint8Array.from(ps.flat()));

function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  // Repeated cuts give empty chunks, which a stream may deliver too.
  const at = cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  return out;
}

describe("Utf8Chunks", () => {
  it("decodes any chunking of any bytes exactly as one TextDecoder call on the whole input", () => {
    fc.assert(
      fc.property(input, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const text = new Utf8Chunks();
        const out = chunked(bytes, cuts).map((c) => text.decode(c)).join("") + text.end();
        expect(out).toBe(new TextDecoder("utf-8", { fatal: false }).decode(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps a cut character's bytes through an empty chunk: an ASCII chunk after them still ends the sequence", () => {
    const text = new Utf8Chunks();
    const out = [Buffer.from([0x61, 0xe2]), new Uint8Array(0), Buffer.from("b")].map((c) => text.decode(c)).join("") + text.end();
    expect(out).toBe("a\ufffdb");
  });

  it("ends an input cut inside a character with U+FFFD", () => {
    const text = new Utf8Chunks();
    expect(text.decode(Buffer.from([0x61, 0xe2, 0x82])) + text.end()).toBe("a\ufffd");
  });
});
