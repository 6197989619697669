import type { Rca } from "../incident/incident.js";
import type { RuleContext } from "./cause.js";
import { CAUSES } from "./causes/index.js";
import { clientSymptom, rankChains } from "./chain.js";
import type { Window } from "./evidence.js";
import { findAll } from "./findings.js";
import { RcaInput, RcaOptions } from "./rca-input.js";
import { scopeOf } from "./scope.js";
import { ResourceType, type Snapshot } from "./snapshot.js";
import { hostsOfUpstream } from "./upstream-hosts.js";
import { mapUpstream, type UpstreamMapping } from "./upstream-map.js";

/** Read for context or extra evidence: their absence hides no cause, though a failure to read them is said. */
const CONTEXT_ONLY = new Set<ResourceType>(["horizontalpodautoscalers", "podlogs"]);

function blindSpots(snapshot: Snapshot): string[] {
  const missing = (t: ResourceType) => !snapshot.present.includes(t) || snapshot.unreadable.some((u) => u.resource === t);
  return ResourceType.options.flatMap((type) => {
    const err = snapshot.unreadable.find((u) => u.resource === type);
    if (CONTEXT_ONLY.has(type) && !err) return [];
    const why = err ? `could not be read${err.status ? ` (${err.status})` : ""}: ${err.message}` : snapshot.present.includes(type) ? undefined : "not in the snapshot";
    if (!why) return [];
    const affected = CAUSES.filter((c) => c.reads.includes(type));
    const blind = (c: (typeof CAUSES)[number]) => (c.requires !== undefined && missing(c.requires)) || c.reads.every(missing);
    const unchecked = affected.filter(blind).map((c) => c.id);
    const partly = affected.filter((c) => !blind(c)).map((c) => c.id);
    const effect = [unchecked.length ? `not checked: ${unchecked.join(", ")}` : "", partly.length ? `checked without it: ${partly.join(", ")}` : ""].filter(Boolean);
    return [`${type}: ${why}${effect.length ? ` (${effect.join("; ")})` : ""}`];
  });
}

/** The proxy that wrote the lines, from how it names upstreams (for the chain's last step). */
function proxyOf(upstream: string | undefined, mapping: UpstreamMapping): string {
  if (!upstream) return "the proxy";
  // Istio `outbound|80||svc.ns.svc…`, Contour `ns/svc/port[/hash]` (HAProxy's `backend/server` has two parts).
  if (/^(outbound|inbound)\|/.test(upstream) || upstream.split("/").length >= 3) return "Envoy";
  if (/@[a-z-]+$/.test(upstream)) return "Traefik";
  return mapping.via === "upstream-name" ? "ingress-nginx" : "the proxy";
}

/** ingress-nginx logs no Host: when the upstream is routed from several hosts, say so instead of picking one. */
function hostNote(snapshot: Snapshot, input: RcaInput): string[] {
  if (!input.upstream || (input.host !== undefined && input.host !== "-")) return [];
  const hosts = hostsOfUpstream(snapshot, input.upstream);
  if (!hosts || hosts.length < 2) return [];
  return [`host: upstream ${input.upstream} is routed from ${hosts.length} hosts (${hosts.join(", ")}); a line that logs no Host is not given one of them (host=-) rather than a guess`];
}

/**
 * Explain one reliability spike against a Kubernetes snapshot. Pure and deterministic: the
 * same snapshot and input give the same causes in the same order.
 */
export function analyzeReliability(snapshot: Snapshot, rawInput: RcaInput, opts?: RcaOptions): Rca {
  const input = RcaInput.parse(rawInput);
  const o = RcaOptions.parse(opts ?? {});
  const w: Window = { lo: input.windowStartMs - o.slackMs, hi: input.windowEndMs, startMs: input.windowStartMs, endMs: input.windowEndMs };
  const mapping = mapUpstream(snapshot, input.upstream, input.host);
  const scope = mapping.service ? scopeOf(snapshot, mapping.service) : undefined;
  const ctx: RuleContext = { scope, snapshot, input, w, t: { proxyReadTimeoutS: o.proxyReadTimeoutS, proxyConnectTimeoutS: o.proxyConnectTimeoutS, latencyP95S: o.latencyP95S } };
  const { causes, chains } = rankChains(findAll(CAUSES, ctx), CAUSES, ctx, clientSymptom(input, proxyOf(input.upstream, mapping)));

  const spots = [...blindSpots(snapshot), ...hostNote(snapshot, input)];
  if (!mapping.service) spots.push(`service mapping: ${mapping.note}`);

  const target = scope ? `${scope.ref.namespace}/${scope.ref.name}` : (input.upstream ?? input.host ?? "the upstream");
  const roots = causes.filter((c) => c.because === undefined);
  const followers = (root: string) => {
    const out: string[] = [];
    for (let cur = root, next = causes.find((c) => c.because === cur); next; cur = next.cause, next = causes.find((c) => c.because === cur)) out.push(next.cause);
    return out;
  };
  const chainHigh = (root: string) => [root, ...followers(root)].some((c) => causes.find((x) => x.cause === c)?.confidence === "high");
  const highRoots = roots.filter((r) => chainHigh(r.cause));
  let summary: string;
  if (highRoots.length > 0) {
    const [root, ...others] = highRoots;
    const leads = followers(root.cause);
    summary = `Likely cause for ${target}: ${root.cause} — ${root.summary}${leads.length ? `; it leads to ${leads.join(" → ")}` : ""}${others.length ? `; also ${others.map((c) => c.cause).join(", ")}` : ""}`;
  } else {
    const checked = scope
      ? `checked ${scope.pods.length} pod(s), ${scope.endpoints.length} endpoint object(s), ${scope.nodes.length} node(s), ${scope.events.length} event(s)`
      : mapping.note;
    const leads = causes.length ? `; weaker leads: ${causes.map((c) => `${c.cause} (${c.confidence})`).join(", ")}` : "";
    summary = `No high-confidence cause found for ${target} (${checked})${leads}`;
  }
  return {
    service: mapping.service ? { namespace: mapping.service.namespace, name: mapping.service.name, port: mapping.service.port } : undefined,
    causes,
    ...(chains.length ? { chains } : {}),
    blindSpots: spots,
    summary,
  };
}
