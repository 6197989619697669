import type { Found, Link, RuleContext } from "./cause.js";
import { deploymentOf, isReady } from "./facts.js";
import { selectorText } from "./scope.js";

/**
 * The ties a link can rest on: the same pod, a pod and the Deployment that owns it (through its ReplicaSet),
 * pods and the Service that selects them. Each returns the evidence in words, or undefined when it does not hold.
 */

const names = (pods: string[], max = 3) => `${pods.slice(0, max).join(", ")}${pods.length > max ? ` and ${pods.length - max} more` : ""}`;

/** `from` and `to` are about the same pod(s). */
export function samePods(from: Found, to: Found, ctx: RuleContext): string[] | undefined {
  const shared = from.draft.pods.filter((p) => to.draft.pods.includes(p));
  if (shared.length === 0) return undefined;
  return [`same pod(s) ${ctx.scope!.ref.namespace}/${names(shared)}`];
}

/**
 * `from`'s pods are pods the Service selects and they are what keeps its endpoints empty: at least one is
 * not ready now, or they are every pod it selects (restarts that all fell in the spike).
 */
export function selectedByService(from: Found, _to: Found, ctx: RuleContext): string[] | undefined {
  const scope = ctx.scope!;
  const selected = scope.pods.map((p) => p.name);
  const mine = from.draft.pods.filter((p) => selected.includes(p));
  const notReady = scope.pods.filter((p) => mine.includes(p.name) && !isReady(p));
  if (mine.length === 0 || (notReady.length === 0 && mine.length < selected.length)) return undefined;
  const sel = scope.service?.selector ? ` (${selectorText(scope.service.selector)})` : "";
  const ready = scope.pods.filter(isReady).length;
  return [`pod(s) ${names(mine)} are ${mine.length} of the ${selected.length} pod(s) Service ${scope.ref.namespace}/${scope.ref.name} selects${sel}; ${ready} ready`];
}

/** `from`'s pods belong to a Deployment `to` is about, through their ReplicaSet. */
export function ownedByRollout(from: Found, to: Found, ctx: RuleContext): string[] | undefined {
  const scope = ctx.scope!;
  const rollouts = to.draft.deployments ?? [];
  const out: string[] = [];
  for (const name of from.draft.pods) {
    const pod = scope.pods.find((p) => p.name === name);
    const deploy = pod && deploymentOf(scope, pod);
    if (!pod || !deploy || !rollouts.includes(deploy)) continue;
    const rs = pod.owner?.kind === "ReplicaSet" ? scope.replicasets.find((r) => r.name === pod.owner!.name) : undefined;
    out.push(`pod ${name} ← ${rs ? `ReplicaSet ${rs.name}${rs.revision !== undefined ? ` (revision ${rs.revision})` : ""} ← ` : ""}Deployment ${deploy}`);
  }
  return out.length ? out.slice(0, 3) : undefined;
}

export const to = (cause: Link["to"], tie: Link["tie"]): Link => ({ to: cause, tie });

/** The usual links of a pod-level cause: its pods are the Service's, and they may hold up a rollout. */
export const podLevelLinks: Link[] = [to("rollout-stuck", ownedByRollout), to("zero-ready-endpoints", selectedByService)];
