import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LiteralScanner } from "./literal-scanner.js";

const naive = (patterns: string[], text: string) => patterns.some((p) => text.toLowerCase().includes(p.toLowerCase()));

// A small alphabet makes overlaps, shared prefixes and failure-link paths common.
const ascii = fc.string({ unit: fc.constantFrom("a", "B", "c", "/", ".", "%", "?", "e", "N", "v"), maxLength: 24 });
const pattern = fc.string({ unit: fc.constantFrom("a", "b", "C", "/", ".", "%", "e", "n", "V"), minLength: 1, maxLength: 6 });

describe("LiteralScanner", () => {
  it("finds exactly the texts a naive case-insensitive includes() finds", () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 12 }), fc.array(ascii, { maxLength: 20 }), (patterns, texts) => {
        const sc = new LiteralScanner(patterns);
        for (const t of [...texts, ...patterns.map((p) => `x${p.toUpperCase()}y`)]) expect(sc.test(t)).toBe(naive(patterns, t));
      }),
      { numRuns: 300 },
    );
  });

  it("scans a + joiner + b as one text without building it", () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 8 }), ascii, ascii, (patterns, a, b) => {
        const sc = new LiteralScanner(patterns);
        expect(sc.test(a, 63, b)).toBe(naive(patterns, `${a}?${b}`));
        expect(sc.test(a, 63, undefined)).toBe(naive(patterns, a));
      }),
      { numRuns: 300 },
    );
  });

  it("lets every non-ASCII text through to the exact matcher", () => {
    const sc = new LiteralScanner(["/admin"]);
    expect(sc.test("/ädmin")).toBe(true);
    expect(sc.test("/Admin/x")).toBe(true);
    expect(sc.test("/adm/in")).toBe(false);
  });

  it("refuses what it cannot represent", () => {
    expect(() => new LiteralScanner([""])).toThrow(/empty/);
    expect(() => new LiteralScanner(["ı"])).toThrow(/non-ASCII/);
    expect(new LiteralScanner([]).test("anything")).toBe(false);
  });
});
