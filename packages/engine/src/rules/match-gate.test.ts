import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadRulePack } from "./load.js";
import { compileRule, type CompiledRule } from "./compile.js";
import { GateIndex } from "./match-gate.js";
import type { ObservedEvent } from "../event/observed-event.js";
import type { HTTPEvent } from "../event/http-event.js";

function rules(matches: string[]): CompiledRule[] {
  const pack = loadRulePack(
    `apiVersion: edgeproof/v1
name: g
version: "1"
lists: { l: { items: [x] } }
signatures: { a: { list: l, fields: [path] }, b: { list: l, fields: [path] }, c: { list: l, fields: [path] } }
rules:
${matches.map((m, i) => `  - { id: r${i}, name: r, kind: security, category: t, groupBy: [clientIp], window: 10s, severity: P3, when: [{ metric: count, op: ">=", value: 1 }], match: ${m} }`).join("\n")}
`,
    "g.yaml",
  );
  return pack.rules.map((r) => compileRule(r, pack));
}

type EventShape = Pick<HTTPEvent, "status" | "method" | "httpVersion" | "query" | "path" | "malformedRequest" | "absoluteUri" | "targetHost">;

function observed(shape: EventShape, classes?: string[], pack = "g"): ObservedEvent {
  const signatures = classes && new Map([[pack, classes.map((cls) => ({ cls, entry: cls, exploit: false, target: true }))]]);
  return { e: { ts: 0, host: "h", source: { format: "combined", line: 1 }, ...shape }, isStatic: undefined, signatures, keyShape: -1, key: null, seq: -1 } as unknown as ObservedEvent;
}

const scalar = fc.oneof(fc.integer({ min: -1, max: 1200 }), fc.constantFrom("404", "0404", "4xx", "40", 404.5, "GET", "get", "POST", "1.1", "2.0", "0.9", "", "true", true, false, 0, 1, 7, "/admin", "x=1", "Admin", 1100));
const fieldName = fc.constantFrom("status", "method", "httpVersion", "malformedRequest", "absoluteUri", "queryLength", "query", "path", "uri", "fileName", "fileExt");
const op = fc.constantFrom("equals", "in", "notIn", "gt", "lt", "gte", "lte", "startsWith", "endsWith", "contains", "regex");
const predicate = fc.oneof(
  fc.record({ field: fieldName, op, value: fc.array(scalar, { minLength: 1, maxLength: 3 }), re: fc.constantFrom("^/admin", "x=[0-9]+", "^$", "GET|POST", "^4", "dmin/", "[\\s\\S]"), not: fc.boolean() }).map((p) => {
    const single = !["in", "notIn"].includes(p.op);
    const value = p.op === "regex" ? p.re : single ? p.value[0] : p.value;
    return `{ field: ${p.field}, op: ${p.op}, value: ${JSON.stringify(value)}, not: ${p.not} }`;
  }),
  fc.record({ op: fc.constantFrom("in", "equals"), value: fc.constantFrom("a", "b"), not: fc.boolean() }).map((p) => `{ field: signature, op: ${p.op}, value: ${p.value}, not: ${p.not} }`),
);
const event = fc.record({
  status: fc.oneof(fc.integer({ min: 0, max: 1200 }), fc.constantFrom(404, 200, 401, 1001, 1150)),
  method: fc.option(fc.constantFrom("GET", "POST", "get", "PROPFIND", ""), { nil: undefined }),
  httpVersion: fc.option(fc.constantFrom("1.1", "2.0", "0.9", "1.1 x", ""), { nil: undefined }),
  query: fc.option(fc.constantFrom("", "q", "x=1", "x=12345", "author=3", "ADMIN"), { nil: undefined }),
  path: fc.constantFrom("/", "/admin/login", "/Admin", "/a/b.php", "/dmin/x", "/é/admin"),
  malformedRequest: fc.option(fc.boolean(), { nil: undefined }),
  absoluteUri: fc.option(fc.boolean(), { nil: undefined }),
  targetHost: fc.option(fc.constant("h:443"), { nil: undefined }),
});

describe("GateIndex", () => {
  it("only leaves out items whose full match rejects the event, and keeps their order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(predicate, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(event, fc.option(fc.subarray(["a", "b", "c"]), { nil: undefined })), { minLength: 1, maxLength: 8 }),
        (matches, events) => {
          const compiled = rules(matches.map((m) => `[${m.join(", ")}]`));
          const index = new GateIndex(compiled.map((c, i) => ({ item: i, gate: c.gate })));
          // Several events share buckets: what the first one decided must hold for the others too.
          for (const [shape, classes] of events) {
            const ev = observed(shape, classes?.length ? classes : undefined);
            const picked = [...index.select(ev)];
            expect(picked).toEqual([...picked].sort((a, b) => a - b));
            compiled.forEach((c, i) => {
              if (!picked.includes(i)) expect(c.match(ev)).toBe(false);
            });
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("picks by status, method, signature and target literal", () => {
    const [probing, sig, post, lit] = rules([
      "[{ field: status, op: in, value: [400, 404] }, { field: static, op: equals, value: false }]",
      "[{ field: signature, op: in, value: [a] }]",
      "[{ field: method, op: equals, value: POST }, { field: queryLength, op: gte, value: 7 }]",
      '[{ field: uri, op: regex, value: "^/remote\\\\.php/dav/" }]',
    ]);
    const index = new GateIndex([probing, sig, post, lit].map((c, i) => ({ item: i, gate: c.gate })));
    const pick = (shape: Partial<EventShape>, classes?: string[], pack?: string) => [...index.select(observed({ status: 200, method: "GET", path: "/", ...shape }, classes, pack))];
    expect(pick({ status: 404 })).toEqual([0]);
    expect(pick({})).toEqual([]);
    expect(pick({}, ["c"], "other")).toEqual([]);
    expect(pick({}, ["a"])).toEqual([1]);
    expect(pick({ method: "POST" })).toEqual([]);
    expect(pick({ method: "POST", query: "q=1" })).toEqual([2]);
    expect(pick({ path: "/REMOTE.php/dav/x" })).toEqual([3]);
    expect(pick({ status: 404, path: "/remote.php/dav/x" }, ["a"])).toEqual([0, 1, 3]);
  });

  it("tests statuses out of the table's range and methods past the ones it tells apart on each event", () => {
    const [high, notGet] = rules(["[{ field: status, op: gt, value: 1100 }]", "[{ field: method, op: notIn, value: [GET] }]"]);
    const index = new GateIndex([high, notGet].map((c, i) => ({ item: i, gate: c.gate })));
    const pick = (shape: Partial<EventShape>) => [...index.select(observed({ status: 200, method: "GET", path: "/", ...shape }))];
    // Such statuses share one bucket, which does not test them: the match decides.
    expect(pick({ status: 1001 })).toEqual([0]);
    expect(pick({ status: 1150 })).toEqual([0]);
    // Request lines are the client's: past the methods the index tells apart, each is a candidate again.
    for (let i = 0; i < 100; i++) pick({ method: `M${i}` });
    expect(pick({ method: "GET" })).toEqual([]);
    expect(pick({ method: "M0" })).toEqual([1]);
    expect(pick({ method: "X-NEW" })).toEqual([1]);
  });
});
