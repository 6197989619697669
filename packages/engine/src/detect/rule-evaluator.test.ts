import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadRulePack } from "../rules/index.js";
import { Pipeline } from "../pipeline/pipeline.js";
import type { HTTPEvent } from "../event/http-event.js";

/**
 * A 5xx rule skips evaluating requests of other classes on a settled window (RuleEvaluator.risesOnly). The same
 * rule with `count >= 1` added holds exactly when it does, but is evaluated on every request: both must report
 * the same incidents and the same near misses.
 */
interface Thresholds {
  classOp: string;
  classValue: number;
  ratioOp: string;
  ratioValue: number;
}

function pack(everyEvent: boolean, t: Thresholds) {
  return loadRulePack(
    `apiVersion: edgeproof/v1
name: skip
version: "1"
rules:
  - id: r
    name: r
    kind: reliability
    category: 5xx
    groupBy: [host]
    window: 10s
    cooldown: 5s
    when:
      - { metric: statusClass(5xx), op: "${t.classOp}", value: ${t.classValue} }
      - { metric: ratio(5xx), op: "${t.ratioOp}", value: ${t.ratioValue} }
${everyEvent ? '      - { metric: count, op: ">=", value: 1 }\n' : ""}    severity: P2
    escalate:
      - { when: { metric: ratio(5xx), op: ">", value: 0.6 }, severity: P1 }
`,
    "skip.yaml",
  );
}

const eventsArb = fc
  .array(
    fc.record({
      // Coarse steps land events on window, cooldown and sweep boundaries.
      dt: fc.constantFrom(0, 500, 1000, 5000, 10_000, 30_000),
      host: fc.constantFrom("a", "b"),
      status: fc.constantFrom(200, 200, 404, 500, 503),
    }),
    { maxLength: 150 },
  )
  .map((xs) => {
    let ts = 1_700_000_000_000;
    return xs.map((x, i): HTTPEvent => ({ ts: (ts += x.dt), host: x.host, path: `/p${i % 3}`, status: x.status, source: { format: "combined", line: i + 1 } }));
  });

// Zero thresholds hold on a window without a 5xx: there, a 200 on an emptied window opens an incident.
const thresholdsArb = fc.record({
  classOp: fc.constantFrom(">=", ">"),
  classValue: fc.constantFrom(0, 1, 2),
  ratioOp: fc.constantFrom(">=", ">"),
  ratioValue: fc.constantFrom(0, 0.3),
});

function run(everyEvent: boolean, t: Thresholds, events: HTTPEvent[]) {
  const p = new Pipeline({ packs: [pack(everyEvent, t)], allowedLatenessMs: 0 });
  for (const e of events) p.pushEvent(structuredClone(e));
  const incidents = p.flush().map((i) => ({ id: i.id, status: i.status, window: i.window, severity: i.severity, metrics: i.metrics }));
  const misses = p.nearMisses().map((m) => ({ key: m.key, time: m.time, closeness: m.closeness, conditions: m.conditions.slice(0, 2) }));
  return { incidents, misses };
}

describe("a 5xx rule not evaluating other classes' requests", () => {
  it("reports what evaluating every request reports", () => {
    fc.assert(
      fc.property(thresholdsArb, eventsArb, (t, events) => {
        expect(run(false, t, events)).toEqual(run(true, t, events));
      }),
      { numRuns: 400 },
    );
  });

  it("evaluates the first request after an incident closed, which starts the key's near miss afresh", () => {
    const t = { classOp: ">=", classValue: 2, ratioOp: ">", ratioValue: 0.3 };
    // Two 503s open it, five 200s end the hold at 1 s; a 200 at 7 s closes it (5 s cooldown) on a window at 2/8.
    const at = [[0, 503], [0, 503], [1000, 200], [1000, 200], [1000, 200], [1000, 200], [1000, 200], [7000, 200]];
    const events = at.map(([dt, status], i): HTTPEvent => ({ ts: 1_700_000_000_000 + dt, host: "a", path: "/", status, source: { format: "combined", line: i + 1 } }));
    const skipping = run(false, t, events);
    expect(skipping.misses.map((m) => m.closeness)).toEqual([0.833]);
    expect(skipping).toEqual(run(true, t, events));
  });
});

describe("a 5xx rule whose thresholds hold without a 5xx", () => {
  it("opens on a healthy request and covers the window from its start", () => {
    const t = { classOp: ">=", classValue: 0, ratioOp: ">=", ratioValue: 0 };
    const events: HTTPEvent[] = [0, 1000].map((dt, i) => ({ ts: 1_700_000_000_000 + dt, host: "a", path: "/", status: 200, source: { format: "combined", line: i + 1 } }));
    const [inc] = run(false, t, events).incidents;
    expect(inc.metrics.requests).toBe(2);
    expect(inc.window.start).toBe(new Date(1_700_000_000_000).toISOString());
  });
});
