import type { Cause, Draft, Found, RuleContext } from "../cause.js";
import { timed } from "../evidence.js";
import { to } from "../links.js";
import type { DemandSurge } from "../rca-input.js";

/**
 * A surge of requests on the spike's host or upstream (a volumetric incident that overlapped it): the demand
 * the pods fell over under. It ranks above what it leads to, so the chain reads `demand surge from
 * 203.0.113.0/24 … (17× the baseline) → OOMKilled → CrashLoopBackOff → 503` instead of blaming pods that only
 * did what any pod does at 17 times its load.
 */

function prefixes(s: DemandSurge): string {
  const shown = s.prefixes.slice(0, 3).map((p) => p.prefix);
  return `${shown.join(", ")}${s.prefixes.length > 3 ? ` and ${s.prefixes.length - 3} more` : ""}`;
}

function factor(s: DemandSurge): string {
  return s.baselineMedian > 0 ? `${(s.peak / s.baselineMedian).toFixed(1)}× the baseline` : `${s.peak} requests per ${s.windowS}s from a quiet baseline`;
}

/** The surge as the cause's summary, chain label and evidence (also what an RCA without a snapshot shows). */
export function describeSurge(s: DemandSurge): { summary: string; label: string; evidence: Draft["evidence"][number] } {
  const kind = s.verdict === "attack-like" ? "flood" : "organic surge";
  return {
    summary: `demand surge from ${prefixes(s)} (${kind}, incident ${s.incident}): ${s.peak} requests per ${s.windowS}s at its peak, ${factor(s)}; the top prefixes sent ${(s.topPrefixShare * 100).toFixed(1)}% of it`,
    label: `demand surge from ${prefixes(s)} (${factor(s)})`,
    evidence: timed(
      { kind: "access-log", name: s.key, field: "requests per window", value: `peak ${s.peak} against a baseline median ${s.baselineMedian} (${kind}, volumetric incident ${s.incident})`, time: new Date(s.startMs).toISOString() },
      { from: new Date(s.startMs).toISOString() },
    ),
  };
}

function detect(ctx: RuleContext): Draft | undefined {
  const surges = ctx.input.demandSurges ?? [];
  if (!surges.length) return undefined;
  const s = [...surges].sort((a, b) => b.peak - a.peak || a.startMs - b.startMs)[0];
  const d = describeSurge(s);
  return {
    summary: d.summary,
    label: d.label,
    evidence: surges.map((x) => describeSurge(x).evidence),
    recommendations: [
      s.verdict === "attack-like"
        ? `the volumetric incident ${s.incident} lists the deny list and rate limits to apply at the ingress; scale the upstream to ride out what gets through`
        : `scale the upstream for the surge (${factor(s)}); its volumetric notice ${s.incident} found no attack signals`,
    ],
    pods: [],
    grade: (overlapping) => (overlapping ? "high" : "medium"),
  };
}

/** The surge started before what fell over under it, and they share the host or upstream (see IncidentLog.surgesDuring). */
function underLoad(from: Found): string[] | undefined {
  return [`${from.draft.label}: the same host or upstream, overlapping the spike`];
}

export const demandSurge: Cause = {
  id: "demand-surge",
  reads: [],
  detect,
  leadsTo: ["oom-killed", "crashloop", "readiness-failures", "zero-ready-endpoints", "upstream-latency", "upstream-timeout", "pods-pending"].map((c) => to(c as Cause["id"], underLoad)),
};

