import type { Cause, Found, RuleContext } from "./cause.js";
import { describeOutside, overlaps } from "./evidence.js";
import { logEvidence } from "./pod-logs.js";

const LOG_KINDS = new Set(["access-log", "error-log", "controller-log"]);

/**
 * Run every cause's detector. Evidence that overlaps the spike (slack included) stays; the rest becomes
 * counter-evidence. Whether any timestamped evidence overlaps grades the finding and allows it to lead anywhere.
 */
export function findAll(causes: readonly Cause[], ctx: RuleContext): Found[] {
  const found: Found[] = [];
  causes.forEach((c, order) => {
    const draft = c.detect(ctx);
    if (!draft) return;
    if (c.logs && ctx.scope) draft.evidence.push(...logEvidence(ctx.snapshot, ctx.scope.ref.namespace, draft.pods));
    const inside = draft.evidence.filter((e) => overlaps(e, ctx.w) || e.fromMs === undefined);
    const outside = draft.evidence.filter((e) => !inside.includes(e));
    const overlapping = inside.some((e) => e.fromMs !== undefined);
    const k8s = inside.filter((e) => e.fromMs !== undefined && !LOG_KINDS.has(e.evidence.kind));
    const startMs = k8s.length ? Math.min(...k8s.map((e) => e.fromMs!)) : undefined;
    const endMs = k8s.length ? Math.max(...k8s.map((e) => (e.ongoing ? Number.POSITIVE_INFINITY : (e.toMs ?? e.fromMs!)))) : undefined;
    found.push({
      cause: c.id,
      draft,
      order,
      overlapping,
      startMs,
      endMs,
      finding: {
        cause: c.id,
        confidence: draft.grade(overlapping),
        summary: draft.summary,
        evidence: inside.map((e) => e.evidence),
        counterEvidence: [
          ...outside.map((e) => describeOutside(e, ctx.w)),
          ...(overlapping ? [] : ["no timestamped evidence overlaps the spike window"]),
          ...(draft.counterEvidence ?? []),
        ],
        recommendations: draft.recommendations,
      },
    });
  });
  return found;
}
