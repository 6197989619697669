import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "../../testing/packs.js";
import { parseSnapshot, type SnapshotDoc } from "./parse-snapshot.js";

// Broken Kubernetes JSON (missing fields, nulls, wrong types, junk documents): parseSnapshot never throws,
// rejects per object with a reason, and a broken object costs only itself. EDGEPROOF_FUZZ_LONG=1: 50x the runs.
const LONG = process.env.EDGEPROOF_FUZZ_LONG === "1";
const RUNS = LONG ? 25_000 : 500;

const DIR = join(REPO, "fixtures/demo/k8s");
const BASE: SnapshotDoc[] = readdirSync(DIR)
  .filter((n) => n.endsWith(".json"))
  .sort()
  .map((name) => ({ name, json: JSON.parse(readFileSync(join(DIR, name), "utf8")) }));

let tried = 0;
afterAll(() => console.log(`k8s snapshot fuzz: ${tried.toLocaleString("en")} snapshots parsed`));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path inside item `k` of a list document, for mutation targets. */
function pathsIn(v: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (v === null || typeof v !== "object") return [prefix];
  const keys: Array<string | number> = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [prefix, ...keys.flatMap((k) => pathsIn((v as Record<string | number, Json>)[k], [...prefix, k]))];
}

const items = BASE.flatMap((doc, d) => ((doc.json as { items?: Json[] }).items ?? []).map((item, k) => ({ d, k, paths: pathsIn(item) })));

const replacement = fc.oneof(
  fc.constantFrom<Json | undefined>(undefined, null, "", 0, -1, 1e308, true, [], {}, "not-a-date", "2026-13-45T99:99:99Z", [null], { kind: null }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** One object of the demo snapshot with one to three fields deleted, nulled or given a wrong type. */
const mutatedItem = fc
  .tuple(fc.constantFrom(...items), fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 3 }))
  .map(([target, edits]) => {
    const docs = structuredClone(BASE);
    const list = (docs[target.d].json as { items: Json[] }).items;
    for (const [pick, value] of edits) {
      const path = target.paths[pick % target.paths.length];
      if (path.length === 0) {
        list[target.k] = value === undefined ? null : value;
        continue;
      }
      let cur = list[target.k] as Record<string | number, Json>;
      for (const key of path.slice(0, -1)) {
        if (cur === null || typeof cur !== "object") break;
        cur = cur[key] as Record<string | number, Json>;
      }
      if (cur === null || typeof cur !== "object") continue;
      const last = path[path.length - 1];
      if (value === undefined) delete cur[last];
      else cur[last] = value;
    }
    return { docs, target };
  });

function parseChecked(docs: SnapshotDoc[]) {
  tried++;
  const r = parseSnapshot(docs);
  const names = new Set(docs.map((d) => d.name));
  for (const x of r.rejected) {
    expect(names.has(x.source)).toBe(true);
    expect(typeof x.reason === "string" && x.reason.length > 0).toBe(true);
  }
  return r;
}

const kept = (s: ReturnType<typeof parseSnapshot>["snapshot"]) => s.pods.length + s.services.length + s.nodes.length + s.ingresses.length + s.deployments.length;

describe("broken Kubernetes snapshots", () => {
  const base = parseChecked(BASE);

  it("the demo snapshot parses cleanly (so every rejection below comes from a mutation)", () => {
    expect(base.rejected).toEqual([]);
    expect(kept(base.snapshot)).toBeGreaterThan(5);
  });

  it(`${RUNS} objects with missing fields, nulls and wrong types: never throws, only the broken object is lost`, () => {
    fc.assert(
      fc.property(mutatedItem, ({ docs }) => {
        const r = parseChecked(docs);
        expect(r.rejected.length).toBeLessThanOrEqual(1);
        expect(kept(r.snapshot)).toBeGreaterThanOrEqual(kept(base.snapshot) - 1);
        if (kept(r.snapshot) < kept(base.snapshot)) expect(r.rejected.length).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });

  it(`${RUNS} junk documents (any JSON, lists of junk, wrong kinds): never throws, every rejection has a reason`, () => {
    const doc = fc.record({
      name: fc.constantFrom("pods.json", "services.json", "x.json", "events.json", "nodes.json", "endpointslices.json", "deploy.json"),
      json: fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.record({ kind: fc.constantFrom("List", "PodList", "Pod", "Service", "EdgeproofSnapshotErrors", "Nope"), items: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }) }),
        fc.record({ kind: fc.constantFrom("EdgeproofSnapshotErrors"), errors: fc.jsonValue({ maxDepth: 2 }) }),
      ),
    });
    fc.assert(fc.property(fc.array(doc, { maxLength: 6 }), (docs) => void parseChecked(docs as SnapshotDoc[])), { numRuns: RUNS });
  });
});
