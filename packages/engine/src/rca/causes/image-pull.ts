import { parts, type Cause, type Draft, type RuleContext } from "../cause.js";
import { hms, isoMs } from "../evidence.js";
import { IMAGE_WAITING, deploymentOf, eventEvidence, leftServing, podEvents, waitingEvidence } from "../facts.js";
import { podLevelLinks } from "../links.js";

/** Pods that cannot pull their image (ErrImagePull → ImagePullBackOff) never start, so never become ready. */
function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const { evidence, recommendations: recs, pods } = parts();
  const images = new Set<string>();
  for (const pod of scope.pods) {
    const waiting = pod.containerStatuses.filter((c) => c.state.waiting?.reason && IMAGE_WAITING.has(c.state.waiting.reason));
    const events = podEvents(scope, pod).filter(
      (e) => (e.reason === "Failed" && /ErrImagePull|ImagePullBackOff|Failed to pull image/.test(e.message)) || (e.reason === "BackOff" && /^Back-off pulling image/.test(e.message)),
    );
    if (waiting.length === 0 && events.length === 0) continue;
    pods.push(pod.name);
    for (const c of waiting) evidence.push(waitingEvidence(pod, c));
    for (const e of events) evidence.push(eventEvidence(e));
    const image = waiting[0]?.image ?? pod.containers[0]?.image ?? "?";
    images.add(image);
    const deploy = deploymentOf(scope, pod);
    const first = events[0]?.first ?? pod.createdAt;
    recs.push(
      `\`kubectl -n ${pod.namespace} describe pod ${pod.name}\` — image \`${image}\` cannot be pulled (ErrImagePull → ImagePullBackOff${first ? ` since ${hms(isoMs(first)!)}` : ""}); fix the tag or imagePullSecrets${deploy ? `, or \`kubectl -n ${pod.namespace} rollout undo deployment/${deploy}\`` : ""}`,
    );
  }
  if (evidence.length === 0) return undefined;
  const left = leftServing(scope, pods, input);
  return {
    summary: `${pods.length} pod(s) behind ${scope.ref.namespace}/${scope.ref.name} cannot pull their image${left.noneReady ? " and nothing else serves" : ""}`,
    label: `ImagePullBackOff (${[...images].sort().join(", ")})`,
    evidence,
    counterEvidence: left.counter,
    recommendations: recs,
    pods,
    grade: left.grade,
  };
}

export const imagePull: Cause = { id: "image-pull", reads: ["pods", "events"], detect, leadsTo: podLevelLinks };
