import { parts, type Cause, type Draft, type RuleContext } from "../cause.js";
import { CONFIG_WAITING, eventEvidence, leftServing, podEvents, waitingEvidence } from "../facts.js";
import { podLevelLinks } from "../links.js";

/** The kubelet's words for a missing ConfigMap or Secret (or a key in one), as it sets them on the waiting state. */
const MISSING: RegExp[] = [/\b(configmaps?|secrets?) "([^"]+)" not found/i, /couldn't find key (\S+) in (ConfigMap|Secret) ([^\s/]+)\/(\S+)/];

function missingObject(message: string): string | undefined {
  const a = MISSING[0].exec(message);
  if (a) return `${a[1].replace(/s$/, "").toLowerCase()} "${a[2]}" not found`;
  const b = MISSING[1].exec(message);
  if (b) return `key ${b[1]} missing in ${b[2]} ${b[3]}/${b[4]}`;
  return undefined;
}

function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const { evidence, recommendations: recs, pods } = parts();
  const missing = new Set<string>();
  const reasons = new Set<string>();
  for (const pod of scope.pods) {
    const waiting = pod.containerStatuses.filter((c) => c.state.waiting?.reason && CONFIG_WAITING.has(c.state.waiting.reason));
    if (waiting.length === 0) continue;
    pods.push(pod.name);
    for (const c of waiting) {
      evidence.push(waitingEvidence(pod, c));
      reasons.add(c.state.waiting!.reason!);
    }
    const events = podEvents(scope, pod).filter((e) => e.reason === "Failed" && (missingObject(e.message) !== undefined || /CreateContainer(Config)?Error/.test(e.message)));
    for (const e of events) evidence.push(eventEvidence(e));
    const text = [...waiting.map((c) => c.state.waiting!.message ?? ""), ...events.map((e) => e.message)];
    const what = text.map(missingObject).find((x) => x !== undefined);
    if (what) missing.add(what);
    const c = waiting[0];
    recs.push(
      `\`kubectl -n ${pod.namespace} describe pod ${pod.name}\` — container \`${c.name}\` cannot be created (${c.state.waiting!.reason}${what ? `: ${what}` : ""}); ${what ? `create it in ${pod.namespace} or fix the reference in the pod template (env valueFrom / envFrom / volumes)` : "read the message above for the setting it rejects"}`,
    );
  }
  if (pods.length === 0) return undefined;
  const left = leftServing(scope, pods, input);
  const what = [...missing].sort();
  return {
    summary: `${pods.length} pod(s) behind ${scope.ref.namespace}/${scope.ref.name} cannot start their container: ${what.length ? what.join(", ") : [...reasons].sort().join(", ")}`,
    label: `${[...reasons].sort().join(", ")}${what.length ? ` (${what.join(", ")})` : ""}`,
    evidence,
    counterEvidence: left.counter,
    recommendations: recs,
    pods,
    grade: left.grade,
  };
}

export const configError: Cause = { id: "config-error", reads: ["pods", "events"], detect, leadsTo: podLevelLinks };
