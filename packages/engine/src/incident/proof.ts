import type { EvidenceSample, Incident } from "./incident.js";
import { renderRcaLines } from "../rca/render.js";
import { renderVolumetricLines } from "./volumetric-proof.js";

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
  if (m.scannerTraffic) out.push(`scanners  ${m.scannerTraffic.requests} requests from ${m.scannerTraffic.clients} client(s) under a security incident, ${m.scannerTraffic.fiveXx} of them 5xx (counted apart)`);
  if (inc.kind === "security") {
    // One actor: each rule that fired for it, with what it observed and the requests that show it.
    out.push("");
    out.push(`findings (${inc.findings.length})`);
    // Findings of one actor often sample the same request: each is quoted once, where it first appears.
    const quoted = new Set<string>();
    for (const f of inc.findings) {
      out.push(`  ${f.severity} ${f.pack}/${f.ruleId} · ${f.name} · ${f.window.start} → ${f.window.end}${f.outcome ? ` · ${f.outcome}` : ""} · ${f.metrics.requests} requests · finding ${f.id}`);
      for (const t of f.thresholds) out.push(`    ${t.met ? "✔" : "✘"} ${t.condition}: observed ${t.observed} (required ${t.op} ${t.required})`);
      let above = 0;
      for (const e of f.evidence) {
        const where = `${e.file ?? ""}:${e.line}`;
        if (quoted.has(where)) above++;
        else {
          quoted.add(where);
          out.push(...evidenceLines(e, "    "));
        }
      }
      if (above) out.push(`    + ${above} sample${above > 1 ? "s" : ""} quoted above`);
    }
  } else {
    out.push("");
    out.push("fired because");
    for (const t of inc.thresholds) out.push(`  ${t.met ? "✔" : "✘"} ${t.condition}: observed ${t.observed} (required ${t.op} ${t.required})`);
  }
  if (inc.volumetric) {
    out.push("");
    out.push(...renderVolumetricLines(inc.volumetric));
  }
  if (m.topPaths?.length && !inc.volumetric) {
    out.push("");
    out.push("top paths");
    for (const p of m.topPaths) out.push(`  ${String(p.count).padStart(6)}  ${p.path}`);
  }
  if (inc.kind !== "security") {
    out.push("");
    out.push("evidence");
    for (const e of inc.evidence) out.push(...evidenceLines(e, "  "));
  }
  if (inc.related?.length) {
    out.push("");
    out.push(inc.key.clientIp === undefined ? "related (same host or upstream, overlapping)" : "related (same client, other hosts)");
    for (const r of inc.related) out.push(`  ${r.severity} ${r.host ?? "-"} ${r.window.start} → ${r.window.end} incident ${r.id}`);
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

function evidenceLines(e: EvidenceSample, indent: string): string[] {
  const where = `${e.file ? `${e.file}:` : "line "}${e.line}`;
  const extra = [e.upstreamStatus ? `upstream ${e.upstreamStatus}` : "", e.requestTime !== undefined ? `${e.requestTime}s` : ""].filter(Boolean).join(" ");
  const client = `${e.clientIp ?? "-"}${e.via ? ` (via ${e.via})` : ""}`;
  return [`${indent}${where}  ${e.time}  ${client} ${e.method ?? "-"} ${e.path} → ${e.status}${extra ? ` (${extra})` : ""}`, `${indent}    ${e.why}`];
}

function entries(r: Record<string, number>): string {
  return Object.entries(r).map(([k, v]) => `${k}×${v}`).join(" ");
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
