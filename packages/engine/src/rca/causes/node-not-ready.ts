import { parts, type Cause, type Draft, type RuleContext } from "../cause.js";
import { hms, isoMs, timed } from "../evidence.js";
import { eventEvidence, status } from "../facts.js";
import { selectedByService, to } from "../links.js";

/** A node hosting selected pods went NotReady/unreachable: its pods drop out of the endpoints. */
function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const { evidence, recommendations: recs, pods } = parts();
  const lost: string[] = [];
  for (const node of scope.nodes) {
    const ready = node.conditions.find((c) => c.type === "Ready");
    const taints = node.taints.filter((t) => t.key === "node.kubernetes.io/unreachable" || t.key === "node.kubernetes.io/not-ready");
    if (ready?.status === "True" && taints.length === 0) continue;
    if (!ready && taints.length === 0) continue;
    const hosted = scope.pods.filter((p) => p.nodeName === node.name).map((p) => p.name);
    lost.push(node.name);
    pods.push(...hosted);
    if (ready && ready.status !== "True") {
      evidence.push(
        timed(
          { kind: "Node", name: node.name, field: "status.conditions[Ready].status", value: `${ready.status}${ready.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ""})` : ""}`, time: ready.lastTransitionTime },
          { from: ready.lastTransitionTime, ongoing: true },
        ),
      );
    }
    for (const t of taints) {
      evidence.push(timed({ kind: "Node", name: node.name, field: "spec.taints", value: `${t.key}:${t.effect ?? ""}`, time: t.timeAdded }, { from: t.timeAdded, ongoing: true }));
    }
    recs.push(
      `\`kubectl describe node ${node.name}\` — node ${ready?.status === "Unknown" ? "unreachable" : "NotReady"}${ready?.lastTransitionTime ? ` since ${hms(isoMs(ready.lastTransitionTime)!)}` : ""}, hosting ${hosted.join(", ")}; restore the kubelet or drain the node, and spread replicas across nodes (topologySpreadConstraints, PodDisruptionBudget)`,
    );
  }
  const nodeEvents = scope.events.filter((e) => e.reason === "NodeNotReady");
  for (const e of nodeEvents) {
    evidence.push(eventEvidence(e));
    if (e.involved.kind === "Pod" && !pods.includes(e.involved.name)) pods.push(e.involved.name);
  }
  if (evidence.length === 0) return undefined;
  if (recs.length === 0) recs.push(`\`kubectl get nodes -o wide\` — pods behind ${scope.ref.namespace}/${scope.ref.name} got NodeNotReady events; the snapshot has no Node object to confirm`);
  const hit = status(input, 502) + status(input, 503) + status(input, 504) > 0;
  return {
    summary: `node(s) hosting pods of ${scope.ref.namespace}/${scope.ref.name} are not ready`,
    label: lost.length ? `node ${lost.join(", ")} NotReady` : "NodeNotReady",
    evidence,
    recommendations: recs,
    pods,
    grade: (o) => (o && hit ? "high" : o ? "medium" : "low"),
  };
}

export const nodeNotReady: Cause = { id: "node-not-ready", reads: ["nodes", "events"], detect, leadsTo: [to("zero-ready-endpoints", selectedByService)] };
