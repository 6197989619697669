import type { Cause, Draft, RuleContext } from "../cause.js";
import { hms, timed } from "../evidence.js";
import { fiveXx, status, target, windowIso } from "../facts.js";
import { timeoutShape } from "./upstream-timeout.js";

/** Errors together with a slow upstream (p95 at or above the latency threshold): a lead, not a proof. */
function detect(ctx: RuleContext): Draft | undefined {
  const { input, scope, t } = ctx;
  if (fiveXx(input) === 0 || input.upstreamResponseTimes.p95 < t.latencyP95S) return undefined;
  if (status(input, 504) > 0 && timeoutShape(ctx).readHit) return undefined; // upstream-timeout owns this
  const tgt = target(scope, input);
  const upstream5xx = Object.entries(input.upstreamStatusCounts).reduce((n, [k, v]) => (/^5\d\d$/.test(k) ? n + v : n), 0);
  const q = input.upstreamResponseTimes;
  return {
    summary: `${tgt} is slow: upstream p95 ${q.p95.toFixed(2)}s, p50 ${q.p50.toFixed(2)}s`,
    label: `upstream p95 ${q.p95.toFixed(2)}s`,
    evidence: [
      timed(
        { kind: "access-log", name: input.upstream ?? tgt, field: "upstream_response_time", value: `p50 ${q.p50.toFixed(3)}s, p95 ${q.p95.toFixed(3)}s, max ${q.max.toFixed(3)}s; ${upstream5xx} 5xx from the upstream itself`, time: windowIso(input).from },
        windowIso(input),
      ),
    ],
    counterEvidence: [`latency correlates with the errors but does not prove they are caused by it (threshold p95 ≥ ${t.latencyP95S}s, --latency-p95)`],
    recommendations: [`profile ${tgt} during ${hms(input.windowStartMs)}–${hms(input.windowEndMs)} (slow dependency, saturation, GC); scale out if CPU-bound`],
    pods: [],
    grade: () => (upstream5xx > 0 ? "medium" : "low"),
  };
}

export const upstreamLatency: Cause = { id: "upstream-latency", reads: [], detect, leadsTo: [] };
