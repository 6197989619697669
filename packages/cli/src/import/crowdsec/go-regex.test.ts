import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { goRegexToJs, linearizeGaps } from "./go-regex.js";

describe("Go RE2 patterns as JavaScript ones", () => {
  it("turns named groups non-capturing and a leading (?i) into the flag, stepping over classes and escapes", () => {
    expect(goRegexToJs("^(?P<verb>POST) (?P<path>/.*index.php)?")).toEqual({ ok: true, source: "^(?:POST) (?:/.*index.php)?", ignoreCase: false });
    expect(goRegexToJs("(?i)(/wp-.*\\.php|/wp-content/plugins/.*\\.(txt|md))$")).toEqual({ ok: true, source: "(/wp-.*\\.php|/wp-content/plugins/.*\\.(txt|md))$", ignoreCase: true });
    expect(goRegexToJs("[(?P<x>]\\(?P<y>")).toMatchObject({ ok: true, source: "[(?P<x>]\\(?P<y>" });
  });

  it("refuses what RE2 spells differently, with the reason", () => {
    expect(goRegexToJs("a\\z")).toMatchObject({ ok: false, reason: "RE2-only escape \\z" });
    expect(goRegexToJs("[[:alpha:]]+")).toMatchObject({ ok: false, reason: "POSIX character class" });
    expect(goRegexToJs("a(?i)b")).toMatchObject({ ok: false });
  });

  it("respells A.*B.*C as tempered gaps, search-equivalent on any text", () => {
    expect(linearizeGaps("login=.*[$%][(%].*[)%]")).toBe("login=(?:(?![$%][(%]).)*[$%][(%](?:(?![)%]).)*[)%]");
    expect(linearizeGaps("^(?:/.*INDEX.PHP)?.*(?:FILE=.*&LT;(?:.*)&GT;)")).toBe("^(?:(?!FILE=).)*FILE=(?:(?!&LT;).)*&LT;(?:(?!&GT;).)*&GT;");
    // Not the shape: one gap, an alternative at the top, a quantified piece after a gap.
    for (const p of ["a.*b", "a.*b|c.*d.*e", "a.*b+.*c"]) expect(linearizeGaps(p)).toBe(p);
    const patterns = ["ab.*c.*d", "a.*[bc]d.*e", "x.*(?:y|yz).*z", "^(?:q.*)?.*a.*b.*c", "^(?:[^q].*)?.*a.*b", ".*a.*b.*c.*"];
    fc.assert(
      fc.property(fc.constantFrom(...patterns), fc.stringMatching(/^[abcdexyzq\n]{0,24}$/), (p, text) => {
        expect(new RegExp(linearizeGaps(p)).test(text), `${p} on ${JSON.stringify(text)}`).toBe(new RegExp(p).test(text));
      }),
      { numRuns: 3000 },
    );
  });
});
