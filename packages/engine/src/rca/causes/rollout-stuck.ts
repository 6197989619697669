import { parts, type Cause, type Draft, type Found, type RuleContext } from "../cause.js";
import { timed } from "../evidence.js";
import { WAITING_EXPLAINED, eventEvidence, fiveXx, quote } from "../facts.js";
import { to } from "../links.js";
import { matchesSelector, selectorText } from "../scope.js";
import type { Deployment, Pod, ReplicaSet } from "../snapshot.js";

const ROLLOUT_EVENTS = new Set(["FailedCreate", "ProgressDeadlineExceeded", "ReplicaSetCreateError"]);

/** The newest ReplicaSet (highest revision) and the older ones still or formerly serving. */
function revisions(d: Deployment, all: ReplicaSet[]) {
  const mine = all.filter((r) => r.owner?.kind === "Deployment" && r.owner.name === d.name && r.revision !== undefined);
  const newest = mine.reduce<ReplicaSet | undefined>((a, r) => (!a || r.revision! > a.revision! ? r : a), undefined);
  return { newest, older: mine.filter((r) => r !== newest) };
}

/** A pod that will not become available by waiting: its container cannot start, or it cannot be scheduled. */
const heldBack = (p: Pod) =>
  p.containerStatuses.some((c) => c.state.waiting?.reason !== undefined && WAITING_EXPLAINED.has(c.state.waiting.reason)) ||
  (p.phase === "Pending" && p.conditions.some((c) => c.type === "PodScheduled" && c.status === "False"));

function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const { evidence, recommendations: recs, pods } = parts();
  const stuck: Deployment[] = [];
  let shortfall = false;
  let reason = "";
  for (const d of scope.deployments) {
    const progressing = d.conditions.find((c) => c.type === "Progressing");
    const deadline = progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded";
    const failure = d.conditions.find((c) => c.type === "ReplicaFailure" && c.status === "True");
    const { newest, older } = revisions(d, scope.replicasets);
    const desired = d.replicas ?? 1;
    const available = d.availableReplicas ?? 0;
    // A rollout in progress also has an unavailable new ReplicaSet while its pods start. Before the progress
    // deadline it is stuck only when the old ones were scaled down for it and its pods cannot start at all.
    const oldServing = older.reduce((n, r) => n + r.replicas, 0);
    const newPods = newest ? scope.pods.filter((p) => p.owner?.kind === "ReplicaSet" && p.owner.name === newest.name) : [];
    const stalled = newest !== undefined && older.length > 0 && newest.availableReplicas === 0 && oldServing < desired && available < desired && newPods.length > 0 && newPods.every(heldBack);
    if (!deadline && !failure && !stalled) continue;
    stuck.push(d);
    shortfall ||= available < desired;
    reason ||= deadline ? "ProgressDeadlineExceeded" : failure ? `${failure.reason ?? "ReplicaFailure"}` : "new pods cannot start";
    for (const c of [progressing && deadline ? progressing : undefined, failure].filter((x) => x !== undefined)) {
      evidence.push(
        timed(
          { kind: "Deployment", namespace: d.namespace, name: d.name, field: `status.conditions[${c.type}].status`, value: `${c.status} (${c.reason ?? ""}${c.message ? `: ${quote(c.message, 110)}` : ""})`, time: c.lastTransitionTime },
          { from: c.lastTransitionTime, ongoing: true },
        ),
      );
    }
    evidence.push(timed({ kind: "Deployment", namespace: d.namespace, name: d.name, field: "status.availableReplicas", value: `${available} of ${desired}${d.revision !== undefined ? ` (revision ${d.revision})` : ""}` }, {}));
    if (newest) {
      evidence.push(
        timed(
          { kind: "ReplicaSet", namespace: newest.namespace, name: newest.name, field: "status.availableReplicas", value: `${newest.availableReplicas} of ${newest.replicas} (revision ${newest.revision}, new)`, time: newest.createdAt },
          { from: newest.createdAt, ongoing: true },
        ),
      );
      pods.push(...newPods.map((p) => p.name));
    }
    for (const r of older.filter((x) => x.replicas > 0 || x.availableReplicas > 0)) {
      evidence.push(timed({ kind: "ReplicaSet", namespace: r.namespace, name: r.name, field: "spec.replicas", value: `${r.replicas} (revision ${r.revision}, old; ${r.availableReplicas} available)` }, {}));
    }
    for (const h of scope.hpas.filter((x) => x.target?.name === d.name)) {
      const limited = h.conditions.find((c) => c.type === "ScalingLimited" && c.status === "True");
      evidence.push(timed({ kind: "HorizontalPodAutoscaler", namespace: h.namespace, name: h.name, field: "status.currentReplicas", value: `${h.currentReplicas ?? "?"} (min ${h.minReplicas ?? 1}, max ${h.maxReplicas ?? "?"})${limited ? `; ScalingLimited: ${limited.reason ?? ""}` : ""}` }, {}));
    }
    const rsNames = new Set([newest?.name].filter(Boolean));
    for (const e of scope.events.filter((x) => ROLLOUT_EVENTS.has(x.reason) && ((x.involved.kind === "Deployment" && x.involved.name === d.name) || (x.involved.kind === "ReplicaSet" && rsNames.has(x.involved.name))))) {
      evidence.push(eventEvidence(e));
    }
    recs.push(
      `\`kubectl -n ${d.namespace} rollout status deployment/${d.name}\` — ${newest ? `ReplicaSet ${newest.name} (revision ${newest.revision}) has ${newest.availableReplicas} of ${newest.replicas} available` : "the rollout is not progressing"}, ${available} of ${desired} serving${failure?.message ? ` ("${quote(failure.message, 80)}")` : ""}; fix what holds the new pods back, or \`kubectl -n ${d.namespace} rollout undo deployment/${d.name}\``,
    );
  }
  if (stuck.length === 0) return undefined;
  const d0 = stuck[0];
  return {
    summary: `rollout of ${stuck.map((d) => `${d.namespace}/${d.name}`).join(", ")} is stuck (${reason}): ${d0.availableReplicas ?? 0} of ${d0.replicas ?? 1} replicas available`,
    label: `rollout stuck (${reason}, ${d0.availableReplicas ?? 0}/${d0.replicas ?? 1} available)`,
    evidence,
    counterEvidence: shortfall ? [] : ["every desired replica is available: the stuck rollout has not cost capacity"],
    recommendations: recs,
    pods,
    deployments: stuck.map((d) => d.name),
    grade: (o) => (o && shortfall && fiveXx(input) > 0 ? "high" : o ? "medium" : "low"),
  };
}

/** The stuck Deployment's pods are the Service's: fewer of them available is fewer endpoints. */
function servesTheService(from: Found, _to: Found, ctx: RuleContext): string[] | undefined {
  const scope = ctx.scope!;
  const selector = scope.service?.selector;
  const names = from.draft.deployments ?? [];
  const ds = scope.deployments.filter((d) => names.includes(d.name) && (selector ? matchesSelector(d.templateLabels, selector) : false));
  if (ds.length === 0) return undefined;
  return ds.map((d) => `Deployment ${d.name}'s pod template (${selectorText(d.templateLabels)}) is what Service ${scope.ref.namespace}/${scope.ref.name} selects; ${d.availableReplicas ?? 0} of ${d.replicas ?? 1} available`);
}

export const rolloutStuck: Cause = { id: "rollout-stuck", reads: ["deployments", "replicasets"], requires: "deployments", detect, leadsTo: [to("zero-ready-endpoints", servesTheService)], logs: true };
