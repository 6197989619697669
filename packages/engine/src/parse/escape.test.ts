import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeLogged } from "./escape.js";
import { parseLine } from "./index.js";
import { parseJsonTolerant } from "./json-repair.js";

const fixtures = new URL("../../../../fixtures/parse/", import.meta.url);
const escaping = JSON.parse(readFileSync(new URL("ingress-nginx-escaping.e2e.json", fixtures), "utf8")) as {
  cases: { sent_header: Record<string, string>; expected_log_substring: string; nginx_directive: string }[];
};

describe("decodeLogged", () => {
  it("decodes escape=default \\xXX once, including UTF-8 sequences", () => {
    expect(decodeLogged("a\\x22b\\x5Cc")).toBe('a"b\\c');
    expect(decodeLogged("caf\\xC3\\xA9")).toBe("café");
    expect(decodeLogged("\\x5Cx22")).toBe("\\x22");
  });
  it("decodes escape=json escapes", () => {
    expect(decodeLogged('say \\"hi\\" \\\\ \\n\\u0001')).toBe('say "hi" \\ \n\u0001');
  });
  it("keeps invalid UTF-8 byte runs in their escaped spelling", () => {
    expect(decodeLogged("/\\xC0\\xAE\\xC0\\xAE/x")).toBe("/\\xC0\\xAE\\xC0\\xAE/x");
    expect(decodeLogged("\\x16\\x03\\xFF")).toBe("\u0016\u0003\\xFF");
  });
  it("leaves plain text and dangling backslashes alone", () => {
    expect(decodeLogged("/plain/path")).toBe("/plain/path");
    expect(decodeLogged("end\\")).toBe("end\\");
    expect(decodeLogged("\\xZZ")).toBe("\\xZZ");
  });
});

describe("ingress-nginx e2e escaping cases", () => {
  for (const c of escaping.cases) {
    const [, sent] = Object.entries(c.sent_header)[0];
    it(`${c.nginx_directive}: JSON line yields the sent header value`, () => {
      const o = parseJsonTolerant(c.expected_log_substring);
      expect(typeof o).toBe("object");
      const values = Object.values(o as Record<string, unknown>);
      expect(values[0]).toBe(sent);
      // The unset second header is "-" with default escaping and "" otherwise; both mean absent.
      expect(["", "-"]).toContain(values[1]);
    });
    it(`${c.nginx_directive}: the same value as a combined-line user agent decodes to the sent value`, () => {
      // Take the logged spelling of the value from the e2e substring: between `":"` and `", "`.
      const logged = c.expected_log_substring.slice(c.expected_log_substring.indexOf('":"') + 3, c.expected_log_substring.indexOf('", "'));
      const line = `10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "${logged}"`;
      const r = parseLine(line, { line: 1 });
      expect(r.ok && r.event.userAgent).toBe(sent);
    });
  }
});
