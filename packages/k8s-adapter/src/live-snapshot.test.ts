import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { analyzeReliability, parseSnapshot } from "@edgeproof/engine";
import { rcaInputFromLog } from "../../engine/src/rca/test-support.js";
import { SnapshotAccessError, loadSnapshotDir, saveSnapshot, takeSnapshot } from "./index.js";

const FIX = join(import.meta.dirname, "../../../fixtures");
const SCENARIO = join(FIX, "rca/crashloop");
const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));

/** The crashloop scenario's `kubectl get -o json` Lists, reshaped as raw API list responses. */
function apiList(file: string, kind: string, apiVersion: string, extra: unknown[] = []) {
  const list = readJson(join(SCENARIO, "snapshot", file));
  const items = list.items.map(({ apiVersion: _a, kind: _k, ...rest }: Record<string, unknown>) => rest);
  return { kind, apiVersion, metadata: { resourceVersion: "636" }, items: [...items, ...extra] };
}

const recordedKubeSystem = readJson(join(FIX, "k8s-api/pods-healthy-kube-system.k8s-openapi.podlist.json"));

const ROUTES: Record<string, unknown> = {
  "/api/v1/pods": apiList("pods.json", "PodList", "v1", recordedKubeSystem.items),
  "/api/v1/namespaces/shop/pods": apiList("pods.json", "PodList", "v1"),
  "/api/v1/namespaces/kube-system/pods": recordedKubeSystem,
  "/api/v1/services": apiList("services.json", "ServiceList", "v1"),
  "/api/v1/endpoints": apiList("endpoints.json", "EndpointsList", "v1"),
  "/apis/discovery.k8s.io/v1/endpointslices": apiList("endpointslices.json", "EndpointSliceList", "discovery.k8s.io/v1"),
  "/api/v1/events": apiList("events.json", "EventList", "v1"),
  "/api/v1/nodes": apiList("nodes.json", "NodeList", "v1"),
  "/apis/networking.k8s.io/v1/ingresses": apiList("ingresses.json", "IngressList", "networking.k8s.io/v1"),
  "/apis/apps/v1/deployments": apiList("deployments.json", "DeploymentList", "apps/v1"),
};

type Behaviour = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

interface Fake {
  server: Server;
  port: number;
  seen: Array<{ method: string; url: string; auth?: string }>;
}

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function status(res: ServerResponse, code: number, reason: string, message: string) {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }));
}

/** A fake apiserver on 127.0.0.1:0 that serves ROUTES to the bearer token `t0ken`, with optional special behaviours. */
async function fakeApiServer(special: Behaviour = () => false): Promise<Fake> {
  const seen: Fake["seen"] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization });
    if (special(req, res, url.pathname)) return;
    if (req.headers.authorization !== "Bearer t0ken") return status(res, 401, "Unauthorized", "Unauthorized");
    const body = ROUTES[url.pathname];
    if (!body) return status(res, 404, "NotFound", `the server could not find the requested resource`);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

function kubeconfig(port: number, token = "t0ken"): string {
  const dir = mkdtempSync(join(tmpdir(), "edgeproof-kc-"));
  dirs.push(dir);
  const path = join(dir, "config");
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
      "users:",
      `- name: tester\n  user:\n    token: ${token}`,
      "contexts:",
      "- name: other\n  context:\n    cluster: fake\n    user: tester",
      "- name: fake\n  context:\n    cluster: fake\n    user: tester",
      "current-context: other",
      "",
    ].join("\n"),
  );
  return path;
}

const input = () => rcaInputFromLog(readFileSync(join(SCENARIO, "access.log"), "utf8"), "shop.example.com");

describe("takeSnapshot against a recorded fake API server", () => {
  it("lists every resource type read-only and the RCA matches the offline snapshot", async () => {
    const fake = await fakeApiServer();
    const { docs, errors } = await takeSnapshot({ kubeconfigPath: kubeconfig(fake.port), context: "fake" });
    expect(errors).toEqual([]);
    expect(fake.seen.every((r) => r.method === "GET" && !/watch=/.test(r.url))).toBe(true);
    expect(fake.seen.map((r) => new URL(r.url, "http://x").pathname).sort()).toEqual(Object.keys(ROUTES).filter((p) => !p.includes("/namespaces/")).sort());

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
    const { docs } = await takeSnapshot({ kubeconfigPath: kubeconfig(fake.port), context: "fake", namespaces: ["kube-system"] });
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
      status(res, 403, "Forbidden", 'endpointslices.discovery.k8s.io is forbidden: User "tester" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope');
      return true;
    });
    const { docs, errors } = await takeSnapshot({ kubeconfigPath: kubeconfig(fake.port), context: "fake" });
    expect(errors).toEqual([{ resource: "endpointslices", status: 403, message: expect.stringContaining("cannot list resource") }]);
    const rca = analyzeReliability(parseSnapshot(docs).snapshot, input());
    expect(rca.blindSpots).toEqual([expect.stringMatching(/^endpointslices: could not be read \(403\): forbidden/)]);
    expect(rca.causes[0]).toMatchObject({ cause: "crashloop", confidence: "high" });
  });

  it("fails with a clear message on 401", async () => {
    const fake = await fakeApiServer();
    const run = takeSnapshot({ kubeconfigPath: kubeconfig(fake.port, "wrong"), context: "fake" });
    await expect(run).rejects.toThrow(SnapshotAccessError);
    await expect(run).rejects.toThrow(/401 Unauthorized.*listing pods/);
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0].auth).toBe("Bearer wrong");
  });

  it("bounds a hanging resource with the per-call timeout and keeps the rest", async () => {
    const fake = await fakeApiServer((_req, _res, path) => path === "/apis/apps/v1/deployments");
    const t0 = performance.now();
    const { docs, errors } = await takeSnapshot({ kubeconfigPath: kubeconfig(fake.port), context: "fake", timeoutMs: 300 });
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(errors).toEqual([{ resource: "deployments", message: "timed out after 300 ms" }]);
    expect(analyzeReliability(parseSnapshot(docs).snapshot, input()).blindSpots).toEqual(["deployments: could not be read: timed out after 300 ms"]);
  });

  it("fails clearly when the server goes away mid-snapshot", async () => {
    let served = 0;
    const fake = await fakeApiServer((req) => {
      if (++served <= 2) return false;
      req.socket.destroy();
      return true;
    });
    await expect(takeSnapshot({ kubeconfigPath: kubeconfig(fake.port), context: "fake" })).rejects.toThrow(/went away or is unreachable.*listing endpoints/);
  });

  it("fails clearly for an unknown context", async () => {
    await expect(takeSnapshot({ kubeconfigPath: kubeconfig(1), context: "nope" })).rejects.toThrow(/context nope is not in the kubeconfig/);
  });
});

describe("snapshot directories", () => {
  it("saves a live snapshot and loads it back identically, errors document included", async () => {
    const fake = await fakeApiServer((_req, res, path) => {
      if (path !== "/api/v1/events") return false;
      status(res, 403, "Forbidden", "events is forbidden");
      return true;
    });
    const { docs } = await takeSnapshot({ kubeconfigPath: kubeconfig(fake.port), context: "fake" });
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
