import type * as K8s from "@kubernetes/client-node";
import { SNAPSHOT_ERRORS_KIND, type ResourceType, type SnapshotDoc, type SnapshotError } from "@edgeproof/engine";
import { samplePodLogs } from "./pod-log-samples.js";

export interface TakeSnapshotOptions {
  /** Defaults to $KUBECONFIG / ~/.kube/config (client-node's loadFromDefault). */
  kubeconfigPath?: string;
  context?: string;
  /** Limit namespaced resources to these namespaces; all namespaces when absent. */
  namespaces?: string[];
  /** Per list call. */
  timeoutMs?: number;
}

export class SnapshotAccessError extends Error {}

type K8sModule = typeof K8s;

interface Clients {
  core: K8s.CoreV1Api;
  discovery: K8s.DiscoveryV1Api;
  networking: K8s.NetworkingV1Api;
  apps: K8s.AppsV1Api;
  autoscaling: K8s.AutoscalingV2Api;
  events: K8s.EventsV1Api;
}

type Lister = (c: Clients, ns: string | undefined, o: K8s.ConfigurationOptions) => Promise<{ items: unknown[] }>;

interface ListSpec {
  resource: ResourceType;
  /** File name in the snapshot (default `<resource>.json`). */
  file?: string;
  kind: string;
  apiVersion: string;
  clusterScoped?: boolean;
  /**
   * A second view of a resource type read through another list: when it fails, the first still covers the type,
   * so the failure is reported but is no blind spot.
   */
  supplement?: boolean;
  list: Lister;
}

/** Read-only list calls, one per resource type; `ns` undefined means all namespaces. */
const LISTS: ListSpec[] = [
  { resource: "pods", kind: "PodList", apiVersion: "v1", list: (c, ns, o) => (ns ? c.core.listNamespacedPod({ namespace: ns }, o) : c.core.listPodForAllNamespaces({}, o)) },
  { resource: "services", kind: "ServiceList", apiVersion: "v1", list: (c, ns, o) => (ns ? c.core.listNamespacedService({ namespace: ns }, o) : c.core.listServiceForAllNamespaces({}, o)) },
  { resource: "endpoints", kind: "EndpointsList", apiVersion: "v1", list: (c, ns, o) => (ns ? c.core.listNamespacedEndpoints({ namespace: ns }, o) : c.core.listEndpointsForAllNamespaces({}, o)) },
  { resource: "endpointslices", kind: "EndpointSliceList", apiVersion: "discovery.k8s.io/v1", list: (c, ns, o) => (ns ? c.discovery.listNamespacedEndpointSlice({ namespace: ns }, o) : c.discovery.listEndpointSliceForAllNamespaces({}, o)) },
  { resource: "events", kind: "EventList", apiVersion: "v1", list: (c, ns, o) => (ns ? c.core.listNamespacedEvent({ namespace: ns }, o) : c.core.listEventForAllNamespaces({}, o)) },
  { resource: "nodes", kind: "NodeList", apiVersion: "v1", clusterScoped: true, list: (c, _ns, o) => c.core.listNode({}, o) },
  { resource: "ingresses", kind: "IngressList", apiVersion: "networking.k8s.io/v1", list: (c, ns, o) => (ns ? c.networking.listNamespacedIngress({ namespace: ns }, o) : c.networking.listIngressForAllNamespaces({}, o)) },
  { resource: "deployments", kind: "DeploymentList", apiVersion: "apps/v1", list: (c, ns, o) => (ns ? c.apps.listNamespacedDeployment({ namespace: ns }, o) : c.apps.listDeploymentForAllNamespaces({}, o)) },
  { resource: "replicasets", kind: "ReplicaSetList", apiVersion: "apps/v1", list: (c, ns, o) => (ns ? c.apps.listNamespacedReplicaSet({ namespace: ns }, o) : c.apps.listReplicaSetForAllNamespaces({}, o)) },
  { resource: "horizontalpodautoscalers", file: "hpas.json", kind: "HorizontalPodAutoscalerList", apiVersion: "autoscaling/v2", list: (c, ns, o) => (ns ? c.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: ns }, o) : c.autoscaling.listHorizontalPodAutoscalerForAllNamespaces({}, o)) },
  // New-style events (series, eventTime) read where they are written; the same event through core/v1 is merged by uid.
  { resource: "events", file: "events.k8s.io.json", kind: "EventList", apiVersion: "events.k8s.io/v1", supplement: true, list: (c, ns, o) => (ns ? c.events.listNamespacedEvent({ namespace: ns }, o) : c.events.listEventForAllNamespaces({}, o)) },
];

function loadConfig(k8s: K8sModule, opts: TakeSnapshotOptions): K8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (opts.kubeconfigPath) kc.loadFromFile(opts.kubeconfigPath);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) throw new SnapshotAccessError(`context ${opts.context} is not in the kubeconfig`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new SnapshotAccessError("the kubeconfig has no current cluster");
  return kc;
}

/**
 * Each call gets its own deadline: client-node passes the signal to node-fetch. The object-parameter
 * API hands options straight to the Observable layer, so the middleware must return Observables.
 */
function withTimeout(k8s: K8sModule, ms: number): K8s.ConfigurationOptions {
  const middleware = {
    pre: (ctx: K8s.RequestContext) => {
      ctx.setSignal(AbortSignal.timeout(ms));
      return new k8s.Observable(Promise.resolve(ctx));
    },
    post: (rsp: K8s.ResponseContext) => new k8s.Observable(Promise.resolve(rsp)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: "append" } as unknown as K8s.ConfigurationOptions;
}

const CONNECTION = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|socket hang up|other side closed/i;

/** The apiserver answers errors with a `Status` object; client-node hands it over as text or as parsed JSON. */
function statusMessage(body: unknown): string {
  let b = body;
  if (typeof body === "string") {
    try {
      b = JSON.parse(body);
    } catch {
      return body.slice(0, 200);
    }
  }
  const message = (b as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : "";
}

function classify(k8s: K8sModule, err: unknown, ms: number): { status?: number; message: string; fatal?: string } {
  if (err instanceof k8s.ApiException) {
    const detail = statusMessage(err.body);
    if (err.code === 401) return { status: 401, message: detail, fatal: `the API server rejected the kubeconfig credentials (401 Unauthorized)${detail ? `: ${detail}` : ""}` };
    return { status: err.code, message: err.code === 403 ? `forbidden${detail ? `: ${detail}` : ""}` : `HTTP ${err.code}${detail ? `: ${detail}` : ""}` };
  }
  const e = err as { name?: string; message?: string; code?: string; type?: string };
  if (e?.name === "AbortError" || e?.name === "TimeoutError" || e?.type === "aborted") return { message: `timed out after ${ms} ms` };
  const text = `${e?.code ?? ""} ${e?.message ?? String(err)}`;
  if (CONNECTION.test(text)) return { message: text.trim(), fatal: `the API server went away or is unreachable: ${text.trim()}` };
  return { message: e?.message ?? String(err) };
}

/**
 * Take a read-only snapshot (list calls only) for `parseSnapshot`. A 401 or a lost server fails the
 * whole snapshot; a 403 or timeout on one resource type is recorded and the rest continues, so the RCA
 * can name it as a blind spot (the errors travel as a document of kind EdgeproofSnapshotErrors).
 */
export async function takeSnapshot(opts: TakeSnapshotOptions = {}): Promise<{ docs: SnapshotDoc[]; errors: SnapshotError[]; warnings: SnapshotError[]; server: string }> {
  // Loaded here, not at import: 90 MB and 0.4 s that every command reading saved snapshots or logs would pay.
  const k8s = await import("@kubernetes/client-node");
  const kc = loadConfig(k8s, opts);
  const server = kc.getCurrentCluster()!.server;
  const clients: Clients = {
    core: kc.makeApiClient(k8s.CoreV1Api),
    discovery: kc.makeApiClient(k8s.DiscoveryV1Api),
    networking: kc.makeApiClient(k8s.NetworkingV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    autoscaling: kc.makeApiClient(k8s.AutoscalingV2Api),
    events: kc.makeApiClient(k8s.EventsV1Api),
  };
  const ms = opts.timeoutMs ?? 10_000;
  const docs: SnapshotDoc[] = [];
  const errors: SnapshotError[] = [];
  let pods: unknown[] | undefined;
  const supplementErrors: SnapshotError[] = [];
  for (const spec of LISTS) {
    const scopes = spec.clusterScoped || !opts.namespaces?.length ? [undefined] : [...opts.namespaces].sort();
    const items: unknown[] = [];
    let failed: SnapshotError | undefined;
    for (const ns of scopes) {
      try {
        const res = await spec.list(clients, ns, withTimeout(k8s, ms));
        items.push(...res.items);
      } catch (err) {
        const c = classify(k8s, err, ms);
        if (c.fatal) throw new SnapshotAccessError(`${c.fatal} (server ${server}, listing ${spec.resource})`);
        failed = { resource: spec.resource, status: c.status, message: ns ? `${ns}: ${c.message}` : c.message };
        break;
      }
    }
    if (failed) {
      if (spec.supplement) supplementErrors.push({ ...failed, message: `${spec.apiVersion}: ${failed.message}` });
      else errors.push(failed);
      continue;
    }
    if (spec.resource === "pods") pods = items;
    // client-node returns Dates; a JSON round trip gives back the wire form that kubectl would save.
    docs.push({ name: spec.file ?? `${spec.resource}.json`, json: JSON.parse(JSON.stringify({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: {}, items })) });
  }
  if (errors.length === LISTS.filter((l) => !l.supplement).length) {
    throw new SnapshotAccessError(`could not list anything from ${server}: ${errors[0].message}`);
  }
  if (pods) {
    const logs = await samplePodLogs(clients.core, JSON.parse(JSON.stringify(pods)), () => withTimeout(k8s, ms), (err) => classify(k8s, err, ms));
    if (logs.doc) docs.push(logs.doc);
    if (logs.error) errors.push(logs.error);
  }
  if (errors.length) docs.push({ name: "_errors.json", json: { kind: SNAPSHOT_ERRORS_KIND, errors } });
  // A supplement failing while its main list also failed adds nothing; otherwise it is worth a warning.
  const warnings = supplementErrors.filter((w) => !errors.some((e) => e.resource === w.resource));
  return { docs, errors, warnings, server };
}
