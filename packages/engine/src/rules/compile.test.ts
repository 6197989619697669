import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadRulePack } from "./load.js";
import { compileRule, passesGates } from "./compile.js";
import type { ObservedEvent } from "../event/observed-event.js";

function rule(match: string) {
  const pack = loadRulePack(
    `apiVersion: edgeproof/v1
name: g
version: "1"
lists: { l: { items: [x] } }
signatures: { a: { list: l, fields: [path] }, b: { list: l, fields: [path] }, c: { list: l, fields: [path] } }
rules:
  - { id: r, name: r, kind: security, category: t, groupBy: [clientIp], window: 10s, severity: P3, when: [{ metric: count, op: ">=", value: 1 }], match: ${match} }
`,
    "g.yaml",
  );
  return compileRule(pack.rules[0], pack);
}

function observed(status: number, classes: string[] | undefined, pack = "g"): ObservedEvent {
  const signatures = classes && new Map([[pack, classes.map((cls) => ({ cls, entry: cls, exploit: false, target: true }))]]);
  return { e: { ts: 0, host: "h", path: "/", status, source: { format: "combined", line: 1 } }, isStatic: false, signatures, keyShape: -1, key: null, seq: -1 } as unknown as ObservedEvent;
}

describe("passesGates", () => {
  const statusValue = fc.oneof(fc.integer({ min: 0, max: 1200 }), fc.constantFrom("404", "0404", "4xx", 404.5, -1));
  const predicate = fc.oneof(
    fc.record({ op: fc.constantFrom("in", "equals", "notIn"), value: fc.array(statusValue, { minLength: 1, maxLength: 4 }), not: fc.boolean() }).map(
      (p) => `{ field: status, op: ${p.op}, value: ${JSON.stringify(p.op === "equals" ? p.value[0] : p.value)}, not: ${p.not} }`,
    ),
    fc.record({ op: fc.constantFrom("in", "equals"), value: fc.constantFrom("a", "b"), not: fc.boolean() }).map((p) => `{ field: signature, op: ${p.op}, value: ${p.value}, not: ${p.not} }`),
  );

  it("only rejects events the full match rejects", () => {
    fc.assert(
      fc.property(fc.array(predicate, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 1200 }), fc.option(fc.subarray(["a", "b", "c"]), { nil: undefined }), (preds, status, classes) => {
        const c = rule(`[${preds.join(", ")}]`);
        const ev = observed(status, classes?.length ? classes : undefined);
        if (!passesGates(c, ev)) expect(c.match(ev)).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });

  it("gates the default shapes: 4xx statuses and signature classes", () => {
    const probing = rule("[{ field: status, op: in, value: [400, 404] }, { field: static, op: equals, value: false }]");
    expect(passesGates(probing, observed(404, undefined))).toBe(true);
    expect(passesGates(probing, observed(200, undefined))).toBe(false);
    const sig = rule("[{ field: signature, op: in, value: [a] }]");
    expect(passesGates(sig, observed(200, undefined))).toBe(false);
    expect(passesGates(sig, observed(200, ["c"], "other"))).toBe(false);
    expect(passesGates(sig, observed(200, ["a"]))).toBe(true);
  });
});
