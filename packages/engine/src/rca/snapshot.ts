import { z } from "zod";

/**
 * The normalized Kubernetes snapshot the RCA reads. Every time is an ISO 8601 string that
 * already passed `k8sTime` validation, so `Date.parse` on it is safe.
 */

export const ResourceType = z.enum([
  "pods",
  "services",
  "endpoints",
  "endpointslices",
  "events",
  "nodes",
  "ingresses",
  "deployments",
  "replicasets",
  "horizontalpodautoscalers",
  /** Bounded log samples of unhealthy pods, taken by the adapter (`pods/log`). */
  "podlogs",
]);
export type ResourceType = z.infer<typeof ResourceType>;

export const Condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});
export type Condition = z.infer<typeof Condition>;

export const TerminatedState = z.object({
  reason: z.string().optional(),
  exitCode: z.number().int().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type TerminatedState = z.infer<typeof TerminatedState>;

export const ContainerState = z.object({
  waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.object({ startedAt: z.string().optional() }).optional(),
  terminated: TerminatedState.optional(),
});
export type ContainerState = z.infer<typeof ContainerState>;

export const ContainerStatus = z.object({
  name: z.string(),
  ready: z.boolean(),
  restartCount: z.number().int(),
  image: z.string().optional(),
  state: ContainerState,
  lastState: ContainerState,
});
export type ContainerStatus = z.infer<typeof ContainerStatus>;

/** `metadata.ownerReferences[]` entry with `controller: true`: the object that manages this one. */
export const OwnerRef = z.object({ kind: z.string(), name: z.string() });
export type OwnerRef = z.infer<typeof OwnerRef>;

export const ContainerSpec = z.object({
  name: z.string(),
  image: z.string().optional(),
  memoryLimit: z.string().optional(),
  /** Declared `ports[]` (informational in Kubernetes, but what a Service's targetPort is checked against). */
  ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number().int() })),
  /** Port of the readiness probe (httpGet, tcpSocket or grpc), a number or a port name. */
  readinessPort: z.union([z.number().int(), z.string()]).optional(),
});
export type ContainerSpec = z.infer<typeof ContainerSpec>;

export const Pod = z.object({
  namespace: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  labels: z.record(z.string(), z.string()),
  owner: OwnerRef.optional(),
  createdAt: z.string().optional(),
  deletedAt: z.string().optional(),
  nodeName: z.string().optional(),
  podIP: z.string().optional(),
  phase: z.string().optional(),
  conditions: z.array(Condition),
  containers: z.array(ContainerSpec),
  containerStatuses: z.array(ContainerStatus),
});
export type Pod = z.infer<typeof Pod>;

export const ServicePort = z.object({
  name: z.string().optional(),
  port: z.number().int(),
  targetPort: z.union([z.number().int(), z.string()]).optional(),
});
export type ServicePort = z.infer<typeof ServicePort>;

export const Service = z.object({
  namespace: z.string(),
  name: z.string(),
  /** Absent for Services without a selector (manually managed Endpoints). */
  selector: z.record(z.string(), z.string()).optional(),
  ports: z.array(ServicePort),
});
export type Service = z.infer<typeof Service>;

/** One backend address from either Endpoints or an EndpointSlice. */
export const EndpointAddress = z.object({
  ip: z.string(),
  ready: z.boolean(),
  podName: z.string().optional(),
  nodeName: z.string().optional(),
});
export type EndpointAddress = z.infer<typeof EndpointAddress>;

export const EndpointSet = z.object({
  source: z.enum(["Endpoints", "EndpointSlice"]),
  namespace: z.string(),
  name: z.string(),
  /** The Service it belongs to: the object name for Endpoints, the `kubernetes.io/service-name` label for slices. */
  serviceName: z.string(),
  addresses: z.array(EndpointAddress),
  /** `endpoints.kubernetes.io/last-change-trigger-time`, when the controller wrote it. */
  lastChange: z.string().optional(),
  createdAt: z.string().optional(),
});
export type EndpointSet = z.infer<typeof EndpointSet>;

export const ObjectRef = z.object({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  uid: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectRef = z.infer<typeof ObjectRef>;

/** core/v1 and events.k8s.io/v1 events in one shape, aggregated on (involved object, reason, message). */
export const K8sEvent = z.object({
  namespace: z.string().optional(),
  name: z.string(),
  involved: ObjectRef,
  type: z.string().optional(),
  reason: z.string(),
  message: z.string(),
  source: z.string().optional(),
  count: z.number().int(),
  first: z.string().optional(),
  last: z.string().optional(),
});
export type K8sEvent = z.infer<typeof K8sEvent>;

export const Node = z.object({
  name: z.string(),
  conditions: z.array(Condition),
  taints: z.array(z.object({ key: z.string(), effect: z.string().optional(), timeAdded: z.string().optional() })),
  unschedulable: z.boolean(),
});
export type Node = z.infer<typeof Node>;

export const IngressBackend = z.object({
  host: z.string().optional(),
  path: z.string().optional(),
  serviceName: z.string(),
  servicePort: z.string().optional(),
});
export type IngressBackend = z.infer<typeof IngressBackend>;

export const Ingress = z.object({
  namespace: z.string(),
  name: z.string(),
  backends: z.array(IngressBackend),
});
export type Ingress = z.infer<typeof Ingress>;

export const Deployment = z.object({
  namespace: z.string(),
  name: z.string(),
  matchLabels: z.record(z.string(), z.string()),
  /** `spec.template.metadata.labels`: what its pods carry, so a Service selector can be matched without pods. */
  templateLabels: z.record(z.string(), z.string()),
  replicas: z.number().int().optional(),
  availableReplicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  updatedReplicas: z.number().int().optional(),
  /** `deployment.kubernetes.io/revision`. */
  revision: z.number().int().optional(),
  strategy: z.string().optional(),
  conditions: z.array(Condition),
});
export type Deployment = z.infer<typeof Deployment>;

export const ReplicaSet = z.object({
  namespace: z.string(),
  name: z.string(),
  owner: OwnerRef.optional(),
  /** `deployment.kubernetes.io/revision`: the newest ReplicaSet of a Deployment has the highest. */
  revision: z.number().int().optional(),
  createdAt: z.string().optional(),
  replicas: z.number().int(),
  readyReplicas: z.number().int(),
  availableReplicas: z.number().int(),
  conditions: z.array(Condition),
});
export type ReplicaSet = z.infer<typeof ReplicaSet>;

/** Context for a shortfall of ready pods: an autoscaler at its ceiling cannot add capacity. */
export const Hpa = z.object({
  namespace: z.string(),
  name: z.string(),
  target: z.object({ kind: z.string(), name: z.string() }).optional(),
  minReplicas: z.number().int().optional(),
  maxReplicas: z.number().int().optional(),
  currentReplicas: z.number().int().optional(),
  desiredReplicas: z.number().int().optional(),
  conditions: z.array(Condition),
});
export type Hpa = z.infer<typeof Hpa>;

/** The last lines of one container's log, as the adapter sampled them (bounded; never streamed). */
export const PodLog = z.object({
  namespace: z.string(),
  pod: z.string(),
  container: z.string(),
  /** The previous (crashed) instance of a restarted container. */
  previous: z.boolean(),
  lines: z.array(z.string()),
});
export type PodLog = z.infer<typeof PodLog>;

/** A resource type the snapshot could not read (403, timeout), a blind spot of the RCA. */
export const SnapshotError = z.object({
  resource: ResourceType,
  status: z.number().int().optional(),
  message: z.string(),
});
export type SnapshotError = z.infer<typeof SnapshotError>;

/** The Kubernetes state the RCA reads: the objects of each resource type, and which types were present or unreadable. */
export const Snapshot = z.object({
  pods: z.array(Pod),
  services: z.array(Service),
  endpoints: z.array(EndpointSet),
  events: z.array(K8sEvent),
  nodes: z.array(Node),
  ingresses: z.array(Ingress),
  deployments: z.array(Deployment),
  replicasets: z.array(ReplicaSet),
  hpas: z.array(Hpa),
  podLogs: z.array(PodLog),
  /** Resource types seen in the input (an empty list counts: it proves there were none). */
  present: z.array(ResourceType),
  /** Resource types the snapshot could not read (403, timeout), from the adapter's error document. */
  unreadable: z.array(SnapshotError),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** Kind written by the k8s adapter into the snapshot to carry per-resource read errors. */
export const SNAPSHOT_ERRORS_KIND = "EdgeproofSnapshotErrors";

/** Kind of the adapter's document of pod-log samples: `{kind, logs: [{namespace, pod, container, previous, text}]}`. */
export const POD_LOGS_KIND = "EdgeproofPodLogs";
/** The `logs` of a {@link POD_LOGS_KIND} document: each container's sampled log text. */
export const PodLogSamples = z.array(
  z.object({ namespace: z.string(), pod: z.string(), container: z.string(), previous: z.boolean(), text: z.string() }),
);
export type PodLogSamples = z.infer<typeof PodLogSamples>;
