import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Rca } from "../incident/incident.js";
import { analyzeReliability, parseSnapshot, renderRcaLines } from "./index.js";
import { rcaInputFromLog } from "./test-support.js";

const ROOT = join(import.meta.dirname, "../../../../fixtures/rca");
const HOST = "shop.example.com";

interface Expected {
  service: Rca["service"];
  chains?: string[];
  causes: Array<{ cause: string; confidence: string; because?: string; evidenceIncludes: string[]; recommendationIncludes: string[] }>;
  summaryIncludes: string[];
  overlapIncludes?: string;
  rejectedIncludes?: string[];
  blindSpots: string[];
}

function load(name: string) {
  const dir = join(ROOT, name);
  const snapDir = join(dir, "snapshot");
  const docs = readdirSync(snapDir)
    .sort()
    .map((f) => ({ name: f, json: JSON.parse(readFileSync(join(snapDir, f), "utf8")) }));
  const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
  const input = rcaInputFromLog(readFileSync(join(dir, "access.log"), "utf8"), HOST);
  return { docs, expected, input };
}

const evidenceText = (e: Rca["causes"][number]["evidence"][number]) =>
  `${e.kind} ${e.namespace ? `${e.namespace}/` : ""}${e.name} ${e.field}=${e.value}`;

const scenarios = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
  .map((d) => d.name)
  .sort();

describe("RCA scenarios (fixtures/rca)", () => {
  it("covers every cause, the chains and the counter-cases", () => {
    expect(scenarios).toEqual(
      expect.arrayContaining([
        "zero-ready-endpoints", "readiness-failures", "crashloop", "oom-killed", "image-pull", "node-not-ready",
        "upstream-timeout", "upstream-latency", "unhandled-501", "no-pods-selected", "port-mismatch", "rollout-stuck",
        "pods-pending", "config-error", "chain-oom-crashloop", "chain-image-pull-zero-endpoints", "chain-pending-zero-endpoints",
        "counter-healthy", "counter-unrelated-crashloop", "counter-oom-other-service",
      ]),
    );
    // Each cause's own scenario has it as the root, first in the ranking.
    for (const name of scenarios.filter((s) => !s.startsWith("counter-") && !s.startsWith("chain-"))) {
      expect(load(name).expected.causes[0], name).toMatchObject({ cause: name.replace(/^zero-ready-endpoints$/, "no-pods-selected") });
    }
  });

  it.each(scenarios)("%s", (name) => {
    const { docs, expected, input } = load(name);
    const { snapshot, rejected } = parseSnapshot(docs);
    const rca = analyzeReliability(snapshot, input);

    expect(rca.service).toEqual(expected.service);
    expect(rca.causes.map((c) => [c.cause, c.confidence, c.because])).toEqual(expected.causes.map((c) => [c.cause, c.confidence, c.because]));
    expect(rca.chains ?? []).toEqual(expected.chains ?? []);
    // A symptom follows the cause it names, and says what ties them.
    rca.causes.forEach((c, i) => {
      if (!c.because) return;
      expect(rca.causes.findIndex((x) => x.cause === c.because)).toBeLessThan(i);
      expect(c.link?.length).toBeGreaterThan(0);
    });
    expected.causes.forEach((want, i) => {
      const got = rca.causes[i];
      const ev = got.evidence.map(evidenceText);
      for (const s of want.evidenceIncludes) expect(ev.some((e) => e.includes(s)), `${s}\n in ${ev.join("\n")}`).toBe(true);
      for (const s of want.recommendationIncludes) expect(got.recommendations.some((r) => r.includes(s)), `${s}\n in ${got.recommendations.join("\n")}`).toBe(true);
      // Every timestamped piece of evidence overlaps the window (10 min slack before).
      for (const e of got.evidence.filter((x) => x.time !== undefined && x.kind !== "access-log")) {
        expect(Date.parse(e.time!)).toBeGreaterThanOrEqual(input.windowStartMs - 600_000);
      }
    });
    for (const s of expected.summaryIncludes) expect(rca.summary).toContain(s);
    if (expected.causes.every((c) => c.confidence !== "high")) expect(rca.summary).toMatch(/^No high-confidence cause/);
    expect(rca.blindSpots).toEqual(expected.blindSpots);
    for (const s of expected.rejectedIncludes ?? []) expect(rejected.map((r) => r.reason).join("\n")).toContain(s);
    if (!expected.rejectedIncludes) expect(rejected).toEqual([]);

    const lines = renderRcaLines(rca, { startMs: input.windowStartMs, endMs: input.windowEndMs });
    if (expected.overlapIncludes) expect(lines.join("\n")).toContain(expected.overlapIncludes);
    for (const c of rca.chains ?? []) expect(lines).toContain(`  chain: ${c}`);
    // Deterministic: the same docs in a different order give the same RCA.
    const again = analyzeReliability(parseSnapshot([...docs].reverse()).snapshot, input);
    expect(again).toEqual(rca);
    expect(renderRcaLines(again, { startMs: input.windowStartMs, endMs: input.windowEndMs })).toEqual(lines);
  });
});

type Json = { items?: unknown[] } & Record<string, unknown>;

/** A permutation of `xs` drawn from fast-check's integers (Fisher–Yates). */
function permute<T>(xs: T[], picks: number[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = picks[i % picks.length] % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("RCA does not depend on the order of the snapshot", () => {
  it.each(scenarios)("%s: documents and the items in them in any order give the same RCA", (name) => {
    const { docs, input } = load(name);
    const want = analyzeReliability(parseSnapshot(docs).snapshot, input);
    const wantRejected = parseSnapshot(docs).rejected;
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (docPicks, itemPicks) => {
        const shuffled = permute(docs, docPicks).map((d, k) => {
          const json = d.json as Json;
          return Array.isArray(json.items) ? { name: d.name, json: { ...json, items: permute(json.items, itemPicks.map((p) => p + k)) } } : d;
        });
        const got = parseSnapshot(shuffled);
        expect(got.rejected).toEqual(wantRejected);
        expect(analyzeReliability(got.snapshot, input)).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });
});

describe("a snapshot without Deployments and ReplicaSets", () => {
  it("still finds the pod-level root, and names rollout-stuck as not checked", () => {
    const { docs, input } = load("image-pull");
    const partial = docs.filter((d) => d.name !== "deployments.json" && d.name !== "replicasets.json");
    const rca = analyzeReliability(parseSnapshot(partial).snapshot, input);
    expect(rca.causes.map((c) => [c.cause, c.confidence, c.because])).toEqual([
      ["image-pull", "high", undefined],
      ["zero-ready-endpoints", "high", "image-pull"],
    ]);
    expect(rca.chains).toEqual(["ImagePullBackOff (ghcr.io/acme/storefront:1.5.0-rc1) → 0/2 ready → 503 from ingress-nginx"]);
    expect(rca.blindSpots).toEqual(["deployments: not in the snapshot (not checked: rollout-stuck)", "replicasets: not in the snapshot (not checked: rollout-stuck)"]);
    // The rollback hint needs the Deployment, so it is not offered.
    expect(rca.causes[0].recommendations.join("\n")).not.toContain("rollout undo");
  });
});

describe("precision: the new causes stay quiet where a reviewer would", () => {
  type Obj = { kind?: string; metadata: { name: string }; spec: any; status: any; reason?: string };
  const edit = (name: string, change: (file: string, items: Obj[]) => Obj[]) => {
    const { docs, input } = load(name);
    const changed = docs.map((d) => {
      const json = structuredClone(d.json) as { items: Obj[] };
      return { name: d.name, json: { ...json, items: change(d.name, json.items) } };
    });
    return analyzeReliability(parseSnapshot(changed).snapshot, input).causes.map((c) => c.cause);
  };

  it("a rollout whose new pod is still starting is not stuck, even with errors in the window", () => {
    const causes = edit("rollout-stuck", (file, items) => {
      if (file === "events.json") return [];
      if (file === "deployments.json") for (const d of items) d.status.conditions = d.status.conditions.filter((c: { type: string }) => c.type !== "ReplicaFailure");
      if (file === "pods.json") {
        const starting = structuredClone(items[0]);
        starting.metadata = { ...starting.metadata, name: "storefront-web-6b5c4d7f8-zx4vb", ownerReferences: [{ kind: "ReplicaSet", name: "storefront-web-6b5c4d7f8", controller: true }] } as Obj["metadata"];
        starting.status.conditions = starting.status.conditions.map((c: { type: string }) => (c.type === "Ready" ? { ...c, status: "False", reason: "ContainersNotReady" } : c));
        return [...items, starting];
      }
      return items;
    });
    expect(causes).not.toContain("rollout-stuck");
  });

  it("a targetPort is not called wrong when a container declares no port and probes none (a sidecar's ports say nothing of it)", () => {
    const causes = edit("port-mismatch", (file, items) => {
      if (file !== "pods.json") return items;
      for (const p of items) {
        const app = p.spec.containers[0];
        delete app.ports;
        delete app.readinessProbe;
        p.spec.containers.push({ name: "istio-proxy", image: "docker.io/istio/proxyv2:1.22.0", ports: [{ name: "http-envoy-prom", containerPort: 15090, protocol: "TCP" }] });
      }
      return items;
    });
    expect(causes).not.toContain("port-mismatch");
  });
});
