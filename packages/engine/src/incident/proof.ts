import type { Incident } from "./incident.js";
import { renderRcaLines } from "../rca/render.js";

const RULE = "─".repeat(72);

/**
 * The copyable proof block: the same facts as the JSON, in a fixed order and fixed wording, so two runs
 * over the same input produce the same bytes and a reader can verify each claim against the log lines.
 */
export function renderProof(inc: Omit<Incident, "proof">): string {
  const out: string[] = [];
  const m = inc.metrics;
  out.push(RULE);
  out.push(`${inc.severity} ${inc.kind.toUpperCase()} ${inc.title}`);
  out.push(`id ${inc.id} · rule ${inc.pack.name}/${inc.ruleId} · pack ${inc.pack.name}@${inc.pack.version} (${inc.pack.hash}) · ${inc.status}`);
  out.push(`window ${inc.window.start} → ${inc.window.end}`);
  out.push(`key ${Object.entries(inc.key).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  if (inc.outcome) out.push(`outcome ${inc.outcome}`);
  out.push("");
  const headline = [`requests ${m.requests}`, `peak ${m.peakRps} rps`, `distinct paths ${m.distinctPaths}${m.distinctCapped ? "+" : ""}`];
  if (m.fiveXx !== undefined) headline.push(`5xx ${m.fiveXx} (${pct(m.errorRatio ?? 0)})`);
  if (m.retries) headline.push(`retried ${m.retries}`);
  if (m.latencyP50 !== undefined) headline.push(`latency p50 ${m.latencyP50}s p95 ${m.latencyP95}s`);
  out.push(`metrics   ${headline.join(" · ")}`);
  out.push(`statuses  ${entries(m.statusCounts)}`);
  if (m.upstreamStatusCounts && Object.keys(m.upstreamStatusCounts).length) out.push(`upstream  ${entries(m.upstreamStatusCounts)} (last attempt)`);
  if (Object.keys(m.signatureHits).length) out.push(`signatures ${entries(m.signatureHits)}`);
  out.push("");
  out.push("fired because");
  for (const t of inc.thresholds) out.push(`  ${t.met ? "✔" : "✘"} ${t.condition}: observed ${t.observed} (required ${t.op} ${t.required})`);
  if (m.topPaths?.length) {
    out.push("");
    out.push("top paths");
    for (const p of m.topPaths) out.push(`  ${String(p.count).padStart(6)}  ${p.path}`);
  }
  out.push("");
  out.push("evidence");
  for (const e of inc.evidence) {
    const where = `${e.file ? `${e.file}:` : "line "}${e.line}`;
    const extra = [e.upstreamStatus ? `upstream ${e.upstreamStatus}` : "", e.requestTime !== undefined ? `${e.requestTime}s` : ""].filter(Boolean).join(" ");
    const client = `${e.clientIp ?? "-"}${e.via ? ` (via ${e.via})` : ""}`;
    out.push(`  ${where}  ${e.time}  ${client} ${e.method ?? "-"} ${e.path} → ${e.status}${extra ? ` (${extra})` : ""}`);
    out.push(`      ${e.why}`);
  }
  if (inc.rca) {
    out.push("");
    out.push(...renderRcaLines(inc.rca, { startMs: Date.parse(inc.window.start), endMs: Date.parse(inc.window.end) }));
  }
  if (inc.recommendations.length) {
    out.push("");
    out.push("recommendations");
    for (const r of inc.recommendations) out.push(`  - ${r}`);
  }
  out.push(RULE);
  return out.join("\n");
}

function entries(r: Record<string, number>): string {
  return Object.entries(r).map(([k, v]) => `${k}×${v}`).join(" ");
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
