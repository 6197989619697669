import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Pipeline } from "../pipeline/pipeline.js";
import { parseSnapshot } from "../rca/parse-snapshot.js";
import { analyzeReliability } from "../rca/analyze.js";
import { upstreamHostResolver } from "../rca/upstream-hosts.js";
import type { Incident } from "../incident/incident.js";
import { createEngine, type EngineEvent } from "./create-engine.js";
import { kubernetesRca } from "./kubernetes-rca.js";
import { defaultPacks, REPO } from "../../testing/packs.js";

const packs = defaultPacks();
const demo = readFileSync(resolve(REPO, "fixtures/demo/access.log"), "utf8");
const SNAP = resolve(REPO, "fixtures/demo/k8s");
const docs = readdirSync(SNAP)
  .filter((n) => n.endsWith(".json"))
  .sort()
  .map((name) => ({ name, json: JSON.parse(readFileSync(join(SNAP, name), "utf8")) as unknown }));
const FILE = "fixtures/demo/access.log";

/** The same run on the Pipeline directly, with the hooks `edgeproof run --k8s-snapshot` gives it. */
function pipelineRun(): { incidents: string; stats: string } {
  const { snapshot } = parseSnapshot(docs);
  const p = new Pipeline({ packs, host: "shop.example.com", rca: (input) => analyzeReliability(snapshot, input), hostOfUpstream: upstreamHostResolver(snapshot) });
  p.pushText(demo, { file: FILE });
  p.endText({ file: FILE });
  return { incidents: JSON.stringify(p.flush()), stats: JSON.stringify(p.stats) };
}

const reference = pipelineRun();

function cut(text: string, points: number[]): string[] {
  const sorted = [...new Set(points)].sort((a, b) => a - b);
  return [...sorted, text.length].map((end, i) => text.slice(i ? sorted[i - 1] : 0, end));
}

describe("createEngine", () => {
  it("gives the Pipeline's incidents and stats, with RCA from the snapshot, for any chunking of push()", () => {
    const kinds = new Set((JSON.parse(reference.incidents) as Incident[]).map((i) => i.kind));
    expect([...kinds].sort()).toEqual(["reliability", "security"]);
    expect((JSON.parse(reference.incidents) as Incident[]).some((i) => (i.rca?.causes.length ?? 0) > 0)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: demo.length }), { maxLength: 30 }), (points) => {
        const engine = createEngine({ packs, host: "shop.example.com", rca: kubernetesRca(docs) });
        for (const chunk of cut(demo, points)) engine.push(chunk, FILE);
        expect(JSON.stringify(engine.flush())).toBe(reference.incidents);
        expect(JSON.stringify(engine.stats)).toBe(reference.stats);
      }),
      // Shrinking a 12k-line input takes minutes; the first counterexample is already informative.
      { numRuns: 8, endOnFailure: true },
    );
  });

  it("pushStream decodes bytes cut anywhere, inside a multi-byte character too, as the text itself", async () => {
    const text = `${demo.slice(0, 20_000)}203.0.113.9 - - [10/Oct/2024:13:55:36 +0000] "GET /caf\u00e9/\u{1F600} HTTP/1.1" 404 1 "-" "\u00fcber"\n`;
    const bytes = new TextEncoder().encode(text);
    const expected = createEngine({ packs, host: "h" });
    expected.push(text);
    const want = JSON.stringify({ incidents: expected.flush(), stats: expected.stats });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 20 }), async (points) => {
        const sorted = [...new Set(points)].sort((a, b) => a - b);
        async function* chunks() {
          let prev = 0;
          for (const p of [...sorted, bytes.length]) {
            yield bytes.subarray(prev, p);
            prev = p;
          }
        }
        const engine = createEngine({ packs, host: "h" });
        await engine.pushStream(chunks());
        expect(JSON.stringify({ incidents: engine.flush(), stats: engine.stats })).toBe(want);
      }),
      { numRuns: 10, endOnFailure: true },
    );
  });

  it("reports each incident opened once and closed once, as flush() has it, and updates only when it changed", () => {
    const seen: Array<{ type: EngineEvent; incident: Incident }> = [];
    const engine = createEngine({ packs, host: "shop.example.com" });
    for (const type of ["opened", "updated", "closed"] as const) engine.on(type, (incident) => seen.push({ type, incident }));
    for (const chunk of cut(demo, [1000, 50_000, 400_000, 900_000])) engine.push(chunk);
    const final = engine.flush();
    const of = (type: EngineEvent) => seen.filter((e) => e.type === type).map((e) => e.incident);
    expect(of("opened").map((i) => i.id).sort()).toEqual(final.map((i) => i.id).sort());
    const closed = final.filter((i) => i.status === "closed");
    expect(closed.length).toBeGreaterThan(0);
    // A closed incident is reported as flush() returns it; one still open at the end of input is not closed.
    expect(of("closed").sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(closed.sort((a, b) => (a.id < b.id ? -1 : 1)));
    const updates = of("updated");
    expect(updates.length).toBeGreaterThan(0);
    for (const u of updates) {
      expect(u.status).toBe("open");
      const before = seen.slice(0, seen.findIndex((e) => e.incident === u)).filter((e) => e.incident.id === u.id);
      expect(before.length).toBeGreaterThan(0);
      expect(JSON.stringify(u)).not.toBe(JSON.stringify(before[before.length - 1].incident));
    }
    // An incident's events are in time order: opened first, closed last.
    for (const i of final) {
      const types = seen.filter((e) => e.incident.id === i.id).map((e) => e.type);
      expect(types[0]).toBe("opened");
      expect(types.indexOf("closed")).toBe(i.status === "closed" ? types.length - 1 : -1);
    }
  });

  it("stops calling a listener once unsubscribed, and records no changes without listeners", () => {
    let calls = 0;
    const engine = createEngine({ packs, host: "shop.example.com" });
    const off = engine.on("opened", () => calls++);
    off();
    engine.push(demo);
    expect(engine.flush().length).toBeGreaterThan(0);
    expect(calls).toBe(0);
  });

  it("refuses a listener after input started, an unknown event and a lateness that is not a duration", () => {
    const engine = createEngine({ packs });
    engine.push("");
    expect(() => engine.on("opened", () => {})).toThrow(/before the first push/);
    expect(() => createEngine({ packs }).on("grown" as EngineEvent, () => {})).toThrow(/unknown engine event "grown"/);
    expect(() => createEngine({ packs }).on("toString" as EngineEvent, () => {})).toThrow(/unknown engine event/);
    expect(() => createEngine({ packs, lateness: "soon" })).toThrow(/duration such as 5s/);
    expect(() => createEngine({ packs, lateness: -1 })).toThrow(/non-negative/);
  });

  it("takes lateness as milliseconds or a duration: lines later than it are counted late", () => {
    const line = (s: number) => `203.0.113.7 - - [10/Oct/2024:13:55:${String(s).padStart(2, "0")} +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n`;
    const late = (lateness: number | string) => {
      const engine = createEngine({ packs, host: "h", lateness });
      engine.push(line(30) + line(20));
      engine.flush();
      return engine.stats.late;
    };
    expect([late("5s"), late(5000), late("15s"), late(15_000)]).toEqual([1, 1, 0, 0]);
  });

  it("kubernetesRca says which snapshot objects it could not use", () => {
    const rca = kubernetesRca([...docs, { name: "pods-broken.json", json: { kind: "Pod", metadata: { name: 7 } } }]);
    expect(rca.rejected.map((r) => r.source)).toContain("pods-broken.json");
    expect(rca.snapshot.pods.length).toBeGreaterThan(0);
  });
});
