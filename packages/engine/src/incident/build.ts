import type { IncidentDraft } from "../detect/rule-evaluator.js";
import { thresholdChecks } from "../detect/rule-evaluator.js";
import type { Incident, Rca } from "./incident.js";
import { incidentId } from "./incident-id.js";
import { resolveSeverity } from "./severity.js";
import { renderProof } from "./proof.js";
import { isoTime } from "../util/time.js";

/** Turns a draft into the published incident; `rca` is attached by the caller for reliability incidents. */
export function buildIncident(d: IncidentDraft, rca?: Rca): Incident {
  const rule = d.rule.rule;
  const pack = d.rule.pack;
  const outcome = d.acc.outcome();
  const severity = resolveSeverity({
    base: rule.severity,
    outcome,
    escalations: rule.escalate.map((e, i) => ({ severity: e.severity, outcome: e.outcome, met: d.escalated[i] })),
  });
  const metrics = d.acc.metrics();
  const recommendations = [...rule.recommendations, ...(rca?.causes.flatMap((c) => c.recommendations) ?? [])];
  const body: Omit<Incident, "proof"> = {
    id: incidentId(pack.name, rule.id, d.keyText, d.openedAt),
    kind: rule.kind,
    ruleId: rule.id,
    pack: { name: pack.name, version: pack.version, hash: pack.hash },
    title: titleOf(rule.name, d.key),
    category: rule.category,
    severity,
    status: d.closedAt === undefined ? "open" : "closed",
    key: d.key,
    window: { start: isoTime(d.acc.start), end: isoTime(d.acc.end) },
    metrics,
    ...(outcome ? { outcome } : {}),
    evidence: d.acc.evidence(),
    thresholds: thresholdChecks(d),
    recommendations: [...new Set(recommendations)],
    ...(rca ? { rca } : {}),
  };
  return { ...body, proof: renderProof(body) };
}

function titleOf(name: string, key: Incident["key"]): string {
  const parts = [key.clientIp, key.upstream, key.host].filter((x): x is string => x !== undefined && x !== "-");
  return parts.length ? `${name}: ${parts.join(" → ")}` : name;
}
