import type { Cause, Draft, Found, RuleContext } from "../cause.js";
import { timed, type TimedEvidence } from "../evidence.js";
import { fiveXx, readyAddresses } from "../facts.js";
import { to } from "../links.js";
import { matchesSelector, selectorText } from "../scope.js";
import type { Pod } from "../snapshot.js";

const NEAREST = 3;

/**
 * Pods of the namespace ranked by how much of the selector they share: whole labels, then label keys, then
 * values under another key (`app=web` against `app.kubernetes.io/name=web`): what a relabel left behind.
 */
function nearest(pods: Pod[], selector: Record<string, string>): Pod[] {
  const wanted = Object.entries(selector);
  const pairs = (p: Pod) => wanted.filter(([k, v]) => p.labels[k] === v).length;
  const keys = (p: Pod) => wanted.filter(([k]) => k in p.labels).length;
  const values = (p: Pod) => wanted.filter(([, v]) => Object.values(p.labels).includes(v)).length;
  return [...pods]
    .filter((p) => keys(p) + values(p) > 0)
    .sort((a, b) => pairs(b) - pairs(a) || keys(b) - keys(a) || values(b) - values(a) || (a.name < b.name ? -1 : 1))
    .slice(0, NEAREST);
}

function detect(ctx: RuleContext): Draft | undefined {
  const { scope, snapshot, input } = ctx;
  const selector = scope?.service?.selector;
  // Without pods in the snapshot "no pod matches" would only mean "no pod was read".
  if (!scope || !selector || !snapshot.present.includes("pods")) return undefined;
  const ns = scope.ref.namespace;
  const inNs = snapshot.pods.filter((p) => p.namespace === ns);
  if (inNs.some((p) => matchesSelector(p.labels, selector))) return undefined;
  const sel = selectorText(selector);
  const svc = `${ns}/${scope.ref.name}`;
  const evidence: TimedEvidence[] = [timed({ kind: "Service", namespace: ns, name: scope.ref.name, field: "spec.selector", value: sel }, {})];
  const near = nearest(inNs, selector);
  for (const p of near) {
    const differs = Object.entries(selector).filter(([k, v]) => p.labels[k] !== v).map(([k]) => k);
    evidence.push(timed({ kind: "Pod", namespace: ns, name: p.name, field: "metadata.labels", value: `${selectorText(p.labels)} (selector wants ${differs.map((k) => `${k}=${selector[k]}`).join(",")})` }, {}));
  }
  for (const set of scope.endpoints) {
    evidence.push(
      timed(
        { kind: set.source, namespace: set.namespace, name: set.name, field: "addresses", value: `${set.addresses.length} (last change ${set.lastChange ?? "unknown"})`, time: set.lastChange },
        { from: set.lastChange, ongoing: true },
      ),
    );
  }
  const fix = near.length
    ? `the nearest pods carry ${[...new Set(near.map((p) => selectorText(p.labels)))].join(" / ")}`
    : `no pod in ${ns} shares a label key or value with it`;
  return {
    summary: `Service ${svc} selects ${sel} and no pod in ${ns} matches (${inNs.length} pod(s) in the namespace)`,
    label: `selector ${sel} matches no pod`,
    evidence,
    counterEvidence: near.length === 0 && inNs.length === 0 ? [`namespace ${ns} has no pod at all in the snapshot: the workload may be scaled to zero or deleted`] : [],
    recommendations: [`\`kubectl -n ${ns} get pods --show-labels\` — Service ${svc} selects ${sel}; ${fix}: fix the Service selector or the pod template labels so they agree`],
    pods: [],
    grade: (o) => (o && fiveXx(input) > 0 ? "high" : o ? "medium" : "low"),
  };
}

/** Nothing selected means nothing in the Service's endpoints. */
function emptiesEndpoints(_from: Found, _to: Found, ctx: RuleContext): string[] | undefined {
  const scope = ctx.scope!;
  if (readyAddresses(scope).size > 0) return undefined;
  return [`Service ${scope.ref.namespace}/${scope.ref.name} selects ${selectorText(scope.service!.selector!)} and no pod matches, so its endpoints list no ready address`];
}

export const noPodsSelected: Cause = { id: "no-pods-selected", reads: ["pods", "services"], detect, leadsTo: [to("zero-ready-endpoints", emptiesEndpoints)] };
