import { parts, type Cause, type Draft, type RuleContext } from "../cause.js";
import { timed } from "../evidence.js";
import { eventEvidence, leftServing, podEvents, quote } from "../facts.js";
import { podLevelLinks } from "../links.js";

/** What to do for each kind of scheduler refusal; the scheduler's own message is quoted beside it. */
const ADVICE: Array<[RegExp, string]> = [
  [/Insufficient (\S+?)[,.]/, "lower the pods' requests or add node capacity (cluster autoscaler, a bigger node pool)"],
  [/untolerated taint/, "add the toleration to the pod template or remove the taint from the nodes"],
  [/unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found/, "check the PersistentVolumeClaim (`kubectl get pvc`): its StorageClass or provisioner does not bind it"],
  [/node affinity\/selector|node\(s\) didn't match/, "fix the pod template's nodeSelector/affinity or label a node to match"],
];

/** The part of the scheduler's message before the preemption postscript. */
const gist = (m: string) => m.replace(/\s*preemption:.*$/s, "");

function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const { evidence, recommendations: recs, pods } = parts();
  const messages = new Set<string>();
  for (const pod of scope.pods) {
    if (pod.phase !== "Pending" || pod.nodeName) continue;
    const cond = pod.conditions.find((c) => c.type === "PodScheduled" && c.status === "False");
    const events = podEvents(scope, pod).filter((e) => e.reason === "FailedScheduling");
    if (!cond && events.length === 0) continue;
    pods.push(pod.name);
    if (cond) {
      evidence.push(
        timed(
          { kind: "Pod", namespace: pod.namespace, name: pod.name, field: "status.conditions[PodScheduled].status", value: `False (${cond.reason ?? ""}${cond.message ? `: ${quote(cond.message, 140)}` : ""})`, time: cond.lastTransitionTime },
          { from: cond.lastTransitionTime ?? pod.createdAt, ongoing: true },
        ),
      );
    }
    for (const e of events) evidence.push(eventEvidence(e));
    const message = events[events.length - 1]?.message ?? cond?.message ?? "";
    if (message) messages.add(gist(message));
    const advice = ADVICE.find(([re]) => re.test(message))?.[1] ?? "read the scheduler's reason in the pod's events";
    recs.push(`\`kubectl -n ${pod.namespace} describe pod ${pod.name}\` — not scheduled: "${quote(gist(message), 120)}"; ${advice}`);
  }
  if (pods.length === 0) return undefined;
  const left = leftServing(scope, pods, input);
  const first = [...messages].sort()[0] ?? "";
  return {
    summary: `${pods.length} pod(s) behind ${scope.ref.namespace}/${scope.ref.name} cannot be scheduled: ${quote(first, 120)}`,
    label: `Pending: FailedScheduling (${quote(first, 70)})`,
    evidence,
    counterEvidence: left.counter,
    recommendations: recs,
    pods,
    grade: left.grade,
  };
}

export const podsPending: Cause = { id: "pods-pending", reads: ["pods", "events"], detect, leadsTo: podLevelLinks };
