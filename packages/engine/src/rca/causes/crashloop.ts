import { parts, type Cause, type Draft, type RuleContext } from "../cause.js";
import { hms, isoMs, timed } from "../evidence.js";
import { eventEvidence, iso, lastTermination, podEvents, status } from "../facts.js";
import { podLevelLinks } from "../links.js";

/** Containers in CrashLoopBackOff (or kubelet BackOff restarting them): refused connections, then no endpoints. */
function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const { evidence, recommendations: recs, pods } = parts();
  const ips: string[] = [];
  let restarts = 0;
  for (const pod of scope.pods) {
    const looping = pod.containerStatuses.filter((c) => c.state.waiting?.reason === "CrashLoopBackOff");
    const backoff = podEvents(scope, pod).filter((e) => e.reason === "BackOff" && /restarting failed container/.test(e.message));
    if (looping.length === 0 && backoff.length === 0) continue;
    pods.push(pod.name);
    for (const c of looping) {
      restarts = Math.max(restarts, c.restartCount);
      const t = c.lastState.terminated;
      evidence.push(
        timed(
          { kind: "Pod", namespace: pod.namespace, name: pod.name, field: `status.containerStatuses[${c.name}].state.waiting.reason`, value: `CrashLoopBackOff (restartCount ${c.restartCount})`, time: t?.finishedAt },
          { from: t?.finishedAt, ongoing: true },
        ),
      );
      if (t) {
        evidence.push(
          timed(
            { kind: "Pod", namespace: pod.namespace, name: pod.name, field: `status.containerStatuses[${c.name}].lastState.terminated.reason`, value: lastTermination(c), time: t.finishedAt },
            { from: t.startedAt ?? t.finishedAt, to: t.finishedAt },
          ),
        );
      }
      const hint = t?.reason === "Completed" ? "the process exits cleanly but restartPolicy Always restarts it: it must keep running" : t?.reason === "OOMKilled" ? "it is killed for memory (see oom-killed)" : "fix the startup failure shown in the previous logs";
      recs.push(`\`kubectl -n ${pod.namespace} logs ${pod.name} -c ${c.name} --previous\` — container \`${c.name}\` crash-looping, ${c.restartCount} restarts, last ${lastTermination(c)}${t?.finishedAt ? ` at ${hms(isoMs(t.finishedAt)!)}` : ""}; ${hint}`);
    }
    for (const e of backoff) evidence.push(eventEvidence(e));
    if (pod.podIP) ips.push(pod.podIP);
  }
  if (evidence.length === 0) return undefined;
  const hitAddrs = input.upstreamAddrs.filter((a) => ips.includes(a.replace(/:\d+$/, "")));
  if (hitAddrs.length > 0) {
    evidence.push(
      timed(
        { kind: "access-log", name: input.upstream ?? `${scope.ref.namespace}/${scope.ref.name}`, field: "upstream_addr", value: `requests went to crash-looping pod IP(s) ${hitAddrs.join(", ")}`, time: iso(input.windowStartMs) },
        { from: iso(input.windowStartMs), to: iso(input.windowEndMs) },
      ),
    );
  }
  const hit = status(input, 502) + status(input, 503) > 0;
  return {
    summary: `container(s) in CrashLoopBackOff behind ${scope.ref.namespace}/${scope.ref.name}`,
    label: restarts > 0 ? `CrashLoopBackOff (${restarts} restarts)` : "CrashLoopBackOff",
    evidence,
    counterEvidence: hit ? [] : ["no 502/503 in the window (a crashing upstream refuses connections → 502)"],
    recommendations: recs,
    pods,
    grade: (o) => (o && hit ? "high" : o ? "medium" : "low"),
  };
}

export const crashloop: Cause = { id: "crashloop", reads: ["pods", "events"], detect, leadsTo: podLevelLinks, logs: true };
