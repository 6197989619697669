import type { IncidentDraft } from "../detect/rule-evaluator.js";
import type { IncidentAccumulator, OutageLookup } from "./accumulator.js";
import type { Incident, IncidentKey, Outcome, Rca, RelatedIncident } from "./incident.js";
import { buildFinding } from "./finding.js";
import { raise } from "./severity.js";
import { renderProof } from "./proof.js";
import { isoTime } from "../util/time.js";

/**
 * What an incident is made of: the findings of one key, in the order they opened, and the accumulator of the
 * requests they cover together (a reliability incident: its one rule's draft and accumulator).
 */
export interface IncidentSource {
  key: IncidentKey;
  findings: IncidentDraft[];
  acc: IncidentAccumulator;
  closedAt?: number;
}

export interface BuildContext {
  /** Root-cause analysis, for reliability incidents. */
  rca?: Rca;
  /** Reliability incidents on the key's host that explain a probe's 5xx. */
  outage?: OutageLookup;
  related?: RelatedIncident[];
}

export function reliabilitySource(d: IncidentDraft): IncidentSource {
  return { key: d.key, findings: [d], acc: d.acc, closedAt: d.closedAt };
}

const OUTCOME_RANK: Record<Outcome, number> = { blocked: 0, partial: 1, impact: 2 };

/** Turns a source into the published incident: severity the highest finding's, outcome the worst. */
export function buildIncident(src: IncidentSource, ctx: BuildContext = {}): Incident {
  const findings = src.findings.map((d) => buildFinding(d, ctx.outage));
  for (const d of src.findings) if (d.acc !== src.acc) src.acc.raisePeak(d.acc.peakRps);
  const lead = src.findings[0].rule;
  const first = findings[0];
  let severity = first.severity;
  let outcome = first.outcome;
  for (const f of findings) {
    severity = raise(severity, f.severity);
    if (f.outcome && (!outcome || OUTCOME_RANK[f.outcome] > OUTCOME_RANK[outcome])) outcome = f.outcome;
  }
  const several = findings.length > 1;
  const recommendations = [...src.findings.flatMap((d) => d.rule.rule.recommendations), ...(ctx.rca?.causes.flatMap((c) => c.recommendations) ?? [])];
  const body: Omit<Incident, "proof"> = {
    id: first.id,
    kind: lead.rule.kind,
    ruleId: lead.rule.id,
    pack: { name: lead.pack.name, version: lead.pack.version, hash: lead.pack.hash },
    title: titleOf(several ? `${lead.rule.name} and ${findings.length - 1} more finding${findings.length > 2 ? "s" : ""}` : lead.rule.name, src.key),
    category: lead.rule.category,
    severity,
    status: src.closedAt === undefined ? "open" : "closed",
    key: src.key,
    window: { start: isoTime(src.acc.start), end: isoTime(src.acc.end) },
    metrics: src.acc.metrics(),
    ...(outcome ? { outcome } : {}),
    evidence: several ? src.acc.evidence(ctx.outage) : first.evidence,
    thresholds: several ? findings.flatMap((f) => f.thresholds.map((t) => ({ ...t, condition: `${f.ruleId}: ${t.condition}` }))) : first.thresholds,
    findings,
    ...(ctx.related?.length ? { related: ctx.related } : {}),
    recommendations: [...new Set(recommendations)],
    ...(ctx.rca ? { rca: ctx.rca } : {}),
  };
  return { ...body, proof: renderProof(body) };
}

/** The same incident knowing the client's incidents on other hosts (found once all are known). */
export function withRelated(inc: Incident, related: RelatedIncident[]): Incident {
  const { proof: _proof, ...body } = inc;
  const next: Omit<Incident, "proof"> = { ...body, related };
  if (!related.length) delete next.related;
  return { ...next, proof: renderProof(next) };
}

function titleOf(name: string, key: Incident["key"]): string {
  const parts = [key.clientIp, key.upstream, key.host].filter((x): x is string => x !== undefined && x !== "-");
  return parts.length ? `${name}: ${parts.join(" → ")}` : name;
}

