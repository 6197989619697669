import type { VolumetricDraft } from "../detect/volumetric/volumetric-evaluator.js";
import { r4, volumetricEvidence } from "../detect/volumetric/surge-evidence.js";
import type { Finding, Incident, RelatedIncident, Severity, ThresholdCheck } from "./incident.js";
import { incidentId } from "./incident-id.js";
import { raise } from "./severity.js";
import { renderProof } from "./proof.js";
import { volumetricRecommendations } from "./volumetric-recommendations.js";
import { isoTime } from "../util/time.js";

export { volumetricEvidence };

/**
 * A volumetric draft as the published incident. Attack-like: a security incident of the rule's category
 * (`flood`), keyed by host or upstream and no client, at the rule's severity, raised when the 5xx share rose.
 * Organic: a reliability notice of category `surge`, P4 whatever the rule says, so a flash crowd never pages.
 */
export function buildVolumetricIncident(d: VolumetricDraft, related?: RelatedIncident[]): Incident {
  const rule = d.rule;
  const ev = volumetricEvidence(d);
  const attack = ev.verdict === "attack-like";
  const rise = rule.escalate.fiveXxRise;
  const rose = rise !== undefined && ev.statusShare.during.fiveXx - ev.statusShare.before.fiveXx >= rise.by;
  const severity: Severity = attack ? (rose ? raise(rule.severity, rise.severity) : rule.severity) : "P4";
  const f = d.figures;
  const id = incidentId(d.pack.name, rule.id, d.keyText, d.openedAt);
  const window = { start: isoTime(d.openWindow * d.windowMs), end: isoTime(d.lastRequestAt) };
  const thresholds: ThresholdCheck[] = [
    {
      condition: `requests per ${rule.window} >= max(${rule.when.minRequests}, ${rule.when.factor} × baseline median ${ev.rate.baselineMedian})`,
      observed: ev.rate.peak,
      required: d.threshold,
      op: ">=",
      met: ev.rate.peak >= d.threshold,
    },
    {
      condition: `baseline windows with traffic >= warm-up (${rule.baseline.warmup} of ${rule.baseline.window})`,
      observed: d.baselineWithTraffic,
      required: d.warmupWindows,
      op: ">=",
      met: d.baselineWithTraffic >= d.warmupWindows,
    },
  ];
  const name = attack ? rule.name : `Traffic surge (organic: ${ev.signals.filter((s) => s.holds).length} of ${ev.signals.length} attack signals)`;
  const category = attack ? rule.category : "surge";
  const samples = [...d.samples].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.line - b.line));
  const distinctPaths = d.finalPaths ?? d.traffic.paths.surge?.size ?? 0;
  const finding: Finding = { id, ruleId: rule.id, pack: d.pack.name, name, category, severity, window, metrics: { requests: f.requests, distinctPaths, peakRps: d.peakRps }, thresholds, evidence: samples };
  const recommendations = [
    ...rule.recommendations,
    ...volumetricRecommendations({
      ev,
      key: d.key,
      baselineMeanRequestTimeS: d.base.requestTimes ? d.base.requestTimeSum / d.base.requestTimes : undefined,
      fiveXxRiseBy: rise?.by ?? 0.05,
      prefixRise: rule.classify.prefixes.rise,
    }),
  ];
  const body: Omit<Incident, "proof"> = {
    id,
    kind: attack ? "security" : "reliability",
    ruleId: rule.id,
    pack: { name: d.pack.name, version: d.pack.version, hash: d.pack.hash },
    title: `${name}: ${d.keyText}`,
    category,
    severity,
    status: d.closedAt === undefined ? "open" : "closed",
    key: d.key,
    window,
    metrics: {
      requests: f.requests,
      peakRps: d.peakRps,
      distinctPaths,
      signatureHits: {},
      statusCounts: statusRecord(d.detail.statuses),
      fiveXx: f.fiveXx,
      errorRatio: r4(f.requests ? f.fiveXx / f.requests : 0),
      topPaths: ev.paths.map((p) => ({ path: p.value, count: p.requests })),
      ...(ev.capped.includes("paths") ? { distinctCapped: true } : {}),
    },
    evidence: samples,
    thresholds,
    findings: [finding],
    ...(related?.length ? { related } : {}),
    recommendations: [...new Set(recommendations)],
    volumetric: ev,
  };
  return { ...body, proof: renderProof(body) };
}

/** Where and when a volumetric incident's key carried the surge: what a reliability incident is checked against. */
export function volumetricSpan(d: VolumetricDraft): { start: number; end: number } {
  return { start: d.openWindow * d.windowMs, end: d.closedAt ?? Infinity };
}

function statusRecord(m: Map<number, number>): Record<string, number> {
  const sorted = [...m].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]);
  // Parsed from JSON text: integer-like keys assigned one by one give the object a backing array as long as the largest code.
  return JSON.parse(JSON.stringify(Object.fromEntries(sorted))) as Record<string, number>;
}
