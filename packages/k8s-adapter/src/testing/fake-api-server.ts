import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Test infrastructure: a fake Kubernetes API server on 127.0.0.1 serving recorded responses to the bearer
 * token `t0ken`, for running the real @kubernetes/client-node (and the CLI) against. Never used by the adapter.
 */
export type Behaviour = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

const TOKEN = "t0ken";

export class FakeApiServer {
  readonly seen: Array<{ method: string; url: string; auth?: string }> = [];
  private readonly dirs: string[] = [];

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(routes: Record<string, unknown>, special: Behaviour = () => false): Promise<FakeApiServer> {
    let fake: FakeApiServer | undefined;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      fake?.seen.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization });
      if (special(req, res, url.pathname)) return;
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return apiStatus(res, 401, "Unauthorized", "Unauthorized");
      const body = routes[url.pathname];
      if (!body) return apiStatus(res, 404, "NotFound", "the server could not find the requested resource");
      // A pod log is plain text (`GET …/pods/NAME/log`), everything else a JSON object.
      if (typeof body === "string") {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end(body);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    fake = new FakeApiServer(server, (server.address() as AddressInfo).port);
    return fake;
  }

  /** Writes a kubeconfig for this server (context `fake`; the current context is another one on purpose). */
  kubeconfig(token = TOKEN): string {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-kc-"));
    this.dirs.push(dir);
    const path = join(dir, "config");
    writeFileSync(
      path,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: fake\n  cluster:\n    server: http://127.0.0.1:${this.port}\n    insecure-skip-tls-verify: true`,
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

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

export function apiStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }));
}

/** Where the API serves each list, by the kind of its items (events.k8s.io/v1 events apart from core/v1 ones). */
const ROUTES: Record<string, { path: string; kind: string; apiVersion: string }> = {
  Pod: { path: "/api/v1/pods", kind: "PodList", apiVersion: "v1" },
  Service: { path: "/api/v1/services", kind: "ServiceList", apiVersion: "v1" },
  Endpoints: { path: "/api/v1/endpoints", kind: "EndpointsList", apiVersion: "v1" },
  EndpointSlice: { path: "/apis/discovery.k8s.io/v1/endpointslices", kind: "EndpointSliceList", apiVersion: "discovery.k8s.io/v1" },
  Event: { path: "/api/v1/events", kind: "EventList", apiVersion: "v1" },
  "events.k8s.io/v1 Event": { path: "/apis/events.k8s.io/v1/events", kind: "EventList", apiVersion: "events.k8s.io/v1" },
  Node: { path: "/api/v1/nodes", kind: "NodeList", apiVersion: "v1" },
  Ingress: { path: "/apis/networking.k8s.io/v1/ingresses", kind: "IngressList", apiVersion: "networking.k8s.io/v1" },
  Deployment: { path: "/apis/apps/v1/deployments", kind: "DeploymentList", apiVersion: "apps/v1" },
  ReplicaSet: { path: "/apis/apps/v1/replicasets", kind: "ReplicaSetList", apiVersion: "apps/v1" },
  HorizontalPodAutoscaler: { path: "/apis/autoscaling/v2/horizontalpodautoscalers", kind: "HorizontalPodAutoscalerList", apiVersion: "autoscaling/v2" },
};

/** The kind of an empty list's items, from the scenario's file name. */
const FILE_KIND: Record<string, string> = {
  "pods.json": "Pod", "services.json": "Service", "endpoints.json": "Endpoints", "endpointslices.json": "EndpointSlice",
  "events.json": "Event", "events.k8s.io.json": "events.k8s.io/v1 Event", "nodes.json": "Node", "ingresses.json": "Ingress",
  "deployments.json": "Deployment", "replicasets.json": "ReplicaSet", "hpas.json": "HorizontalPodAutoscaler",
};

type Item = Record<string, unknown> & { apiVersion?: string; kind?: string };

/**
 * An RCA scenario's `kubectl get -o json` Lists (fixtures/rca/<scenario>/snapshot) as the raw API list
 * responses the apiserver gives: typed lists (`PodList`, …) whose items carry no apiVersion/kind. A resource type
 * the scenario did not save has no route (the server answers 404 for it).
 */
export function scenarioRoutes(fixtures: string, scenario: string): Record<string, { kind: string; apiVersion: string; metadata: unknown; items: unknown[] } | string> {
  const dir = join(fixtures, "rca", scenario, "snapshot");
  const routes: Record<string, { kind: string; apiVersion: string; metadata: unknown; items: unknown[] }> = {};
  const logs: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const list = JSON.parse(readFileSync(join(dir, file), "utf8")) as { apiVersion?: string; kind?: string; items?: Item[]; logs?: Array<{ namespace: string; pod: string; text: string }> };
    // The adapter's pod-log samples, served back as the log endpoint of each pod.
    for (const l of list.kind === "EdgeproofPodLogs" ? (list.logs ?? []) : []) logs[`/api/v1/namespaces/${l.namespace}/pods/${l.pod}/log`] = l.text;
    const items = list.items ?? [];
    const kinds = new Set(items.map((it) => (it.apiVersion === "events.k8s.io/v1" || list.apiVersion === "events.k8s.io/v1" ? "events.k8s.io/v1 Event" : (it.kind ?? FILE_KIND[file]))));
    if (items.length === 0 && FILE_KIND[file]) kinds.add(FILE_KIND[file]);
    for (const k of kinds) {
      const r = ROUTES[k];
      if (!r) continue;
      const mine = items.filter((it) => (it.apiVersion === "events.k8s.io/v1" || list.apiVersion === "events.k8s.io/v1" ? "events.k8s.io/v1 Event" : (it.kind ?? FILE_KIND[file])) === k);
      const route = (routes[r.path] ??= { kind: r.kind, apiVersion: r.apiVersion, metadata: { resourceVersion: "636" }, items: [] });
      route.items.push(...mine.map(({ apiVersion: _a, kind: _k, ...rest }) => rest));
    }
  }
  return { ...routes, ...logs };
}

/** The crashloop scenario plus the recorded kube-system PodList of a real cluster (fixtures/k8s-api). */
export function crashloopRoutes(fixtures: string): Record<string, unknown> {
  const kubeSystem = JSON.parse(readFileSync(join(fixtures, "k8s-api/pods-healthy-kube-system.k8s-openapi.podlist.json"), "utf8"));
  const routes = scenarioRoutes(fixtures, "crashloop");
  const shopPods = routes["/api/v1/pods"] as { items: unknown[] };
  return {
    ...routes,
    "/api/v1/pods": { ...shopPods, items: [...shopPods.items, ...kubeSystem.items] },
    "/api/v1/namespaces/shop/pods": shopPods,
    "/api/v1/namespaces/kube-system/pods": kubeSystem,
  };
}
