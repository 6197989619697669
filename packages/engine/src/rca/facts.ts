import { timed, type TimedEvidence } from "./evidence.js";
import type { RcaInput } from "./rca-input.js";
import { matchesSelector, type Scope } from "./scope.js";
import type { ContainerStatus, K8sEvent, Pod } from "./snapshot.js";

/** Small readings of pods, events and the spike that several causes share. */

export const status = (input: RcaInput, code: number) => input.statusCounts[String(code)] ?? 0;
export const fiveXx = (input: RcaInput) =>
  Object.entries(input.statusCounts).reduce((n, [k, v]) => (/^5\d\d$/.test(k) ? n + v : n), 0);

/** Waiting reasons that explain a pod's Ready=False on their own (each is another cause's business). */
export const IMAGE_WAITING = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName"]);
export const CONFIG_WAITING = new Set(["CreateContainerConfigError", "CreateContainerError"]);
export const WAITING_EXPLAINED = new Set(["CrashLoopBackOff", ...IMAGE_WAITING, ...CONFIG_WAITING]);

export const readyCondition = (p: Pod) => p.conditions.find((c) => c.type === "Ready");
export const isReady = (p: Pod) => readyCondition(p)?.status === "True";
export const podEvents = (scope: Scope, pod: Pod) =>
  scope.events.filter((e) => e.involved.kind === "Pod" && e.involved.name === pod.name);
export const times = (e: K8sEvent) => (e.count > 1 ? ` (x${e.count})` : "");
export const quote = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
export const target = (scope: Scope | undefined, input: RcaInput) =>
  scope ? `${scope.ref.namespace}/${scope.ref.name}` : (input.upstream ?? "the upstream");
export const iso = (ms: number) => new Date(ms).toISOString();
export const windowIso = (input: RcaInput) => ({ from: iso(input.windowStartMs), to: iso(input.windowEndMs) });

export function eventEvidence(e: K8sEvent): TimedEvidence {
  return timed(
    {
      kind: "Event",
      namespace: e.involved.namespace,
      name: `${e.involved.kind}/${e.involved.name}`,
      field: `event ${e.reason}`,
      value: `${quote(e.message)}${times(e)}`,
      // The start is what proves overlap with the spike; the count says how long it went on.
      time: e.first ?? e.last,
    },
    { from: e.first, to: e.last },
  );
}

/** A waiting container, as evidence from the pod's creation on (the state has no time). */
export function waitingEvidence(pod: Pod, c: ContainerStatus): TimedEvidence {
  const w = c.state.waiting!;
  return timed(
    { kind: "Pod", namespace: pod.namespace, name: pod.name, field: `status.containerStatuses[${c.name}].state.waiting.reason`, value: `${w.reason}${w.message ? ` (${quote(w.message, 70)})` : ""}`, time: pod.createdAt },
    { from: pod.createdAt, ongoing: true },
  );
}

export function nodeUnhealthy(scope: Scope, nodeName: string | undefined): boolean {
  if (!nodeName) return false;
  const node = scope.nodes.find((n) => n.name === nodeName);
  const ready = node?.conditions.find((c) => c.type === "Ready");
  const lostByEvents = scope.events.some(
    (e) => e.reason === "NodeNotReady" && e.involved.kind === "Pod" && scope.pods.some((p) => p.name === e.involved.name && p.nodeName === nodeName),
  );
  return (ready !== undefined && ready.status !== "True") || lostByEvents;
}

export const readyAddresses = (scope: Scope) => new Set(scope.endpoints.flatMap((e) => e.addresses.filter((a) => a.ready).map((a) => a.ip)));

export function lastTermination(c: ContainerStatus) {
  const t = c.lastState.terminated ?? c.state.terminated;
  return t ? `${t.reason ?? "terminated"}${t.exitCode !== undefined ? ` exit ${t.exitCode}` : ""}` : "unknown";
}

/** The Deployment a pod belongs to, through its controlling ReplicaSet (or, without ReplicaSets, the selector). */
export function deploymentOf(scope: Scope, pod: Pod): string | undefined {
  if (pod.owner?.kind === "ReplicaSet") {
    const rs = scope.replicasets.find((r) => r.name === pod.owner!.name);
    if (rs?.owner?.kind === "Deployment") return rs.owner.name;
  }
  return scope.deployments.find((x) => matchesSelector(pod.labels, x.matchLabels))?.name;
}

/**
 * Whether `pods` (not starting, not scheduled…) are all the Service had: the other selected pods that are ready
 * still serve, so the cause is then high only when nothing is left and clients saw 5xx.
 */
export function leftServing(scope: Scope, pods: string[], input: RcaInput) {
  const servingLeft = scope.pods.filter((p) => !pods.includes(p.name) && isReady(p)).length;
  const noneReady = readyAddresses(scope).size === 0 && servingLeft === 0;
  return {
    servingLeft,
    noneReady,
    counter: servingLeft > 0 ? [`${servingLeft} other selected pod(s) are ready and still serving`] : [],
    grade: (o: boolean): "high" | "medium" | "low" => (o && noneReady && fiveXx(input) > 0 ? "high" : o ? "medium" : "low"),
  };
}
