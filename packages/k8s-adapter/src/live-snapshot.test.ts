import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { analyzeReliability, parseSnapshot } from "@edgeproof/engine";
import { rcaInputFromLog } from "../../engine/src/rca/test-support.js";
import { SnapshotAccessError, loadSnapshotDir, saveSnapshot, takeSnapshot } from "./index.js";
import { FakeApiServer, apiStatus, crashloopRoutes, type Behaviour } from "./testing/index.js";

const FIX = join(import.meta.dirname, "../../../fixtures");
const SCENARIO = join(FIX, "rca/crashloop");
const ROUTES = crashloopRoutes(FIX);
const recordedKubeSystem = JSON.parse(readFileSync(join(FIX, "k8s-api/pods-healthy-kube-system.k8s-openapi.podlist.json"), "utf8"));

const fakes: FakeApiServer[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const f of fakes.splice(0)) f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function fakeApiServer(special?: Behaviour): Promise<FakeApiServer> {
  const fake = await FakeApiServer.start(ROUTES, special);
  fakes.push(fake);
  return fake;
}

const input = () => rcaInputFromLog(readFileSync(join(SCENARIO, "access.log"), "utf8"), "shop.example.com");

describe("takeSnapshot against a recorded fake API server", () => {
  it("lists every resource type read-only and the RCA matches the offline snapshot", async () => {
    const fake = await fakeApiServer();
    const { docs, errors } = await takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "fake" });
    expect(errors).toEqual([]);
    expect(fake.seen.every((r) => r.method === "GET" && !/watch=/.test(r.url))).toBe(true);
    const paths = fake.seen.map((r) => new URL(r.url, "http://x").pathname);
    expect(paths.filter((p) => !p.endsWith("/log")).sort()).toEqual(Object.keys(ROUTES).filter((p) => !p.includes("/namespaces/")).sort());
    // The crash-looping pods' previous containers, bounded: one GET each, tail and byte limits in the query.
    const logCalls = fake.seen.filter((r) => r.url.includes("/log?"));
    expect(logCalls.map((r) => new URL(r.url, "http://x").pathname).sort()).toEqual([
      "/api/v1/namespaces/shop/pods/storefront-web-7d9f8b6c5-4xk2p/log",
      "/api/v1/namespaces/shop/pods/storefront-web-7d9f8b6c5-9zq7m/log",
    ]);
    for (const r of logCalls) expect(Object.fromEntries(new URL(r.url, "http://x").searchParams)).toEqual({ container: "web", previous: "true", tailLines: "50", limitBytes: "16384" });

    const live = parseSnapshot(docs);
    expect(live.rejected).toEqual([]);
    // 3 scenario pods + 8 recorded kube-system pods whose creationTimestamp came back as Date and round-tripped.
    expect(live.snapshot.pods).toHaveLength(11);
    expect(live.snapshot.pods.find((p) => p.name.startsWith("coredns"))?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const offline = parseSnapshot((await loadSnapshotDir(join(SCENARIO, "snapshot"))).docs).snapshot;
    const fromLive = analyzeReliability(live.snapshot, input());
    expect(fromLive.causes.map((c) => [c.cause, c.confidence])).toEqual([["crashloop", "high"]]);
    expect(fromLive.causes).toEqual(analyzeReliability(offline, input()).causes);
  });

  it("limits namespaced lists to the given namespaces", async () => {
    const fake = await fakeApiServer();
    const { docs } = await takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "fake", namespaces: ["kube-system"] });
    const paths = fake.seen.map((r) => new URL(r.url, "http://x").pathname);
    expect(paths).toContain("/api/v1/namespaces/kube-system/pods");
    expect(paths).toContain("/api/v1/nodes");
    expect(paths).not.toContain("/api/v1/pods");
    // Only the pod list exists per namespace on this server: the others are recorded 404s, not crashes.
    expect(parseSnapshot(docs).snapshot.pods.map((p) => p.namespace)).toEqual(Array(8).fill("kube-system"));
  });

  it("continues past a 403 on one resource type and the RCA names it as a blind spot", async () => {
    const fake = await fakeApiServer((_req, res, path) => {
      if (path !== "/apis/discovery.k8s.io/v1/endpointslices") return false;
      apiStatus(res, 403, "Forbidden", 'endpointslices.discovery.k8s.io is forbidden: User "tester" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope');
      return true;
    });
    const { docs, errors } = await takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "fake" });
    expect(errors).toEqual([{ resource: "endpointslices", status: 403, message: expect.stringContaining("cannot list resource") }]);
    const rca = analyzeReliability(parseSnapshot(docs).snapshot, input());
    expect(rca.blindSpots).toEqual([expect.stringMatching(/^endpointslices: could not be read \(403\): forbidden/)]);
    expect(rca.causes[0]).toMatchObject({ cause: "crashloop", confidence: "high" });
  });

  it("reads Deployments, ReplicaSets, HPAs and events.k8s.io/v1 events; a 403 on the second event list is a warning, not a blind spot", async () => {
    const fake = await fakeApiServer((_req, res, path) => {
      if (path !== "/apis/events.k8s.io/v1/events") return false;
      apiStatus(res, 403, "Forbidden", 'events.events.k8s.io is forbidden: User "tester" cannot list resource "events" in API group "events.k8s.io" at the cluster scope');
      return true;
    });
    const { docs, errors, warnings } = await takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "fake" });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([{ resource: "events", status: 403, message: expect.stringMatching(/^events\.k8s\.io\/v1: forbidden: /) }]);
    expect(docs.map((d) => d.name).sort()).toEqual(["deployments.json", "endpoints.json", "endpointslices.json", "events.json", "hpas.json", "ingresses.json", "nodes.json", "pod-logs.json", "pods.json", "replicasets.json", "services.json"]);
    const { snapshot } = parseSnapshot(docs);
    expect(snapshot.replicasets.map((r) => r.name)).toEqual(["storefront-web-7d9f8b6c5"]);
    expect(snapshot.present).toContain("horizontalpodautoscalers");
    expect(analyzeReliability(snapshot, input()).blindSpots).toEqual([]);
  });

  it("samples the crashed containers' logs and puts the line they died on in the RCA, as offline", async () => {
    const fake = await fakeApiServer();
    const { docs } = await takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "fake" });
    const crash = analyzeReliability(parseSnapshot(docs).snapshot, input()).causes.find((c) => c.cause === "crashloop")!;
    expect(crash.evidence).toContainEqual({ kind: "pod-log", namespace: "shop", name: "storefront-web-7d9f8b6c5-4xk2p", field: "logs[web] (previous)", value: "Environment variable DEPLOY_ENV is undefined" });
  });

  it("RBAC that forbids pods/log, or a log call that hangs, is a blind spot within the timeout, not an error", async () => {
    const forbidden = await fakeApiServer((_req, res, path) => {
      if (!path.endsWith("/log")) return false;
      apiStatus(res, 403, "Forbidden", 'pods "storefront-web-7d9f8b6c5-4xk2p" is forbidden: User "tester" cannot get resource "pods/log" in API group "" in the namespace "shop"');
      return true;
    });
    const a = await takeSnapshot({ kubeconfigPath: forbidden.kubeconfig(), context: "fake" });
    expect(a.errors).toEqual([{ resource: "podlogs", status: 403, message: expect.stringContaining('cannot get resource "pods/log"') }]);
    const rca = analyzeReliability(parseSnapshot(a.docs).snapshot, input());
    expect(rca.blindSpots).toEqual([expect.stringMatching(/^podlogs: could not be read \(403\): shop\/storefront-web-7d9f8b6c5-4xk2p: forbidden/)]);
    expect(rca.causes[0]).toMatchObject({ cause: "crashloop", confidence: "high" });

    const hung = await fakeApiServer((_req, _res, path) => path.endsWith("/log"));
    const t0 = performance.now();
    const b = await takeSnapshot({ kubeconfigPath: hung.kubeconfig(), context: "fake", timeoutMs: 300 });
    expect(performance.now() - t0).toBeLessThan(8_000);
    expect(b.errors).toEqual([{ resource: "podlogs", message: "shop/storefront-web-7d9f8b6c5-4xk2p: timed out after 300 ms" }]);
    // One hung call ends the sampling: the bound holds however many pods are unhealthy.
    expect(hung.seen.filter((r) => r.url.includes("/log?"))).toHaveLength(1);
  });

  it("fails with a clear message on 401", async () => {
    const fake = await fakeApiServer();
    const run = takeSnapshot({ kubeconfigPath: fake.kubeconfig("wrong"), context: "fake" });
    await expect(run).rejects.toThrow(SnapshotAccessError);
    await expect(run).rejects.toThrow(/401 Unauthorized.*listing pods/);
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0].auth).toBe("Bearer wrong");
  });

  it("bounds a hanging resource with the per-call timeout and keeps the rest", async () => {
    const fake = await fakeApiServer((_req, _res, path) => path === "/apis/apps/v1/deployments");
    const t0 = performance.now();
    const { docs, errors } = await takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "fake", timeoutMs: 300 });
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(errors).toEqual([{ resource: "deployments", message: "timed out after 300 ms" }]);
    expect(analyzeReliability(parseSnapshot(docs).snapshot, input()).blindSpots).toEqual(["deployments: could not be read: timed out after 300 ms (not checked: rollout-stuck)"]);
  });

  it("fails clearly when the server goes away mid-snapshot", async () => {
    let served = 0;
    const fake = await fakeApiServer((req) => {
      if (++served <= 2) return false;
      req.socket.destroy();
      return true;
    });
    await expect(takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "fake" })).rejects.toThrow(/went away or is unreachable.*listing endpoints/);
  });

  it("fails clearly for an unknown context", async () => {
    const fake = await fakeApiServer();
    await expect(takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "nope" })).rejects.toThrow(/context nope is not in the kubeconfig/);
  });
});

describe("snapshot directories", () => {
  it("saves a live snapshot and loads it back identically, errors document included", async () => {
    const fake = await fakeApiServer((_req, res, path) => {
      if (path !== "/api/v1/events") return false;
      apiStatus(res, 403, "Forbidden", "events is forbidden");
      return true;
    });
    const { docs } = await takeSnapshot({ kubeconfigPath: fake.kubeconfig(), context: "fake" });
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-snap-"));
    dirs.push(dir);
    const written = await saveSnapshot(docs, dir);
    expect(readdirSync(dir).sort()).toEqual([...written].sort());
    const loaded = await loadSnapshotDir(dir);
    expect(loaded.problems).toEqual([]);
    expect(parseSnapshot(loaded.docs)).toEqual(parseSnapshot(docs));
    expect(parseSnapshot(loaded.docs).snapshot.unreadable).toEqual([{ resource: "events", status: 403, message: "forbidden: events is forbidden" }]);
  });

  it("reports a file that is not JSON instead of throwing, and a missing directory clearly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-snap-"));
    dirs.push(dir);
    writeFileSync(join(dir, "pods.json"), JSON.stringify(recordedKubeSystem));
    writeFileSync(join(dir, "broken.json"), '{"kind": "List", "items": [');
    writeFileSync(join(dir, "notes.txt"), "ignored");
    const { docs, problems } = await loadSnapshotDir(dir);
    expect(docs.map((d) => d.name)).toEqual(["pods.json"]);
    expect(problems).toEqual([{ file: "broken.json", reason: expect.stringMatching(/^not valid JSON/) }]);
    await expect(loadSnapshotDir(join(dir, "missing"))).rejects.toThrow(/cannot read snapshot directory/);
  });
});
