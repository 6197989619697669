import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { IncidentAccumulator } from "./accumulator.js";
import type { ObservedEvent, SignatureHit } from "../event/observed-event.js";

function probe(line: number, classes: string[]): ObservedEvent {
  const hits: SignatureHit[] = classes.map((cls) => ({ cls, entry: cls, exploit: false, target: true }));
  const e = { ts: 1_700_000_000_000 + line * 1000, host: "h", clientIp: "192.0.2.1", method: "GET", path: `/p${line}`, status: 404, source: { format: "combined" as const, line } };
  return { e, isStatic: undefined, signatures: new Map([["p", hits]]), keyShape: -1, key: null, seq: -1, detached: false };
}

/** Peak rate = the most requests in any trailing second (t − 1 s, t], over everything the incident covers. */
function bruteForcePeak(ts: number[]): number {
  return Math.max(0, ...ts.map((t) => ts.filter((u) => u > t - 1000 && u <= t).length));
}

describe("IncidentAccumulator", () => {
  it("keeps the exact peak rate and request counts over long incidents", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1, 10, 250, 999, 1000, 1001, 3000), { minLength: 1, maxLength: 3000 }), (gaps) => {
        let t = 1_700_000_000_000;
        const ts = gaps.map((g) => (t += g));
        const acc = new IncidentAccumulator("p", "reliability", ts[0]);
        ts.forEach((x, i) => acc.addSummary(x, i % 7 === 0 ? 503 : 200));
        const m = acc.metrics();
        expect(m.peakRps).toBe(bruteForcePeak(ts));
        expect(m.requests).toBe(ts.length);
        expect(m.fiveXx).toBe(ts.filter((_, i) => i % 7 === 0).length);
      }),
      { numRuns: 60 },
    );
  });

  it("stops at 12 samples, but a sampled request still gains every reason it stands for", () => {
    const acc = new IncidentAccumulator("p", "security", 1_700_000_000_000);
    // 11 requests, each a new signature class: 11 samples.
    for (let i = 1; i <= 11; i++) acc.add(probe(i, [`c${i}`]), true);
    // The 12th sample, for two classes at once; then a request with a class of its own finds no room.
    acc.add(probe(12, ["c12", "c13"]), true);
    acc.add(probe(13, ["c14"]), true);
    const evidence = acc.evidence();
    expect(evidence.map((s) => s.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(evidence[11].why).toBe('signature c12: matched "c12"; signature c13: matched "c13"');
  });
});
