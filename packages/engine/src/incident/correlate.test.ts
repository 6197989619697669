import { describe, expect, it } from "vitest";
import { Pipeline } from "../pipeline/pipeline.js";
import { loadRulePack } from "../rules/index.js";

/** Two security rules on one key: 404 bursts and requests for `.env`; short windows so the gap is easy to cross. */
const PACK = loadRulePack(
  `apiVersion: edgeproof/v1
name: p
version: "1"
rules:
  - id: burst
    name: Burst
    kind: security
    category: probing
    match: [{ field: status, op: in, value: [404] }]
    groupBy: [clientIp, host]
    window: 10s
    cooldown: 20s
    when: [{ metric: count, op: ">=", value: 3 }]
    severity: P3
  - id: dotenv
    name: Dotenv
    kind: security
    category: sensitive-files
    match: [{ field: path, op: contains, value: ".env" }]
    groupBy: [clientIp, host]
    window: 10s
    cooldown: 40s
    when: [{ metric: count, op: ">=", value: 1 }]
    severity: P2
`,
  "p.yaml",
);

function line(ip: string, sec: number, path: string, status: number): string {
  const t = new Date(Date.UTC(2026, 10, 20, 10, 0, 0) + sec * 1000);
  const stamp = `${String(t.getUTCDate()).padStart(2, "0")}/Nov/2026:${t.toISOString().slice(11, 19)} +0000`;
  return `${ip} - - [${stamp}] "GET ${path} HTTP/1.1" ${status} 10 "-" "ua"`;
}

function run(lines: string[], actorGapMs?: number) {
  const p = new Pipeline({ packs: [PACK], host: "h", actorGapMs });
  lines.forEach((l, i) => p.pushLine(l, i + 1, { file: "a.log" }));
  return p.flush();
}

describe("Correlator", () => {
  it("joins the findings of one client and host into one incident: severity the highest, requests counted once", () => {
    const out = run([line("192.0.2.1", 0, "/.env", 404), line("192.0.2.1", 1, "/a", 404), line("192.0.2.1", 2, "/b", 404), line("192.0.2.1", 3, "/ok", 200)]);
    expect(out).toHaveLength(1);
    const [inc] = out;
    expect(inc.findings.map((f) => f.ruleId)).toEqual(["dotenv", "burst"]);
    expect(inc.id).toBe(inc.findings[0].id);
    expect(inc.severity).toBe("P2");
    // burst opened on a window holding /.env, which the incident had already: every request counts once.
    expect(inc.metrics.requests).toBe(4);
    expect(inc.findings.map((f) => f.metrics.requests)).toEqual([4, 4]);
    expect(inc.window).toEqual({ start: "2026-11-20T10:00:00.000Z", end: "2026-11-20T10:00:03.000Z" });
    expect(inc.proof).toContain("findings (2)");
  });

  it("keeps other clients and hosts apart", () => {
    const out = run([line("192.0.2.1", 0, "/.env", 404), line("192.0.2.2", 0, "/.env", 404)]);
    expect(out.map((i) => i.key.clientIp).sort()).toEqual(["192.0.2.1", "192.0.2.2"]);
  });

  it("opens a new incident when the next finding comes after the gap (the longest cooldown), not before", () => {
    // dotenv held at 0 s, cooldown 40 s: a finding at 35 s joins, one at 100 s starts a new incident.
    const joined = run([line("192.0.2.1", 0, "/.env", 404), ...[35, 36, 37].map((s) => line("192.0.2.1", s, `/x${s}`, 404))]);
    expect(joined).toHaveLength(1);
    expect(joined[0].findings.map((f) => f.ruleId)).toEqual(["dotenv", "burst"]);
    const apart = run([line("192.0.2.1", 0, "/.env", 404), ...[100, 101, 102].map((s) => line("192.0.2.1", s, `/x${s}`, 404))]);
    expect(apart.map((i) => i.findings.map((f) => f.ruleId))).toEqual([["dotenv"], ["burst"]]);
    expect(apart[0].status).toBe("closed");
    // A configured gap overrides the cooldowns.
    expect(run([line("192.0.2.1", 0, "/.env", 404), ...[100, 101, 102].map((s) => line("192.0.2.1", s, `/x${s}`, 404))], 120_000)).toHaveLength(1);
  });
});
