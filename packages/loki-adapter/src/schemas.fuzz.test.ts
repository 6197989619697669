import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { entriesOfStreams } from "./page-entries.js";
import { QueryRangeResponseSchema } from "./schemas.js";

// Broken Loki query_range answers (missing fields, nulls, wrong types, junk): validation never throws, a refusal
// names the path of what is wrong, and what validates flattens without error. EDGEPROOF_FUZZ_LONG=1: 50x the runs.
const LONG = process.env.EDGEPROOF_FUZZ_LONG === "1";
const RUNS = LONG ? 25_000 : 500;

const DIR = fileURLToPath(new URL("../../../fixtures/loki/", import.meta.url));
const BASE = readdirSync(DIR)
  .filter((n) => n.startsWith("query_range.streams") && n.endsWith(".json"))
  .map((n) => JSON.parse(readFileSync(join(DIR, n), "utf8")));

let tried = 0;
afterAll(() => console.log(`loki response fuzz: ${tried.toLocaleString("en")} responses validated`));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function pathsIn(v: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (v === null || typeof v !== "object") return [prefix];
  const keys: Array<string | number> = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [prefix, ...keys.flatMap((k) => pathsIn((v as Record<string | number, Json>)[k], [...prefix, k]))];
}

const replacement = fc.oneof(
  fc.constantFrom<Json | undefined>(undefined, null, "", "-1", "1e9", "12345678901234567890123", 0, 1.5, true, [], {}, [null], ["1", null], ["1"], ["1", "a", 5]),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

const mutated = fc.tuple(fc.constantFrom(...BASE.keys()), fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 3 })).map(([b, edits]) => {
  const doc = structuredClone(BASE[b]) as Json;
  const paths = pathsIn(doc).filter((p) => p.length > 0);
  for (const [pick, value] of edits) {
    const path = paths[pick % paths.length];
    let cur = doc as Record<string | number, Json>;
    for (const key of path.slice(0, -1)) {
      if (cur === null || typeof cur !== "object") break;
      cur = cur[key] as Record<string | number, Json>;
    }
    if (cur === null || typeof cur !== "object") continue;
    if (value === undefined) delete cur[path[path.length - 1]];
    else cur[path[path.length - 1]] = value;
  }
  return doc;
});

function validateChecked(doc: unknown): void {
  tried++;
  const r = QueryRangeResponseSchema.safeParse(doc);
  if (!r.success) {
    expect(r.error.issues.length).toBeGreaterThan(0);
    for (const issue of r.error.issues) expect(issue.message.length).toBeGreaterThan(0);
    return;
  }
  if (r.data.data.resultType !== "streams") return;
  const entries = entriesOfStreams(r.data.data.result);
  expect(entries.length).toBe(r.data.data.result.reduce((n, s) => n + s.values.length, 0));
  for (const e of entries) expect(typeof e.line === "string" && /^\d+$/.test(e.tsNs)).toBe(true);
}

describe("broken Loki responses", () => {
  it("the reference responses validate (so every refusal below comes from a mutation)", () => {
    expect(BASE.length).toBeGreaterThan(1);
    for (const b of BASE) expect(QueryRangeResponseSchema.safeParse(b).success).toBe(true);
  });

  it(`${RUNS} responses with fields deleted, nulled or retyped: never throws, refusals name the path`, () => {
    fc.assert(fc.property(mutated, validateChecked), { numRuns: RUNS });
  });

  it(`${RUNS} junk responses: never throws`, () => {
    const junk = fc.oneof(
      fc.jsonValue({ maxDepth: 5 }),
      fc.record({ status: fc.constantFrom("success", "error"), data: fc.record({ resultType: fc.constantFrom("streams", "matrix", "vector", "scalar", "x"), result: fc.jsonValue({ maxDepth: 4 }) }) }),
    );
    fc.assert(fc.property(junk, validateChecked), { numRuns: RUNS });
  });

  it("a wrong value is reported at its path (what the client's fatal error shows)", () => {
    const doc = structuredClone(BASE[0]);
    doc.data.result[0].values[1][0] = null;
    const r = QueryRangeResponseSchema.safeParse(doc);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toContain("data.result.0.values.1.0");
  });
});
