import { parts, type Cause, type Draft, type RuleContext } from "../cause.js";
import { hms, isoMs, timed } from "../evidence.js";
import { eventEvidence, status } from "../facts.js";
import { podLevelLinks, samePods, to } from "../links.js";
import type { K8sEvent, Snapshot } from "../snapshot.js";

/** A node's OOMKilling event names a process, not a pod: one that another pod's OOMKilled explains is not ours. */
function explainedElsewhere(snapshot: Snapshot, e: K8sEvent, ours: Set<string>): boolean {
  if (e.involved.kind !== "Node") return false;
  const lo = isoMs(e.first ?? e.last);
  const hi = isoMs(e.last ?? e.first);
  if (lo === undefined || hi === undefined) return false;
  return snapshot.pods.some(
    (p) =>
      p.nodeName === e.involved.name &&
      !ours.has(`${p.namespace}/${p.name}`) &&
      p.containerStatuses.some((c) => {
        const t = [c.lastState.terminated, c.state.terminated].find((x) => x?.reason === "OOMKilled");
        const at = isoMs(t?.finishedAt);
        return at !== undefined && at >= lo - 60_000 && at <= hi + 60_000;
      }),
  );
}

function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const { evidence, recommendations: recs, pods } = parts();
  const limits = new Set<string>();
  for (const pod of scope.pods) {
    for (const c of pod.containerStatuses) {
      const t = [c.lastState.terminated, c.state.terminated].find((x) => x?.reason === "OOMKilled");
      if (!t) continue;
      if (!pods.includes(pod.name)) pods.push(pod.name);
      evidence.push(
        timed(
          { kind: "Pod", namespace: pod.namespace, name: pod.name, field: `status.containerStatuses[${c.name}].lastState.terminated.reason`, value: `OOMKilled${t.exitCode !== undefined ? ` exit ${t.exitCode}` : ""} (restartCount ${c.restartCount})`, time: t.finishedAt },
          { from: t.startedAt ?? t.finishedAt, to: t.finishedAt },
        ),
      );
      const limit = pod.containers.find((x) => x.name === c.name)?.memoryLimit;
      if (limit) limits.add(limit);
      const since = pod.createdAt ? ` since ${hms(isoMs(pod.createdAt)!)}` : "";
      recs.push(
        `\`kubectl -n ${pod.namespace} describe pod ${pod.name}\` — container \`${c.name}\` OOMKilled, restarted ${c.restartCount}×${since} (last at ${t.finishedAt ? hms(isoMs(t.finishedAt)!) : "?"}); ${limit ? `raise memory limit above ${limit}` : "set a memory limit that fits the working set"} or find the leak`,
      );
    }
  }
  const nodes = new Set(scope.pods.map((p) => p.nodeName));
  const ours = new Set(scope.pods.map((p) => `${p.namespace}/${p.name}`));
  const oomEvents = scope.events.filter(
    (e) => e.reason === "OOMKilling" && (e.involved.kind !== "Node" || nodes.has(e.involved.name)) && !explainedElsewhere(ctx.snapshot, e, ours),
  );
  for (const e of oomEvents) evidence.push(eventEvidence(e));
  if (evidence.length === 0) return undefined;
  const podLevel = pods.length > 0;
  const hit = status(input, 502) + status(input, 503) + status(input, 504) > 0;
  return {
    summary: podLevel ? `container(s) behind ${scope.ref.namespace}/${scope.ref.name} were OOMKilled` : `the kernel OOM-killed processes on a node hosting the selected pods`,
    label: limits.size ? `OOMKilled (limit ${[...limits].sort().join(", ")})` : "OOMKilled",
    evidence,
    counterEvidence: podLevel ? [] : ["only node-level OOMKilling events: no selected container reports OOMKilled"],
    recommendations: recs.length ? recs : [`\`kubectl describe node ${[...nodes].filter(Boolean).join(" ")}\` — OOMKilling on the node; check which pod's cgroup was hit and its memory limit`],
    pods,
    grade: (o) => (o && podLevel && hit ? "high" : o ? "medium" : "low"),
  };
}

/** A container killed for memory restarts; killed again and again it crash-loops (same pod, same container). */
export const oomKilled: Cause = { id: "oom-killed", reads: ["pods", "events"], detect, leadsTo: [to("crashloop", samePods), ...podLevelLinks], logs: true };
