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
      const regexOnly = { ...pack, lists: { r: { spec: { match: "regex" as const, caseSensitive: false }, entries: [{ value: source, match: "regex" as const }] } }, signatures: { x: { list: "r", fields: ["uri" as const], exploit: true } }, rules: [{ ...pack.rules[0], match: [{ field: "signature" as const, op: "in" as const, value: ["x"] }] }] };
      const sample = samples[source] ?? thinkphpSample(source);
      expect(sample, `a sample for ${source}`).toBeDefined();
      const [path, query] = sample!.split("?");
      expect(new RegExp(source, "i").test(sample!), source).toBe(true);
      expect(new SignatureMatcher(regexOnly).hits(event(path, query))?.get(pack.name)?.[0].entry, source).toBe(source);
    }
  });

  it("rejects ordinary traffic without running the exact matchers", () => {
    for (const [p, q] of [["/v1/orders/917165", undefined], ["/search", "q=leather+bag"], ["/static/app.js", "v=3"]] as const) {
      expect(fast.hits(event(p, q, "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"))).toBeUndefined();
    }
  });
});

describe("user agents: attack tools apart from crawlers, matched on product-token boundaries", () => {
  const m = new SignatureMatcher(pack);
  const classes = (ua: string) => (m.hits(event("/", undefined, ua))?.get(pack.name) ?? []).map((h) => `${h.cls}:${h.entry}`);

  it("does not find `oBot` inside UptimeRobot or Mail.RU_Bot's robots page (they are monitors and crawlers)", () => {
    expect(classes("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)")).toEqual(["crawler-user-agent:UptimeRobot"]);
    expect(classes("Mozilla/5.0 (compatible; Linux x86_64; Mail.RU_Bot/2.0; +http://go.mail.ru/help/robots)")).toEqual(["crawler-user-agent:Mail.RU_Bot"]);
    expect(classes("Mozilla/5.0 (compatible; oBot/2.3.1; +http://www-935.ibm.com/services/us/index.wss/detail/iss/a1029077?cntxt=a1027244)")).toEqual(["crawler-user-agent:oBot"]);
  });

  it("puts the crawlers, SEO bots, monitors and libraries of real logs in the context class", () => {
    for (const ua of [
      "Mozilla/5.0 (compatible; MJ12bot/v1.4.5; http://www.majestic12.co.uk/bot.php?+)",
      "Mozilla/5.0 (compatible; Exabot/3.0; +http://www.exabot.com/go/robot)",
      "Mozilla/5.0 (compatible; Ezooms/1.0; help@moz.com)",
      "MojeekBot/0.6 (archi; http://www.mojeek.com/bot.html)",
      "psbot/0.1 (+http://www.picsearch.com/bot.html)",
      "Apache-Nutch/1.9",
      "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
      "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
      "python-requests/2.32.3",
      "Go-http-client/1.1",
      "curl/8.5.0",
    ])
      expect(classes(ua).every((c) => c.startsWith("crawler-user-agent:")) && classes(ua).length > 0, ua).toBe(true);
  });

  it("finds attack tools by their product token", () => {
    for (const [ua, tool] of [
      ["sqlmap/1.7.2#stable (https://sqlmap.org)", "Sqlmap"],
      ["Mozilla/5.00 (Nikto/2.1.5) (Evasions:None) (Test:Port Check)", "Nikto"],
      ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.169 Safari/537.36 Nuclei - Open-source project (github.com/projectdiscovery/nuclei)", "Nuclei"],
      ["masscan/1.3 (https://github.com/robertdavidgraham/masscan)", "Masscan"],
      ["Mozilla/5.0 zgrab/0.x", "zgrab"],
      ["WPScan v3.8.22 (https://wpscan.com/wordpress-security-scanner)", "WPScan"],
      ["DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)", "Dirbuster"],
      ["Fuzz Faster U Fool v2.1.0-dev", "fuzz faster"],
      ["Mozilla/4.0 (Hydra)", "Mozilla/4.0 (Hydra)"],
    ])
      expect(classes(ua), ua).toContain(`attack-tool-user-agent:${tool}`);
  });

  it("does not take a tool's name inside a longer word for the tool", () => {
    expect(classes("Mozilla/5.0 (X11; Linux x86_64) Nmapper/1.0")).toEqual([]);
    expect(classes("Lavega-Browser/2.0")).toEqual([]);
  });
});

describe("SignatureMatcher over several packs", () => {
  it("matches a class only some enabled rule reads: an imported scenario left off costs nothing per request", () => {
    const text = (enabled: boolean) => `apiVersion: edgeproof/v1
name: p
version: "1"
lists: { l: { items: ["/probe"] } }
signatures: { s: { list: l, fields: [path] } }
rules:
  - { id: r, name: r, kind: security, category: t, enabled: ${enabled}, groupBy: [clientIp], window: 60s, severity: P3, when: [{ metric: count, op: ">=", value: 1 }], match: [{ field: signature, op: in, value: [s] }] }
`;
    expect(new SignatureMatcher(loadRulePack(text(true), "p.yaml")).hits(event("/probe", undefined))?.get("p")?.[0].cls).toBe("s");
    const off = new SignatureMatcher(loadRulePack(text(false), "p.yaml"));
    expect(off.size).toBe(0);
    expect(off.hits(event("/probe", undefined))).toBeUndefined();
  });
});
