/**
 * An incident as an Alertmanager alert. Alertmanager identifies an alert by its label set, so the labels are
 * taken once, when the incident first goes out, and stored (`AlertIdentity`): whatever the incident becomes
 * later (a higher severity, more findings) changes annotations only, never the alert's identity.
 */
import { z } from "zod";
import { redactText, type Incident } from "@edgeproof/engine";

/** Alertmanager API v2 `postableAlert`. */
export const PostableAlert = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  startsAt: z.string(),
  endsAt: z.string(),
  generatorURL: z.string().optional(),
});
export type PostableAlert = z.infer<typeof PostableAlert>;

export const ALERT_NAME = "EdgeproofIncident";
const DESCRIPTION_MAX = 2000;

/** Labels of an incident's alert, fixed for the incident's life. */
export function incidentLabels(inc: Incident): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: ALERT_NAME,
    severity: inc.severity,
    kind: inc.kind,
    category: inc.category,
    rule: inc.ruleId,
    incident_id: inc.id,
  };
  if (inc.key.host !== undefined) labels.host = inc.key.host;
  if (inc.key.upstream !== undefined) labels.upstream = inc.key.upstream;
  if (inc.key.clientIp !== undefined) labels.client_ip = inc.key.clientIp;
  return labels;
}

/** The escalation alert is a separate alert (its own labels), so a route can page the next tier on `escalation="1"`. */
export function escalationLabels(labels: Record<string, string>): Record<string, string> {
  return { ...labels, escalation: "1" };
}

/**
 * The proof block's headline: title, id, window, key and outcome, the headline metrics and the thresholds
 * that fired, without the evidence lines (which quote requests). Redacted once more because annotations
 * leave edgeproof for chat rooms and pagers.
 */
export function proofHeadline(proof: string): string {
  const paragraphs = proof
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split("\n")
        .filter((l) => !/^[─-]+$/.test(l.trim()))
        .join("\n")
        .trim(),
    )
    .filter(Boolean);
  const fired = paragraphs.find((p) => p.startsWith("fired because"));
  const text = redactText([...paragraphs.slice(0, 2), ...(fired && !paragraphs.slice(0, 2).includes(fired) ? [fired] : [])].join("\n\n"));
  return text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}…` : text;
}

export interface AnnotationInput {
  incident: Incident;
  /** Links point here (--external-url, else the address serve listens on); a one-shot run without it has none. */
  externalUrl?: string;
  runbook?: string;
  lifecycleState?: string;
  escalated?: string;
}

export function incidentAnnotations(a: AnnotationInput, labels: Record<string, string>): Record<string, string> {
  const inc = a.incident;
  const out: Record<string, string> = { summary: inc.title, description: proofHeadline(inc.proof) };
  if (a.externalUrl !== undefined) {
    const link = `${a.externalUrl.replace(/\/+$/, "")}/api/incidents/${encodeURIComponent(inc.id)}`;
    out.proof_url = link;
    if (a.runbook) out.runbook_url = `${link}/runbook`;
  }
  if (a.lifecycleState) out.lifecycle_state = a.lifecycleState;
  if (a.escalated) out.escalated = a.escalated;
  // The label keeps the severity the incident went out with; a later raise is stated here.
  if (labels.severity !== inc.severity) out.current_severity = inc.severity;
  return out;
}
