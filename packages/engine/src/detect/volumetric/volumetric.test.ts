import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Pipeline } from "../../pipeline/pipeline.js";
import type { Incident } from "../../incident/incident.js";
import { loadRulePack, RulePackError } from "../../rules/index.js";
import { loadPackFile, REPO } from "../../../testing/packs.js";
import { severityRank } from "../../incident/severity.js";

const packs = ["rules/volumetric/http-volumetric.yaml", "rules/reliability/http-5xx.yaml", "rules/security/http-security.yaml"].map((f) => loadPackFile(resolve(REPO, f)));
const fixture = (name: string) => gunzipSync(readFileSync(resolve(REPO, `fixtures/volumetric/${name}/access.log.gz`))).toString("utf8");

function run(text: string, chunks?: number[]): Incident[] {
  const p = new Pipeline({ packs, host: "shop.example.com" });
  if (!chunks) p.pushText(text, { file: "access.log" });
  else {
    let at = 0;
    for (const c of chunks) {
      const end = Math.min(text.length, at + c);
      p.pushText(text.slice(at, end), { file: "access.log" });
      at = end;
    }
    p.pushText(text.slice(at), { file: "access.log" });
  }
  p.endText({ file: "access.log" });
  return p.flush();
}

const flood = fixture("distributed-flood");
const floodIncidents = run(flood);

describe("volumetric rules", () => {
  it("finds the distributed flood as one security incident per key, with its four /24s and no client", () => {
    const host = floodIncidents.filter((i) => i.ruleId === "host-flood");
    expect(host).toHaveLength(1);
    const inc = host[0];
    expect(inc).toMatchObject({ kind: "security", category: "flood", severity: "P1", key: { host: "shop.example.com" } });
    expect(inc.key.clientIp).toBeUndefined();
    const v = inc.volumetric!;
    expect(v.verdict).toBe("attack-like");
    expect(v.prefixes.slice(0, 4).map((p) => p.value).sort()).toEqual(["185.220.101.0/24", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]);
    for (const p of v.prefixes.slice(0, 4)) expect(p.baselineShare).toBe(0);
    expect(v.clients.during).toBeGreaterThanOrEqual(1200);
    expect(v.statusShare.before.fiveXx).toBe(0);
    expect(v.statusShare.during.fiveXx).toBeGreaterThan(0.2);
    // Opened in the flood's first minute (10:45), once 5× the 150-a-minute median was reached.
    expect(inc.window.start).toBe("2026-11-20T10:45:00.000Z");
    expect(v.rate).toMatchObject({ baselineMedian: 150, threshold: 750 });
    expect(inc.recommendations.join("\n")).toContain('denylist-source-range: "185.220.101.0/24,192.0.2.0/24,198.51.100.0/24,203.0.113.0/24"');
    expect(inc.proof).toContain("10:45   2550*");
    // It links the 5xx incidents it caused.
    const reliability = floodIncidents.filter((i) => i.kind === "reliability").map((i) => i.id).sort();
    expect(reliability).toHaveLength(2);
    expect(inc.related?.map((r) => r.id).sort()).toEqual(reliability);
  });

  it("opens no per-client incident for the flood's sources, each under every per-client threshold", () => {
    expect(floodIncidents.filter((i) => i.key.clientIp !== undefined)).toEqual([]);
  });

  it("gives the flash crowd at most a P4 surge notice", () => {
    const crowd = run(fixture("flash-crowd"));
    expect(crowd.length).toBeGreaterThan(0);
    for (const i of crowd) {
      expect(severityRank(i.severity)).toBe(4);
      expect(i).toMatchObject({ kind: "reliability", category: "surge" });
      expect(i.volumetric!.verdict).toBe("organic");
    }
  });

  it("finds the IPv6 flood by /48 and ignores a flood under the floor", () => {
    const v6 = run(fixture("ipv6-flood")).find((i) => i.ruleId === "host-flood")!;
    expect(v6.severity).toBe("P2");
    expect(v6.volumetric!.prefixes.slice(0, 3).map((p) => p.value).sort()).toEqual(["2001:db8:4a1::/48", "2001:db8:77::/48", "2a05:d018:1c::/48"]);
    expect(run(fixture("below-floor"))).toEqual([]);
  });

  it("gives byte-identical incidents under any chunking and any reordering within the lateness", () => {
    const reference = JSON.stringify(floodIncidents);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 8 }), (chunks) => JSON.stringify(run(flood, chunks)) === reference),
      { numRuns: 4 },
    );
    const lines = flood.split("\n").filter(Boolean);
    const times = lines.map((l) => Date.parse(l.replace(/^.*?\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d) ([+-]\d{4})\].*$/, "$2 $1 $3 $4 GMT$5")));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 30 }), (seed) => {
        // Swap disjoint pairs of neighbours at most 2 s apart (within the 5 s lateness).
        const order = lines.map((_, i) => i);
        let s = seed;
        for (let i = 1; i < order.length; i += 2) {
          s = (s * 1103515245 + 12345) & 0x7fffffff;
          if (s % 3 === 0 && Math.abs(times[i] - times[i - 1]) <= 2000) [order[i - 1], order[i]] = [order[i], order[i - 1]];
        }
        const p = new Pipeline({ packs, host: "shop.example.com" });
        for (const i of order) p.pushLine(lines[i], i + 1, { file: "access.log" });
        return p.stats.late === 0 && JSON.stringify(p.flush()) === reference;
      }),
      { numRuns: 3 },
    );
  });

  it("names file:line:column and the field of a bad volumetric rule", () => {
    const text = ["apiVersion: edgeproof/v1", "name: v", "version: \"1\"", "rules:", "  - id: f", "    name: F", "    kind: volumetric", "    groupBy: [clientIp]", "    when: { factor: 5, minRequests: 600 }", "    classify: { prefixes: { share: 0.5 }, userAgent: { share: 0.5 }, path: { share: 0.6 }, assets: { baselineMin: 0.1, below: 0.25 }, cacheBusting: { minDistinct: 200, share: 0.5 } }", ""].join("\n");
    expect(() => loadRulePack(text, "v.yaml")).toThrow(RulePackError);
    try {
      loadRulePack(text, "v.yaml");
    } catch (e) {
      expect((e as RulePackError).message).toMatch(/^v\.yaml:8:\d+: rules\[0\]\.groupBy\[0\]: /m);
    }
  });
});
