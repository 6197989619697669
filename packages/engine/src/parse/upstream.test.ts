import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { floatAt, parseUpstreamFields } from "./upstream.js";

describe("parseUpstreamFields", () => {
  it("reads one attempt in place exactly as the general walker does", () => {
    // A doubled space means the same to nginx's fields but sends the text through the general walker.
    const token = fc.oneof(fc.constantFrom("-", "0", "0.004", "200", "502", "10.244.1.7:8080", "[::1]:80", "abc", "1e3"), fc.stringMatching(/^[0-9a-f.:-]{1,12}$/));
    fc.assert(
      fc.property(fc.array(token, { minLength: 3, maxLength: 6 }), (tokens) => {
        const single = tokens.join(" ");
        expect(parseUpstreamFields(single)).toEqual(parseUpstreamFields(tokens.join("  ")));
      }),
      { numRuns: 2000 },
    );
  });

  it("reads retries and internal redirects", () => {
    expect(parseUpstreamFields("10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80 0, 12 : 34 0.001, 0.002 : 0.003 502, 200 : 404 abc")).toEqual({
      attempts: [
        { addr: "10.0.0.1:80", group: 0, status: 502, responseTime: 0.001, responseLength: 0 },
        { addr: "10.0.0.2:80", group: 0, status: 200, responseTime: 0.002, responseLength: 12 },
        { addr: "10.0.0.3:80", group: 1, status: 404, responseTime: 0.003, responseLength: 34 },
      ],
      requestId: "abc",
    });
    expect(parseUpstreamFields("10.0.0.1:80 612 0.004 200 6e09")).toEqual({ attempts: [{ addr: "10.0.0.1:80", group: 0, status: 200, responseTime: 0.004, responseLength: 612 }], requestId: "6e09" });
    expect(parseUpstreamFields("- - - - -")).toEqual({ attempts: [] });
    expect(parseUpstreamFields("a b c")).toBeUndefined();
  });

  it("reads decimals in place as the same double Number() gives", () => {
    const reference = (v: string) => {
      if (v.length === 0 || v.length > 24 || !/^[0-9]/.test(v)) return undefined;
      const n = Number(v);
      return Number.isFinite(n) && n >= 0 ? n : undefined;
    };
    const decimal = fc.tuple(fc.stringMatching(/^[0-9]{1,9}$/), fc.option(fc.stringMatching(/^[0-9]{0,9}$/), { nil: undefined })).map(([a, b]) => (b === undefined ? a : `${a}.${b}`));
    const anyText = fc.oneof(decimal, fc.string({ unit: fc.constantFrom("0", "1", "9", ".", "e", "x", "-", " ", "5"), maxLength: 26 }));
    fc.assert(
      fc.property(anyText, fc.string({ maxLength: 3 }), (v, pad) => {
        expect(floatAt(pad + v + pad, pad.length, pad.length + v.length)).toBe(reference(v));
      }),
      { numRuns: 20000 },
    );
  });
});
