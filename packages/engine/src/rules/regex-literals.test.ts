import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { requiredLiterals } from "./regex-literals.js";

describe("requiredLiterals", () => {
  it("finds the literal a real list regex needs", () => {
    expect(requiredLiterals("/tmui/login\\.jsp/(?:\\.\\.|%2e%2e);/")).toEqual(["/tmui/login.jsp/"]);
    expect(requiredLiterals("(?:\\$|%24)(?:\\{|%7b)(?:script|url|dns)(?::|%3a)")?.sort()).toEqual(["dns", "script", "url"]);
    expect(requiredLiterals("^/goanywhere/")).toEqual(["/goanywhere/"]);
    expect(requiredLiterals("index/\\\\think\\\\app/invokefunction")).toEqual(["index/\\think\\app/invokefunction"]);
    expect(requiredLiterals("\\x2fetc\\x2fpasswd")).toEqual(["/etc/passwd"]);
  });

  it("gives up where no literal is guaranteed", () => {
    expect(requiredLiterals("a|[0-9]+")).toBeUndefined();
    expect(requiredLiterals("(ab)\\1")).toBeUndefined();
    expect(requiredLiterals("(?:wp-login)?\\.php")).toEqual([".php"]);
    expect(requiredLiterals("x.?y")).toBeUndefined();
    expect(requiredLiterals("(?=admin)\\w+")).toBeUndefined();
  });

  // Soundness: whenever the regex matches, one of the literals occurs. Regexes and texts share a tiny
  // alphabet so matches are frequent.
  const lit = fc.constantFrom("a", "b", "/", ".", "%");
  const litText = fc.string({ unit: lit, minLength: 1, maxLength: 3 });
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const atom = fc.oneof(
    litText.map(esc),
    fc.array(litText, { minLength: 1, maxLength: 3 }).map((alts) => `(?:${alts.map(esc).join("|")})`),
    fc.constantFrom("[ab]", ".", "\\w", "^", "$"),
  );
  const quantified = fc.tuple(atom, fc.constantFrom("", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}")).map(([a, q]) => (q && /[\^$]/.test(a) ? a : a + q));
  const regex = fc.array(fc.array(quantified, { minLength: 1, maxLength: 5 }).map((xs) => xs.join("")), { minLength: 1, maxLength: 2 }).map((alts) => alts.join("|"));

  it("never misses: every text the regex matches contains a required literal", () => {
    fc.assert(
      fc.property(regex, fc.array(fc.string({ unit: fc.constantFrom("a", "B", "/", ".", "%", "c"), maxLength: 14 }), { maxLength: 30 }), (src, texts) => {
        const needs = requiredLiterals(src);
        if (!needs) return;
        const re = new RegExp(src, "i");
        for (const t of texts) if (re.test(t)) expect(needs.some((n) => t.toLowerCase().includes(n.toLowerCase()))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
