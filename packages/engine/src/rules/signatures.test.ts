import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { HTTPEvent } from "../event/http-event.js";
import { loadRulePack } from "./load.js";
import { SignatureMatcher } from "./signatures.js";

const RULES = join(import.meta.dirname, "../../../../rules");
const file = join(RULES, "security/http-security.yaml");
const pack = loadRulePack(readFileSync(file, "utf8"), file, (p) => readFileSync(join(RULES, p), "utf8"));

function event(path: string, query: string | undefined, userAgent?: string, referer?: string): HTTPEvent {
  return { ts: 0, host: "h", method: "GET", path, query, status: 404, userAgent, referer, source: { format: "combined", line: 1 } };
}

/** thinkphp entries are literal paths written as regexes: unescaping them gives a text they match. */
function thinkphpSample(source: string): string | undefined {
  if (!source.startsWith("index/")) return undefined;
  return "/" + source.replace(/\\(.)/g, "$1");
}

describe("SignatureMatcher prefilter", () => {
  const fast = new SignatureMatcher(pack);
  const exact = new SignatureMatcher(pack, { prefilter: false });
  const entries = Object.values(pack.lists).flatMap((l) => l.entries.filter((e) => e.match !== "regex").map((e) => e.value));
  const regexes = Object.values(pack.lists).flatMap((l) => l.entries.filter((e) => e.match === "regex").map((e) => e.value));

  it("compiles a prefilter for every field of the default pack (no entry left without a literal)", () => {
    const fields = (fast as unknown as { fields: Array<{ field: string; prefilter?: unknown }> }).fields;
    expect(fields.filter((f) => !f.prefilter).map((f) => f.field)).toEqual([]);
  });

  it("finds the same hits as running every matcher, on texts built from the pack's own entries", () => {
    const piece = fc.oneof(fc.constantFrom(...entries), fc.constantFrom("/", "/api/v1/", "x", "%2e", "?", "=", "../", "Mozilla/5.0 ", "é"), fc.string({ maxLength: 6 }));
    const text = fc.array(piece, { maxLength: 4 }).map((xs) => xs.join(""));
    fc.assert(
      fc.property(text, fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), (path, query, ua, ref) => {
        const e = event(path, query, ua, ref);
        expect(fast.hits(e)).toEqual(exact.hits(e));
      }),
      { numRuns: 3000 },
    );
  });

  it("passes what only a regex entry matches: each regex of the pack, alone in a pack, against a sample it matches", () => {
    const samples: Record<string, string> = {
      "/tmui/login\\.jsp/(?:\\.\\.|%2e%2e);/": "/tmui/login.jsp/..;/tmui/locallb/workspace/fileRead.jsp",
      "(?:\\$|%24)(?:\\{|%7b)(?:script|url|dns)(?::|%3a)": "/search?q=%24%7Bscript%3Ajavascript%3Ajava.lang.Runtime",
      "\\.php/\\.js\\.map": "/global-protect/login.php/.js.map",
      "^/goanywhere/": "/goanywhere/lic/accept",
      "/ui/vcav-bootstrap/rest/vcav-providers/provider-logo\\?url=(?:file|http)": "/ui/vcav-bootstrap/rest/vcav-providers/provider-logo?url=file:///etc/passwd",
      "/service/extension/backup/mboximport\\?account-name=admin&(?:ow=2&no-switch=1&append=1|account-status=1&ow=cmd)":
        "/service/extension/backup/mboximport?account-name=admin&ow=2&no-switch=1&append=1",
    };
    for (const source of regexes) {
      const regexOnly = { ...pack, lists: { r: { spec: { match: "regex" as const, caseSensitive: false }, entries: [{ value: source, match: "regex" as const }] } }, signatures: { x: { list: "r", fields: ["uri" as const], exploit: true } } };
      const sample = samples[source] ?? thinkphpSample(source);
      expect(sample, `a sample for ${source}`).toBeDefined();
      const [path, query] = sample!.split("?");
      expect(new RegExp(source, "i").test(sample!), source).toBe(true);
      expect(new SignatureMatcher(regexOnly).hits(event(path, query))?.[0].entry, source).toBe(source);
    }
  });

  it("rejects ordinary traffic without running the exact matchers", () => {
    for (const [p, q] of [["/v1/orders/917165", undefined], ["/search", "q=leather+bag"], ["/static/app.js", "v=3"]] as const) {
      expect(fast.hits(event(p, q, "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"))).toBeUndefined();
    }
  });
});
