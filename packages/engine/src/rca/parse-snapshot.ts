import type { z } from "zod";
import {
  RawCoreEvent,
  RawDeployment,
  RawEndpointSlice,
  RawEndpoints,
  RawEventsV1Event,
  RawHpa,
  RawIngress,
  RawReplicaSet,
  RawNode,
  RawPod,
  RawService,
  RawState,
  type RawIngressBackend,
} from "./k8s-raw.js";
import {
  POD_LOGS_KIND,
  PodLogSamples,
  SNAPSHOT_ERRORS_KIND,
  SnapshotError,
  type Deployment,
  type EndpointSet,
  type Hpa,
  type Ingress,
  type IngressBackend,
  type K8sEvent,
  type Node,
  type OwnerRef,
  type Pod,
  type ReplicaSet,
  type ResourceType,
  type Service,
  type Snapshot,
} from "./snapshot.js";

/** One saved Kubernetes document (`kubectl get ... -o json`: a List, a raw API list or one object) and its file name. */
export interface SnapshotDoc {
  name: string;
  json: unknown;
}
/** A snapshot object that could not be used, and why. */
export interface RejectedObject {
  source: string;
  object?: string;
  reason: string;
}

const KIND_TO_TYPE: Record<string, ResourceType> = {
  Pod: "pods",
  Service: "services",
  Endpoints: "endpoints",
  EndpointSlice: "endpointslices",
  Event: "events",
  Node: "nodes",
  Ingress: "ingresses",
  Deployment: "deployments",
  ReplicaSet: "replicasets",
  HorizontalPodAutoscaler: "horizontalpodautoscalers",
};

/** For an empty `kind: List` the file name is the only hint of what was listed (`kubectl get pods -o json > pods.json`). */
const NAME_HINTS: Array<[RegExp, string]> = [
  [/endpointslice/i, "EndpointSlice"],
  [/endpoint|\bep\b/i, "Endpoints"],
  [/pod|\bpo\b/i, "Pod"],
  [/service|\bsvc\b/i, "Service"],
  [/event|\bev\b/i, "Event"],
  [/node|\bno\b/i, "Node"],
  [/ingress|\bing\b/i, "Ingress"],
  [/deploy/i, "Deployment"],
  [/replicaset|\brs\b/i, "ReplicaSet"],
  [/horizontalpodautoscaler|\bhpa/i, "HorizontalPodAutoscaler"],
];

function kindFromName(name: string): string | undefined {
  return NAME_HINTS.find(([re]) => re.test(name))?.[1];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function issueReason(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

function objectLabel(kind: string, item: Record<string, unknown>, index: number | undefined): string {
  const meta = isRecord(item.metadata) ? item.metadata : {};
  const name = typeof meta.name === "string" ? meta.name : index === undefined ? "?" : `items[${index}]`;
  const ns = typeof meta.namespace === "string" ? `${meta.namespace}/` : "";
  return `${kind}/${ns}${name}`;
}

function memoryLimit(limits: Record<string, string | number> | null | undefined): string | undefined {
  const v = limits?.memory;
  return v === undefined ? undefined : String(v);
}

/** The controlling owner; with no `controller: true` flag (hand-written objects), the only owner. */
function ownerOf(refs: Array<{ kind: string; name: string; controller?: boolean | null }>): OwnerRef | undefined {
  const o = refs.find((r) => r.controller === true) ?? (refs.length === 1 ? refs[0] : undefined);
  return o ? { kind: o.kind, name: o.name } : undefined;
}

const REVISION = "deployment.kubernetes.io/revision";

function revisionOf(annotations: Record<string, string>): number | undefined {
  const v = annotations[REVISION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

type RawProbe = NonNullable<z.infer<typeof RawPod>["spec"]>["containers"][number]["readinessProbe"];
const probePort = (p: RawProbe) => p?.httpGet?.port ?? p?.tcpSocket?.port ?? p?.grpc?.port ?? undefined;

function toPod(raw: z.infer<typeof RawPod>): Pod {
  const m = raw.metadata;
  return {
    namespace: m.namespace ?? "default",
    name: m.name,
    uid: m.uid,
    labels: m.labels,
    owner: ownerOf(m.ownerReferences),
    createdAt: m.creationTimestamp,
    deletedAt: m.deletionTimestamp,
    nodeName: raw.spec?.nodeName,
    podIP: raw.status?.podIP,
    phase: raw.status?.phase,
    conditions: raw.status?.conditions ?? [],
    containers: (raw.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      memoryLimit: memoryLimit(c.resources?.limits),
      ports: c.ports.map((p) => ({ name: p.name, containerPort: p.containerPort })),
      readinessPort: probePort(c.readinessProbe),
    })),
    containerStatuses: (raw.status?.containerStatuses ?? []).map((s) => ({
      name: s.name,
      ready: s.ready ?? false,
      restartCount: s.restartCount ?? 0,
      image: s.image,
      state: stateOf(s.state),
      lastState: stateOf(s.lastState),
    })),
  };
}

function stateOf(s: z.infer<typeof RawState>): Pod["containerStatuses"][number]["state"] {
  return {
    waiting: s?.waiting ? { reason: s.waiting.reason, message: s.waiting.message } : undefined,
    running: s?.running ? { startedAt: s.running.startedAt } : undefined,
    terminated: s?.terminated
      ? {
          reason: s.terminated.reason,
          exitCode: s.terminated.exitCode,
          startedAt: s.terminated.startedAt,
          finishedAt: s.terminated.finishedAt,
        }
      : undefined,
  };
}

function toService(raw: z.infer<typeof RawService>): Service {
  return {
    namespace: raw.metadata.namespace ?? "default",
    name: raw.metadata.name,
    selector: raw.spec?.selector ?? undefined,
    ports: (raw.spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? undefined })),
  };
}

const LAST_CHANGE = "endpoints.kubernetes.io/last-change-trigger-time";

function lastChangeOf(annotations: Record<string, string>): string | undefined {
  const v = annotations[LAST_CHANGE];
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function toEndpoints(raw: z.infer<typeof RawEndpoints>): EndpointSet {
  const addr = (ready: boolean) => (a: z.infer<typeof RawEndpoints>["subsets"][number]["addresses"][number]) => ({
    ip: a.ip,
    ready,
    podName: a.targetRef?.kind === "Pod" ? (a.targetRef.name ?? undefined) : undefined,
    nodeName: a.nodeName,
  });
  return {
    source: "Endpoints",
    namespace: raw.metadata.namespace ?? "default",
    name: raw.metadata.name,
    serviceName: raw.metadata.name,
    addresses: raw.subsets.flatMap((s) => [...s.addresses.map(addr(true)), ...s.notReadyAddresses.map(addr(false))]),
    lastChange: lastChangeOf(raw.metadata.annotations),
    createdAt: raw.metadata.creationTimestamp,
  };
}

function toEndpointSlice(raw: z.infer<typeof RawEndpointSlice>): EndpointSet {
  return {
    source: "EndpointSlice",
    namespace: raw.metadata.namespace ?? "default",
    name: raw.metadata.name,
    serviceName: raw.metadata.labels["kubernetes.io/service-name"] ?? raw.metadata.name,
    // The API documents a nil `ready` as "unknown, treat as ready".
    addresses: raw.endpoints.flatMap((e) =>
      e.addresses.map((ip) => ({
        ip,
        ready: e.conditions?.ready !== false,
        podName: e.targetRef?.kind === "Pod" ? (e.targetRef.name ?? undefined) : undefined,
        nodeName: e.nodeName,
      })),
    ),
    lastChange: lastChangeOf(raw.metadata.annotations),
    createdAt: raw.metadata.creationTimestamp,
  };
}

const CLUSTER_SCOPED = new Set(["Node", "Namespace", "PersistentVolume"]);

/** Events about cluster-scoped objects live in `default`; that namespace is not the object's. */
function refOf(r: z.infer<typeof RawCoreEvent>["involvedObject"] | null | undefined, fallbackNs?: string) {
  const kind = r?.kind ?? "Unknown";
  return {
    kind,
    namespace: r?.namespace ?? (CLUSTER_SCOPED.has(kind) ? undefined : fallbackNs),
    name: r?.name ?? "?",
    uid: r?.uid,
    fieldPath: r?.fieldPath,
  };
}

/** New-style core events leave count/firstTimestamp null and carry eventTime + series instead. */
function toCoreEvent(raw: z.infer<typeof RawCoreEvent>): K8sEvent {
  const first = raw.firstTimestamp ?? raw.eventTime ?? raw.metadata.creationTimestamp;
  return {
    namespace: raw.metadata.namespace,
    name: raw.metadata.name,
    involved: refOf(raw.involvedObject, raw.metadata.namespace),
    type: raw.type,
    reason: raw.reason ?? "",
    message: raw.message ?? "",
    source: raw.source?.component ?? raw.reportingComponent ?? undefined,
    count: raw.count ?? raw.series?.count ?? 1,
    first,
    last: raw.lastTimestamp ?? raw.series?.lastObservedTime ?? raw.eventTime ?? first,
  };
}

/** events.k8s.io/v1 views of old events have eventTime null and the old fields under deprecated*. */
function toEventsV1Event(raw: z.infer<typeof RawEventsV1Event>): K8sEvent {
  const first = raw.deprecatedFirstTimestamp ?? raw.eventTime ?? raw.metadata.creationTimestamp;
  return {
    namespace: raw.metadata.namespace,
    name: raw.metadata.name,
    involved: refOf(raw.regarding, raw.metadata.namespace),
    type: raw.type,
    reason: raw.reason ?? "",
    message: raw.note ?? "",
    source: raw.reportingController ?? raw.deprecatedSource?.component ?? undefined,
    count: raw.series?.count ?? raw.deprecatedCount ?? 1,
    first,
    last: raw.series?.lastObservedTime ?? raw.deprecatedLastTimestamp ?? raw.eventTime ?? first,
  };
}

function toNode(raw: z.infer<typeof RawNode>): Node {
  return {
    name: raw.metadata.name,
    conditions: raw.status?.conditions ?? [],
    taints: (raw.spec?.taints ?? []).map((t) => ({ key: t.key, effect: t.effect, timeAdded: t.timeAdded })),
    unschedulable: raw.spec?.unschedulable ?? false,
  };
}

function backendOf(b: RawIngressBackend, host?: string, path?: string): IngressBackend | undefined {
  if (b?.service) {
    const port = b.service.port?.name ?? b.service.port?.number ?? undefined;
    return { host, path, serviceName: b.service.name, servicePort: port === undefined ? undefined : String(port) };
  }
  if (b?.serviceName) {
    return { host, path, serviceName: b.serviceName, servicePort: b.servicePort == null ? undefined : String(b.servicePort) };
  }
  return undefined;
}

function toIngress(raw: z.infer<typeof RawIngress>): Ingress {
  const spec = raw.spec;
  const backends: IngressBackend[] = [];
  const dflt = backendOf(spec?.defaultBackend ?? spec?.backend);
  if (dflt) backends.push(dflt);
  for (const rule of spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      const b = backendOf(p.backend, rule.host, p.path);
      if (b) backends.push(b);
    }
  }
  return { namespace: raw.metadata.namespace ?? "default", name: raw.metadata.name, backends };
}

function toDeployment(raw: z.infer<typeof RawDeployment>): Deployment {
  return {
    namespace: raw.metadata.namespace ?? "default",
    name: raw.metadata.name,
    matchLabels: raw.spec?.selector?.matchLabels ?? {},
    templateLabels: raw.spec?.template?.metadata?.labels ?? {},
    // The API defaults spec.replicas to 1.
    replicas: raw.spec?.replicas ?? 1,
    availableReplicas: raw.status?.availableReplicas,
    readyReplicas: raw.status?.readyReplicas,
    updatedReplicas: raw.status?.updatedReplicas,
    revision: revisionOf(raw.metadata.annotations),
    strategy: raw.spec?.strategy?.type,
    conditions: raw.status?.conditions ?? [],
  };
}

function toReplicaSet(raw: z.infer<typeof RawReplicaSet>): ReplicaSet {
  return {
    namespace: raw.metadata.namespace ?? "default",
    name: raw.metadata.name,
    owner: ownerOf(raw.metadata.ownerReferences),
    revision: revisionOf(raw.metadata.annotations),
    createdAt: raw.metadata.creationTimestamp,
    replicas: raw.spec?.replicas ?? 1,
    readyReplicas: raw.status?.readyReplicas ?? 0,
    availableReplicas: raw.status?.availableReplicas ?? 0,
    conditions: raw.status?.conditions ?? [],
  };
}

function toHpa(raw: z.infer<typeof RawHpa>): Hpa {
  const t = raw.spec?.scaleTargetRef;
  return {
    namespace: raw.metadata.namespace ?? "default",
    name: raw.metadata.name,
    target: t ? { kind: t.kind, name: t.name } : undefined,
    minReplicas: raw.spec?.minReplicas,
    maxReplicas: raw.spec?.maxReplicas,
    currentReplicas: raw.status?.currentReplicas,
    desiredReplicas: raw.status?.desiredReplicas,
    conditions: raw.status?.conditions ?? [],
  };
}

type Collected = Omit<Snapshot, "present" | "unreadable" | "endpoints" | "podLogs"> & { endpoints: EndpointSet[] };

/** A sample is bounded when taken; reading a hand-made one keeps the same bound. */
const MAX_LOG_LINES = 50;

interface Handler {
  schema: z.ZodType;
  add: (out: Collected, parsed: never) => void;
}

const handler = <S extends z.ZodType>(schema: S, add: (out: Collected, parsed: z.infer<S>) => void): Handler => ({
  schema,
  add: add as Handler["add"],
});

const HANDLERS: Record<string, Handler> = {
  Pod: handler(RawPod, (o, r) => o.pods.push(toPod(r))),
  Service: handler(RawService, (o, r) => o.services.push(toService(r))),
  Endpoints: handler(RawEndpoints, (o, r) => o.endpoints.push(toEndpoints(r))),
  EndpointSlice: handler(RawEndpointSlice, (o, r) => o.endpoints.push(toEndpointSlice(r))),
  "Event@core": handler(RawCoreEvent, (o, r) => o.events.push(toCoreEvent(r))),
  "Event@events.k8s.io": handler(RawEventsV1Event, (o, r) => o.events.push(toEventsV1Event(r))),
  Node: handler(RawNode, (o, r) => o.nodes.push(toNode(r))),
  Ingress: handler(RawIngress, (o, r) => o.ingresses.push(toIngress(r))),
  Deployment: handler(RawDeployment, (o, r) => o.deployments.push(toDeployment(r))),
  ReplicaSet: handler(RawReplicaSet, (o, r) => o.replicasets.push(toReplicaSet(r))),
  HorizontalPodAutoscaler: handler(RawHpa, (o, r) => o.hpas.push(toHpa(r))),
};

function handlerKey(kind: string, apiVersion: string | undefined, item: Record<string, unknown>): string {
  if (kind !== "Event") return kind;
  const v1 = apiVersion?.startsWith("events.k8s.io") || ("regarding" in item && !("involvedObject" in item));
  return v1 ? "Event@events.k8s.io" : "Event@core";
}

function identity(kind: string, item: Record<string, unknown>): string {
  const meta = isRecord(item.metadata) ? item.metadata : {};
  // The same event read through core/v1 and events.k8s.io/v1 shares its uid.
  if (kind === "Event" && typeof meta.uid === "string") return `Event#${meta.uid}`;
  return `${kind}/${String(meta.namespace ?? "")}/${String(meta.name ?? "")}`;
}

interface Candidate {
  key: string;
  parsed: unknown;
  source: string;
  label: string;
  resourceVersion: string;
  item: Record<string, unknown>;
}

/** Only duplicates are compared by their text; an object graph that is not JSON (a cycle) compares as empty. */
function textOf(item: Record<string, unknown>): string {
  try {
    return JSON.stringify(item);
  } catch {
    return "";
  }
}

const isNumeric = (v: string) => /^\d+$/.test(v);

/**
 * Which of two objects with one identity to keep, whatever order they came in: the events.k8s.io/v1 view of an
 * event (it carries series and note), else the later resourceVersion, else the smaller JSON text.
 */
function better(a: Candidate, b: Candidate): boolean {
  const av1 = a.key === "Event@events.k8s.io";
  if (av1 !== (b.key === "Event@events.k8s.io")) return av1;
  const ra = a.resourceVersion;
  const rb = b.resourceVersion;
  if (ra !== rb) {
    if (isNumeric(ra) && isNumeric(rb)) return BigInt(ra) > BigInt(rb);
    return ra > rb;
  }
  return textOf(a.item) < textOf(b.item);
}

/** Merge events that repeat the same (object, reason, message), as `kubectl describe` does. */
function aggregateEvents(events: K8sEvent[]): K8sEvent[] {
  const byKey = new Map<string, K8sEvent>();
  // Sorted first, so the event that names the merged one does not depend on input order.
  const sorted = [...events].sort((a, b) => cmp(a.first ?? "", b.first ?? "") || byNsName(a, b) || cmp(a.reason, b.reason) || cmp(a.message, b.message));
  for (const e of sorted) {
    const obj = e.involved.uid ?? `${e.involved.kind}/${e.involved.namespace ?? ""}/${e.involved.name}`;
    const key = `${obj}\u0000${e.reason}\u0000${e.message}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...e });
      continue;
    }
    prev.count += e.count;
    prev.first = minIso(prev.first, e.first);
    prev.last = maxIso(prev.last, e.last);
  }
  return [...byKey.values()];
}

const minIso = (a?: string, b?: string) => (a === undefined ? b : b === undefined ? a : a < b ? a : b);
const maxIso = (a?: string, b?: string) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);

const byNsName = (a: { namespace?: string; name: string }, b: { namespace?: string; name: string }) =>
  cmp(a.namespace ?? "", b.namespace ?? "") || cmp(a.name, b.name);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Turn saved or live Kubernetes JSON documents into a Snapshot. Accepts `kind: List`
 * (kubectl), typed lists (`PodList`, items without apiVersion/kind), single objects and the
 * adapter's error document. Never throws: every object it cannot use is in `rejected`.
 * The result does not depend on the order of the documents or of the items in them.
 */
export function parseSnapshot(docs: SnapshotDoc[]): { snapshot: Snapshot; rejected: RejectedObject[] } {
  const out: Collected = { pods: [], services: [], endpoints: [], events: [], nodes: [], ingresses: [], deployments: [], replicasets: [], hpas: [] };
  const present = new Set<ResourceType>();
  const unreadable: Snapshot["unreadable"] = [];
  const rejected: RejectedObject[] = [];
  const chosen = new Map<string, Candidate>();
  const podLogs = new Map<string, Snapshot["podLogs"][number]>();

  const take = (source: string, item: unknown, listKind: string | undefined, listApi: string | undefined, index?: number) => {
    if (!isRecord(item)) {
      rejected.push({ source, object: index === undefined ? undefined : `items[${index}]`, reason: "not a JSON object" });
      return;
    }
    const kind = typeof item.kind === "string" ? item.kind : listKind;
    if (!kind) {
      rejected.push({ source, object: objectLabel("?", item, index), reason: "no kind on the item, its list or the file name" });
      return;
    }
    const label = objectLabel(kind, item, index);
    const type = KIND_TO_TYPE[kind];
    if (!type) {
      rejected.push({ source, object: label, reason: `kind ${kind} is not used by the RCA` });
      return;
    }
    present.add(type);
    const apiVersion = typeof item.apiVersion === "string" ? item.apiVersion : listApi;
    const key = handlerKey(kind, apiVersion, item);
    const parsed = HANDLERS[key].schema.safeParse(item);
    if (!parsed.success) {
      rejected.push({ source, object: label, reason: issueReason(parsed.error) });
      return;
    }
    const meta = isRecord(item.metadata) ? item.metadata : {};
    const cand: Candidate = { key, parsed: parsed.data, source, label, resourceVersion: typeof meta.resourceVersion === "string" ? meta.resourceVersion : "", item };
    const id = identity(kind, item);
    const prev = chosen.get(id);
    if (!prev) {
      chosen.set(id, cand);
      return;
    }
    const [keep, drop] = better(cand, prev) ? [cand, prev] : [prev, cand];
    chosen.set(id, keep);
    // One event listed through both event APIs (a live snapshot reads both) is not a problem in the input.
    if (keep.key !== drop.key) return;
    rejected.push({ source: drop.source, object: drop.label, reason: "duplicate of another object with the same identity" });
  };

  for (const doc of docs) {
    const json = doc.json;
    if (!isRecord(json)) {
      rejected.push({ source: doc.name, reason: "document is not a JSON object" });
      continue;
    }
    if (json.kind === SNAPSHOT_ERRORS_KIND) {
      const errs = SnapshotError.array().safeParse(json.errors);
      if (errs.success) unreadable.push(...errs.data);
      else rejected.push({ source: doc.name, reason: `bad error document: ${issueReason(errs.error)}` });
      continue;
    }
    if (json.kind === POD_LOGS_KIND) {
      const logs = PodLogSamples.safeParse(json.logs);
      if (!logs.success) {
        rejected.push({ source: doc.name, reason: `bad pod-log document: ${issueReason(logs.error)}` });
        continue;
      }
      present.add("podlogs");
      for (const l of logs.data) {
        const lines = l.text.split("\n").map((x) => x.replace(/\r$/, "")).filter((x) => x.trim() !== "").slice(-MAX_LOG_LINES);
        podLogs.set(`${l.namespace}/${l.pod}/${l.container}/${l.previous}`, { namespace: l.namespace, pod: l.pod, container: l.container, previous: l.previous, lines });
      }
      continue;
    }
    if (Array.isArray(json.items)) {
      const declared = typeof json.kind === "string" ? json.kind : undefined;
      const listKind =
        declared && declared !== "List" && declared.endsWith("List") ? declared.slice(0, -4) : kindFromName(doc.name);
      const listType = listKind ? KIND_TO_TYPE[listKind] : undefined;
      if (listType) present.add(listType);
      const listApi = typeof json.apiVersion === "string" && json.apiVersion !== "v1" ? json.apiVersion : undefined;
      json.items.forEach((item, i) => take(doc.name, item, listKind, listApi, i));
      continue;
    }
    take(doc.name, json, kindFromName(doc.name), undefined);
  }
  for (const c of chosen.values()) HANDLERS[c.key].add(out, c.parsed as never);

  const snapshot: Snapshot = {
    pods: out.pods.sort(byNsName),
    services: out.services.sort(byNsName),
    endpoints: out.endpoints.sort((a, b) => byNsName(a, b) || cmp(a.source, b.source)),
    events: aggregateEvents(out.events).sort(
      (a, b) => cmp(a.first ?? "", b.first ?? "") || byNsName(a, b) || cmp(a.reason, b.reason) || cmp(a.message, b.message),
    ),
    nodes: out.nodes.sort(byNsName),
    ingresses: out.ingresses.sort(byNsName),
    deployments: out.deployments.sort(byNsName),
    replicasets: out.replicasets.sort(byNsName),
    hpas: out.hpas.sort(byNsName),
    podLogs: [...podLogs.entries()].sort(([a], [b]) => cmp(a, b)).map(([, l]) => l),
    present: [...present].sort(),
    unreadable: [...unreadable].sort((a, b) => cmp(a.resource, b.resource) || cmp(a.message, b.message)),
  };
  const order = (r: RejectedObject) => `${r.source}\u0000${r.object ?? ""}\u0000${r.reason}`;
  return { snapshot, rejected: rejected.sort((a, b) => cmp(order(a), order(b))) };
}
