import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * The crashloop RCA scenario's `kubectl get -o json` Lists (fixtures/rca/crashloop/snapshot) reshaped as raw API
 * list responses, plus the recorded kube-system PodList of a real cluster (fixtures/k8s-api).
 */
export function crashloopRoutes(fixtures: string): Record<string, unknown> {
  const readJson = (p: string) => JSON.parse(readFileSync(p, "utf8"));
  const apiList = (file: string, kind: string, apiVersion: string, extra: unknown[] = []) => {
    const list = readJson(join(fixtures, "rca/crashloop/snapshot", file));
    const items = list.items.map(({ apiVersion: _a, kind: _k, ...rest }: Record<string, unknown>) => rest);
    return { kind, apiVersion, metadata: { resourceVersion: "636" }, items: [...items, ...extra] };
  };
  const kubeSystem = readJson(join(fixtures, "k8s-api/pods-healthy-kube-system.k8s-openapi.podlist.json"));
  return {
    "/api/v1/pods": apiList("pods.json", "PodList", "v1", kubeSystem.items),
    "/api/v1/namespaces/shop/pods": apiList("pods.json", "PodList", "v1"),
    "/api/v1/namespaces/kube-system/pods": kubeSystem,
    "/api/v1/services": apiList("services.json", "ServiceList", "v1"),
    "/api/v1/endpoints": apiList("endpoints.json", "EndpointsList", "v1"),
    "/apis/discovery.k8s.io/v1/endpointslices": apiList("endpointslices.json", "EndpointSliceList", "discovery.k8s.io/v1"),
    "/api/v1/events": apiList("events.json", "EventList", "v1"),
    "/api/v1/nodes": apiList("nodes.json", "NodeList", "v1"),
    "/apis/networking.k8s.io/v1/ingresses": apiList("ingresses.json", "IngressList", "networking.k8s.io/v1"),
    "/apis/apps/v1/deployments": apiList("deployments.json", "DeploymentList", "apps/v1"),
  };
}
