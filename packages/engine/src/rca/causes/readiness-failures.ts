import { parts, type Cause, type Draft, type RuleContext } from "../cause.js";
import { hms, isoMs, timed } from "../evidence.js";
import { WAITING_EXPLAINED, eventEvidence, nodeUnhealthy, podEvents, quote, readyCondition, status, times } from "../facts.js";
import { podLevelLinks } from "../links.js";

/** Running pods whose readiness probe fails: taken out of the endpoints, without a crash or a lost node to explain it. */
function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const { evidence, recommendations: recs, pods } = parts();
  let probeEvents = false;
  for (const pod of scope.pods) {
    // Not-ready pods whose containers wait on a crash, an image or their config, pods not yet scheduled and
    // pods of a lost node are the other causes' business.
    if (pod.containerStatuses.some((c) => c.state.waiting?.reason && WAITING_EXPLAINED.has(c.state.waiting.reason))) continue;
    if (pod.phase === "Pending" && !pod.nodeName) continue;
    if (nodeUnhealthy(scope, pod.nodeName)) continue;
    const cond = readyCondition(pod);
    const unhealthy = podEvents(scope, pod).filter((e) => e.reason === "Unhealthy" && /^Readiness probe/.test(e.message));
    if (cond?.status !== "False" && unhealthy.length === 0) continue;
    if (cond?.status === "False") {
      evidence.push(
        timed(
          { kind: "Pod", namespace: pod.namespace, name: pod.name, field: "status.conditions[Ready].status", value: `False${cond.reason ? ` (${cond.reason})` : ""}`, time: cond.lastTransitionTime },
          { from: cond.lastTransitionTime, ongoing: true },
        ),
      );
    }
    for (const e of unhealthy) evidence.push(eventEvidence(e));
    probeEvents ||= unhealthy.length > 0;
    pods.push(pod.name);
    const first = unhealthy[0];
    recs.push(
      `\`kubectl -n ${pod.namespace} describe pod ${pod.name}\` — ${first ? `readiness probe failing${times(first)} since ${hms(isoMs(first.first)!)} ("${quote(first.message, 70)}")` : `Ready=False since ${cond?.lastTransitionTime ? hms(isoMs(cond.lastTransitionTime)!) : "an unknown time"}`}; check the probe path/port/timeout and the dependencies the app checks`,
    );
  }
  if (evidence.length === 0) return undefined;
  const hit = status(input, 502) + status(input, 503) > 0;
  return {
    summary: `readiness failing on ${pods.length} of ${scope.pods.length} selected pod(s)`,
    label: `readiness failing (${pods.length}/${scope.pods.length} pods)`,
    evidence,
    counterEvidence: hit ? [] : ["no 502/503 in the window: not-ready pods are taken out of rotation without errors"],
    recommendations: recs,
    pods,
    grade: (o) => (o && probeEvents && hit ? "high" : o ? "medium" : "low"),
  };
}

export const readinessFailures: Cause = { id: "readiness-failures", reads: ["pods", "events"], detect, leadsTo: podLevelLinks, logs: true };
