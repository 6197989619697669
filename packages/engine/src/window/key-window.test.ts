import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadRulePack } from "../rules/index.js";
import { compileRule } from "../rules/compile.js";
import type { ObservedEvent } from "../event/observed-event.js";
import { KeyWindow } from "./key-window.js";

const pack = loadRulePack(
  `apiVersion: edgeproof/v1
name: kw
version: "1"
rules:
  - { id: r, name: r, kind: reliability, category: t, groupBy: [host], window: 10s, severity: P3, match: [], when: [{ metric: "ratio(5xx)", op: ">", value: 0.1 }, { metric: "distinct(path)", op: ">=", value: 1 }, { metric: "p95(requestTime)", op: ">", value: 1 }, { metric: signatureHits, op: ">=", value: 1 }] }
`,
  "kw.yaml",
);
const rule = compileRule(pack.rules[0], pack);

const HITS = [
  { cls: "a", entry: "x", exploit: false, target: true },
  { cls: "b", entry: "y", exploit: false, target: true },
];

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] : 0;
}

function observed(ts: number, status: number, n: number): ObservedEvent {
  const e = { ts, host: "h", path: `/p${n % 7}`, status, requestTime: n % 5 ? (n * 7) % 13 : undefined, source: { format: "combined" as const, line: n + 1 } };
  const signatures = n % 3 ? undefined : new Map([["kw", n % 2 ? HITS : HITS.slice(0, 1)]]);
  return { e, isStatic: false, signatures, keyShape: -1, key: null, seq: -1 } as unknown as ObservedEvent;
}

// Steps: add an event some ms after the last (often at the same ms, as second-resolution logs do), or expire
// everything up to some ms before the last event (or past it, emptying the window).
const step = fc.oneof(
  fc.record({ add: fc.oneof(fc.constant(0), fc.nat(700)), status: fc.constantFrom(200, 200, 404, 500, 503) }),
  fc.record({ expireBack: fc.integer({ min: -1000, max: 9000 }) }),
);

describe("KeyWindow", () => {
  for (const lean of [undefined, 5]) {
    it(`${lean ? "lean" : "full"} window: counters and replay equal a list of what is inside`, () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
          const win = new KeyWindow(rule, lean);
          const model: ObservedEvent[] = [];
          let t = 0;
          steps.forEach((s, n) => {
            if ("add" in s) {
              t += s.add;
              const ev = observed(t, s.status, n);
              win.add(ev);
              model.push(ev);
            } else {
              const cutoff = t - s.expireBack;
              win.expireThrough(cutoff);
              while (model.length && model[0].e.ts <= cutoff) model.shift();
            }
            expect(win.size).toBe(model.length);
            expect(win.oldestTs).toBe(model[0]?.e.ts);
            const five = model.filter((m) => m.e.status >= 500).length;
            expect(win.metric({ kind: "statusClass", cls: 5 }, t)).toBe(five);
            expect(win.metric({ kind: "peakRps" }, t)).toBe(model.filter((m) => m.e.ts > t - 1000).length);
            if (!lean) {
              expect(win.metric({ kind: "distinct", field: "path" }, t)).toBe(new Set(model.map((m) => m.e.path)).size);
              expect(win.metric({ kind: "percentile", p: 95, field: "requestTime" }, t)).toBe(p95(model.flatMap((m) => (m.e.requestTime === undefined ? [] : [m.e.requestTime]))));
              const hits = model.map((m) => m.signatures?.get("kw") ?? []);
              expect(win.metric({ kind: "signatureHits" }, t)).toBe(hits.filter((h) => h.length).length);
              expect(win.metric({ kind: "signatureHits", cls: "b" }, t)).toBe(hits.filter((h) => h.some((x) => x.cls === "b")).length);
            }
          });
          const first5 = model.findIndex((m) => m.e.status >= 500);
          const expected = (from: number) =>
            model.slice(from).map((m) => (!lean || m.e.status >= 500 ? m : { ts: m.e.ts, status: m.e.status }));
          expect([...win.replay(5)]).toEqual(first5 < 0 ? [] : expected(first5));
          expect([...win.replay(undefined)]).toEqual(expected(0));
          expect([...win.contents()]).toEqual(lean ? model.filter((m) => m.e.status >= 500) : model);
        }),
        { numRuns: 300 },
      );
    });
  }
});
