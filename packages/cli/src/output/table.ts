import { severityRank, type Incident, type RunStats } from "@edgeproof/engine";

/**
 * One line per incident, most urgent first (then by start), then every proof block in the same order: what an
 * SRE scans first, then what they paste.
 */
export function renderTable(all: Incident[], stats: RunStats): string {
  const incidents = byUrgency(all);
  const rows = incidents.map((i) => [
    i.severity,
    i.kind,
    ruleText(i),
    keyText(i),
    `${i.window.start.slice(0, 19)}Z`,
    String(i.metrics.requests),
    i.outcome ?? (i.metrics.errorRatio !== undefined ? `${(i.metrics.errorRatio * 100).toFixed(1)}% 5xx` : ""),
    i.id,
  ]);
  const header = ["SEV", "KIND", "RULE", "KEY", "START", "REQS", "OUTCOME", "ID"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join("  ").trimEnd();
  const out = [summaryLine(incidents, stats), ""];
  if (incidents.length) out.push(line(header), ...rows.map(line), "");
  for (const i of incidents) out.push(i.proof, "");
  return out.join("\n");
}

export function summaryLine(incidents: Incident[], stats: RunStats): string {
  const rejected = Object.values(stats.rejected).reduce((a, b) => a + b, 0);
  const parts = [`${incidents.length} incident${incidents.length === 1 ? "" : "s"}`, `${stats.lines} lines`, `${stats.events} events`, `${rejected} rejected`];
  if (stats.late) parts.push(`${stats.late} late`);
  if (stats.outOfRange) parts.push(`${stats.outOfRange} outside --since/--until`);
  return parts.join(" · ");
}

/** The incident's rule, and how many more fired for the same actor: one row per incident, not per rule. */
export function ruleText(i: Incident): string {
  return i.findings.length > 1 ? `${i.ruleId} +${i.findings.length - 1}` : i.ruleId;
}

export function keyText(i: Incident): string {
  return Object.entries(i.key)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/** Most urgent first; the stable sort keeps event-time order within a severity. */
export function byUrgency(incidents: Incident[]): Incident[] {
  return [...incidents].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}
