import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Pipeline } from "./pipeline.js";
import type { Incident } from "../incident/incident.js";
import { defaultPacks, REPO } from "../../testing/packs.js";

/**
 * The determinism invariants of ARCHITECTURE.md on the demo log (every detector fires in it): any chunking
 * and any reordering within the allowed lateness give byte-identical incidents.
 */
const packs = defaultPacks();
const demo = readFileSync(resolve(REPO, "fixtures/demo/access.log"), "utf8");
const lines = demo.split("\n").filter(Boolean);
const LATENESS = 5000;

function runChunks(chunks: string[]): string {
  const p = new Pipeline({ packs, host: "shop.example.com", allowedLatenessMs: LATENESS });
  for (const c of chunks) p.pushText(c, { file: "demo.log" });
  p.endText({ file: "demo.log" });
  return JSON.stringify({ incidents: p.flush(), stats: p.stats });
}

function runLines(order: number[]): string {
  const p = new Pipeline({ packs, host: "shop.example.com", allowedLatenessMs: LATENESS });
  for (const i of order) p.pushLine(lines[i], i + 1, { file: "demo.log" });
  return JSON.stringify({ incidents: p.flush(), late: p.stats.late });
}

const reference = runChunks([demo]);

/**
 * The demo's attackers seen on a second host too (another file whose stream label names the host): each is an
 * incident per host listing the other as related, and the two files' lines interleave in any arrival order.
 */
const ATTACKERS = ["203.0.113.7 ", "198.51.100.23 "];
const admin = lines.filter((l) => ATTACKERS.some((a) => l.startsWith(a)));
const ADMIN = { file: "admin.log", labels: { host: "admin.example.com" } };
const both = [...lines.map((text, i) => ({ text, no: i + 1, src: { file: "demo.log" } })), ...admin.map((text, i) => ({ text, no: i + 1, src: ADMIN }))];

function runBoth(order: number[]): string {
  const p = new Pipeline({ packs, host: "shop.example.com", allowedLatenessMs: LATENESS });
  for (const i of order) p.pushLine(both[i].text, both[i].no, both[i].src);
  return JSON.stringify({ incidents: p.flush(), late: p.stats.late });
}

function timeOf(line: string): number {
  return Date.parse(line.replace(/^.*?\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d) ([+-]\d{4})\].*$/, "$2 $1 $3 $4 GMT$5"));
}

describe("pipeline determinism", () => {
  it("finds every detector's finding in the demo, so the invariants below are not vacuous", () => {
    const incidents = JSON.parse(reference).incidents as Incident[];
    const rules = new Set(incidents.flatMap((i) => i.findings.map((f) => f.ruleId)));
    for (const r of ["http-probing", "low-and-slow-probing", "sensitive-files", "exploit-attempt", "upstream-5xx-ratio"]) expect(rules).toContain(r);
    // One incident per attacker: findings of one client and host are correlated, not listed side by side.
    const security = incidents.filter((i) => i.kind === "security");
    expect(new Set(security.map((i) => `${i.key.clientIp} ${i.key.host}`)).size).toBe(security.length);
    expect(security.some((i) => i.findings.length >= 3)).toBe(true);
  });

  it("gives identical correlated incidents, related across hosts, for any interleaving of two sources within the lateness", () => {
    const inOrder = runBoth(both.map((_, i) => i).sort((a, b) => timeOf(both[a].text) - timeOf(both[b].text) || a - b));
    const incidents = JSON.parse(inOrder).incidents as Incident[];
    for (const a of ATTACKERS) {
      const mine = incidents.filter((i) => i.kind === "security" && i.key.clientIp === a.trim());
      expect(mine.map((i) => i.key.host).sort()).toEqual(["admin.example.com", "shop.example.com"]);
      for (const i of mine) expect(i.related?.map((r) => r.id)).toEqual(mine.filter((o) => o !== i).map((o) => o.id));
    }
    const ts = both.map((l) => timeOf(l.text));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: LATENESS }), { minLength: both.length, maxLength: both.length }), (delays) => {
        const order = both.map((_, i) => i).sort((a, b) => ts[a] + delays[a] - (ts[b] + delays[b]) || a - b);
        const out = runBoth(order);
        expect(JSON.parse(out).late).toBe(0);
        expect(out).toBe(inOrder);
      }),
      { numRuns: 6, endOnFailure: true },
    );
  });

  it("gives identical output for any chunking of the text", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: demo.length }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: string[] = [];
        let prev = 0;
        for (const c of points) {
          chunks.push(demo.slice(prev, c));
          prev = c;
        }
        chunks.push(demo.slice(prev));
        expect(runChunks(chunks)).toBe(reference);
      }),
      // Shrinking a 12k-line input takes minutes; the first counterexample is already informative.
      { numRuns: 12, endOnFailure: true },
    );
  });

  it("gives identical incidents for any reordering within the allowed lateness", () => {
    const inOrder = runLines(lines.map((_, i) => i));
    const ts = lines.map(timeOf);
    expect(ts.every(Number.isFinite)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: LATENESS }), { minLength: lines.length, maxLength: lines.length }), (delays) => {
        // Arrival = event time + a delay ≤ lateness: no event arrives after one more than `lateness` newer.
        const order = lines.map((_, i) => i).sort((a, b) => ts[a] + delays[a] - (ts[b] + delays[b]) || a - b);
        const out = runLines(order);
        expect(JSON.parse(out).late).toBe(0);
        expect(out).toBe(inOrder);
      }),
      { numRuns: 8, endOnFailure: true },
    );
  });

  it("parsing lines when the buffer releases them gives what parsing them on arrival gives", () => {
    // onEvent makes the pipeline parse on arrival; hostile and late lines must be counted alike either way.
    const hostile = ["", "garbage", '1.2.3.4 - - [20/Nov/2026:10:05:30 +0000] "GET / HTTP/1.1" xyz 1 "-" "-"', "I1120 10:02:31 klog line", "2026/11/20 10:02:32 [error] 1#1: upstream timed out"];
    const mixed = [...lines.slice(0, 3000), ...hostile, lines[10], ...lines.slice(3000, 6000), lines[20]];
    const run = (eager: boolean, since?: number) => {
      const p = new Pipeline({ packs, host: "shop.example.com", allowedLatenessMs: LATENESS, since, onEvent: eager ? () => {} : undefined });
      mixed.forEach((l, i) => p.pushLine(l, i + 1, { file: "mixed.log" }));
      return JSON.stringify({ incidents: p.flush(), stats: p.stats, misses: p.nearMisses() });
    };
    const deferred = run(false);
    expect(JSON.parse(deferred).stats.late).toBeGreaterThan(0);
    expect(Object.keys(JSON.parse(deferred).stats.rejected).length).toBeGreaterThan(2);
    expect(deferred).toBe(run(true));
    const since = Date.parse("2026-11-20T10:02:00Z");
    expect(run(false, since)).toBe(run(true, since));
  });

  it("counts events that arrive later than the lateness as late instead of evaluating them", () => {
    const order = lines.map((_, i) => i);
    const last = order.pop()!;
    order.splice(order.length - 2000, 0, last);
    expect(JSON.parse(runLines(order)).late).toBeGreaterThan(0);
  });
});
