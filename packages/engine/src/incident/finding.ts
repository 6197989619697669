import type { IncidentDraft } from "../detect/rule-evaluator.js";
import { thresholdChecks } from "../detect/rule-evaluator.js";
import type { OutageLookup } from "./accumulator.js";
import type { Finding } from "./incident.js";
import { incidentId } from "./incident-id.js";
import { resolveSeverity } from "./severity.js";
import { isoTime } from "../util/time.js";

/** What one rule found: its own thresholds, samples and outcome, severity after its own escalations. */
export function buildFinding(d: IncidentDraft, outage?: OutageLookup): Finding {
  const rule = d.rule.rule;
  const outcome = d.acc.outcome(outage);
  const severity = resolveSeverity({
    base: rule.severity,
    outcome,
    escalations: rule.escalate.map((e, i) => ({ severity: e.severity, outcome: e.outcome, met: d.escalated[i] })),
  });
  return {
    id: incidentId(d.rule.pack.name, rule.id, d.keyText, d.openedAt),
    ruleId: rule.id,
    pack: d.rule.pack.name,
    name: rule.name,
    category: rule.category,
    severity,
    window: { start: isoTime(d.acc.start), end: isoTime(d.acc.end) },
    ...(outcome ? { outcome } : {}),
    metrics: { requests: d.acc.requests, distinctPaths: d.acc.distinctPaths, peakRps: d.acc.peakRps },
    thresholds: thresholdChecks(d),
    evidence: d.acc.evidence(outage),
  };
}
