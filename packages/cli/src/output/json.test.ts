import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Writable } from "node:stream";
import { jsonPieces, ndjsonPieces, writePieces } from "./json.js";

function written(value: Record<string, unknown>): string[] {
  return [...jsonPieces(value)];
}

describe("writeJson", () => {
  it("writes exactly what JSON.stringify(value, null, 2) gives, plus a newline", () => {
    const field = fc.oneof(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), field, { maxKeys: 4 }), (value) => {
        expect(written(value).join("")).toBe(JSON.stringify(value, null, 2) + "\n");
      }),
      { numRuns: 2000 },
    );
  });

  it("hands a long array over in pieces, never as one string", () => {
    const incidents = Array.from({ length: 20_000 }, (_, i) => ({ id: i, title: "x".repeat(100), nested: { a: [i, "y\nz"] } }));
    const value = { incidents, stats: { lines: 1 }, nearMisses: [] };
    const pieces = written(value);
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(1.1 * (1 << 20));
    expect(pieces.join("")).toBe(JSON.stringify(value, null, 2) + "\n");
  });

  it("writes NDJSON one document per line, in pieces", () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ id: i, title: "x".repeat(100) }));
    const pieces = [...ndjsonPieces(items)];
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(items.map((i) => JSON.stringify(i) + "\n").join(""));
  });

  it("hands the next piece over only once the stream has taken the last: a slow pipe does not queue the document", async () => {
    let queuedMax = 0;
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _enc, done) {
        received.push(chunk.toString());
        setTimeout(done, 1);
      },
    });
    const texts = Array.from({ length: 12 }, (_, i) => String(i).repeat(1 << 17));
    await writePieces(
      slow,
      (function* () {
        for (const t of texts) {
          queuedMax = Math.max(queuedMax, slow.writableLength);
          yield t;
        }
      })(),
    );
    expect(received.join("")).toBe(texts.join(""));
    // At most the one piece that filled the buffer is ever waiting.
    expect(queuedMax).toBeLessThanOrEqual(1 << 17);
  });
});
