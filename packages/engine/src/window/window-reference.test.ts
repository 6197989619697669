import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadRulePack } from "../rules/index.js";
import { Pipeline } from "../pipeline/pipeline.js";
import { incidentId } from "../incident/incident-id.js";
import type { HTTPEvent } from "../event/http-event.js";

/**
 * The incremental windows must agree with a brute-force evaluator that recomputes every metric from scratch
 * at every moment the window changes (each event, each expiry), following the semantics of ARCHITECTURE.md.
 */
const W = 10_000;
const COOLDOWN = 5_000;

const RULES = {
  count: { metric: "count", op: ">=", value: 4 },
  distinct: { metric: "distinct(path)", op: ">=", value: 3 },
  peakRps: { metric: "peakRps", op: ">=", value: 3 },
  ratio: { metric: "ratio(5xx)", op: ">", value: 0.5 },
  // The key's other traffic here: unmatched requests for /1 to /3 (not a superset of the match, on purpose).
  share: { metric: "share", op: ">=", value: 0.6, of: '[{ field: path, op: in, value: ["/1", "/2", "/3"] }]' },
} as const;
type Cond = (typeof RULES)[keyof typeof RULES];
const inOf = (e: Ev) => ["/1", "/2", "/3"].includes(e.path);

function pack(cond: Cond, withMatch: boolean) {
  const text = `apiVersion: edgeproof/v1
name: ref
version: "1"
rules:
  - id: r
    name: r
    kind: security
    category: test
    groupBy: [clientIp]
    window: ${W}ms
    cooldown: ${COOLDOWN}ms
    match: ${withMatch ? "[{ field: method, op: equals, value: GET }]" : "[]"}
    when:
      - { metric: "${cond.metric}", op: "${cond.op}", value: ${cond.value}${"of" in cond ? `, of: ${cond.of}` : ""} }
    severity: P3
`;
  return loadRulePack(text, "ref.yaml");
}

interface Ev { ts: number; ip: string; path: string; status: number; method: string; line: number }

function toEvent(e: Ev): HTTPEvent {
  return { ts: e.ts, clientIp: e.ip, host: "h", method: e.method, path: e.path, status: e.status, source: { format: "combined", line: e.line } };
}

function bruteForce(events: Ev[], cond: Cond, withMatch: boolean) {
  const sorted = [...events].sort((a, b) => a.ts - b.ts || a.line - b.line);
  const end = sorted.length ? sorted[sorted.length - 1].ts : 0;
  const result: Array<{ key: string; openedAt: number; closed: boolean }> = [];
  const ips = [...new Set(sorted.map((e) => e.ip))].sort();
  for (const ip of ips) {
    const all = sorted.filter((e) => e.ip === ip);
    const matched = (e: Ev) => !withMatch || e.method === "GET";
    const mine = all.filter(matched);
    // Timeline: each event (evaluated with the events released so far), each expiry point ≤ end, expiries first at equal times.
    type Point = { t: number; upto: number; expiry: boolean };
    const points: Point[] = [];
    mine.forEach((e, i) => {
      points.push({ t: e.ts, upto: i, expiry: false });
      if (e.ts + W <= end) points.push({ t: e.ts + W, upto: -1, expiry: true });
    });
    points.sort((a, b) => a.t - b.t || (a.expiry === b.expiry ? a.upto - b.upto : a.expiry ? -1 : 1));
    let released = -1;
    let open: { openedAt: number; lastHeld: number } | undefined;
    for (const p of points) {
      if (!p.expiry) released = p.upto;
      const inWin = mine.slice(0, released + 1).filter((e) => e.ts > p.t - W && e.ts <= p.t);
      if (open && p.t > open.lastHeld + COOLDOWN) {
        result.push({ key: ip, openedAt: open.openedAt, closed: true });
        open = undefined;
      }
      if (p.expiry && inWin.length === 0) continue;
      let v: number;
      switch (cond.metric) {
        case "count": v = inWin.length; break;
        case "distinct(path)": v = new Set(inWin.map((e) => e.path)).size; break;
        case "peakRps": v = inWin.filter((e) => e.ts > p.t - 1000).length; break;
        case "share": {
          // Other traffic since the oldest event in the window, as released by then: before this event, or
          // (at an expiry) before the expiry's moment.
          const from = all.indexOf(inWin[0]);
          const upto = p.expiry ? all.findIndex((e) => e.ts >= p.t) : all.indexOf(mine[p.upto]);
          const others = all.slice(from + 1, upto < 0 ? all.length : upto).filter((e) => !matched(e) && inOf(e)).length;
          v = inWin.length / (inWin.length + others);
          break;
        }
        default: v = inWin.filter((e) => e.status >= 500).length / inWin.length;
      }
      const holds = cond.op === ">=" ? v >= cond.value : v > cond.value;
      if (holds) {
        open ??= { openedAt: p.t, lastHeld: p.t };
        open.lastHeld = p.t;
      }
    }
    if (open) result.push({ key: ip, openedAt: open.openedAt, closed: end > open.lastHeld + COOLDOWN });
  }
  return result.map((r) => ({ id: incidentId("ref", "r", r.key, r.openedAt), status: r.closed ? "closed" : "open" })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

const eventsArb = fc
  .array(
    fc.record({
      // Coarse steps make events land exactly on window, 1 s and cooldown boundaries, where off-by-one bugs live.
      dt: fc.constantFrom(0, 250, 500, 1000, 2500, 5000, 10_000),
      ip: fc.constantFrom("a", "b", "c"),
      path: fc.constantFrom("/1", "/2", "/3", "/4"),
      status: fc.constantFrom(200, 404, 500, 503),
      method: fc.constantFrom("GET", "GET", "POST"),
    }),
    { maxLength: 120 },
  )
  .map((xs) => {
    let ts = 1_700_000_000_000;
    return xs.map((x, i): Ev => ({ ts: (ts += x.dt), ip: x.ip, path: x.path, status: x.status, method: x.method, line: i + 1 }));
  });

describe("sliding windows equal a brute-force reference", () => {
  for (const [name, cond] of Object.entries(RULES)) {
    for (const withMatch of [false, true]) {
      it(`${name}${withMatch ? " with a match filter" : ""}`, () => {
        fc.assert(
          fc.property(eventsArb, (evs) => {
            const p = new Pipeline({ packs: [pack(cond, withMatch)], allowedLatenessMs: 0 });
            for (const e of evs) p.pushEvent(toEvent(e));
            const got = p.flush().map((i) => ({ id: i.id, status: i.status })).sort((a, b) => (a.id < b.id ? -1 : 1));
            expect(got).toEqual(bruteForce(evs, cond, withMatch));
          }),
          { numRuns: 150 },
        );
      });
    }
  }

  it("fires on a stream built to cross the threshold exactly once", () => {
    const evs: Ev[] = [0, 100, 200, 300].map((dt, i) => ({ ts: 1000 + dt, ip: "x", path: "/p", status: 200, method: "GET", line: i + 1 }));
    const p = new Pipeline({ packs: [pack(RULES.count, false)], allowedLatenessMs: 0 });
    for (const e of evs) p.pushEvent(toEvent(e));
    const out = p.flush();
    expect(out).toHaveLength(1);
    expect(out[0].id).toBe(incidentId("ref", "r", "x", 1300));
    expect(out[0].metrics.requests).toBe(4);
  });
});
