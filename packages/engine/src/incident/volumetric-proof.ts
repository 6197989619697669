import type { VolumetricEvidence } from "./volumetric-schema.js";

/**
 * The proof block's volumetric section: the verdict with each signal, the rate timeline (baseline then surge,
 * one figure a window), and the surge's traffic against the baseline's. Fixed wording and order.
 */
export function renderVolumetricLines(v: VolumetricEvidence): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = [];
  const agreeing = v.signals.filter((s) => s.holds).length;
  out.push(`verdict   ${v.verdict} (${agreeing} of ${v.signals.length} attack signals; judged at ${v.classifiedAt} on the first ${v.classifiedOn} requests of the window that crossed)`);
  for (const s of v.signals) out.push(`  ${s.holds ? "✔" : "✘"} ${s.signal}: ${s.detail}`);
  out.push("");
  const r = v.rate;
  const factor = r.baselineMedian > 0 ? ` (${(r.peak / r.baselineMedian).toFixed(1)}× the median)` : "";
  out.push(`rate (requests per ${r.windowS}s)   baseline median ${r.baselineMedian} over ${r.baselineWindows} window(s), ${r.baselineWindowsWithTraffic} with traffic (warm-up ${r.warmupWindows}) · threshold ${r.threshold} · peak ${r.peak} at ${r.peakAt.slice(11, 16)}${factor}`);
  // Six windows a line, `*` marking the surge's windows that held.
  const cells = r.timeline.map((t) => `${t.start.slice(11, 16)} ${String(t.requests).padStart(6)}${t.surge ? "*" : " "}`);
  for (let i = 0; i < cells.length; i += 6) out.push(`  ${cells.slice(i, i + 6).join("  ")}`);
  out.push("");
  const c = v.clients;
  out.push(`clients   ${c.during} during, ${pct(c.newShare)} never seen in the baseline · busiest client ${c.maxPerWindowDuring} per window (baseline ${c.maxPerWindowBaseline}) · baseline ${v.baselineRequests} requests`);
  out.push(`prefixes  top ${v.topPrefixShare.top}: ${pct(v.topPrefixShare.share)} of the surge, ${pct(v.topPrefixShare.baselineShare)} of the baseline`);
  for (const p of v.prefixes) out.push(`  ${String(p.requests).padStart(7)}  ${p.value.padEnd(24)} ${pct(p.share).padStart(6)} (baseline ${pct(p.baselineShare)})`);
  out.push(`agents    browsers ${pct(v.browserShare.during)} (baseline ${pct(v.browserShare.baseline)})`);
  for (const u of v.userAgents) out.push(`  ${String(u.requests).padStart(7)}  ${pct(u.share).padStart(6)} (baseline ${pct(u.baselineShare)})  ${u.value || "-"}`);
  out.push(`paths     static assets ${pct(v.assetShare.during)} (baseline ${pct(v.assetShare.baseline)})`);
  for (const p of v.paths) out.push(`  ${String(p.requests).padStart(7)}  ${pct(p.share).padStart(6)} (baseline ${pct(p.baselineShare)})  ${p.value}`);
  if (v.cacheBusting) out.push(`queries   ${v.cacheBusting.path}: ${v.cacheBusting.distinctQueries} distinct query strings over ${v.cacheBusting.requests} requests (tracking parameters left out)`);
  out.push(`methods   ${v.methods.map((m) => `${m.value}×${m.requests}`).join(" ")}`);
  const ref = v.externalReferer;
  out.push(`referers  from other sites ${pct(ref.during)} (baseline ${pct(ref.baseline)})${ref.top.length ? `: ${ref.top.map((x) => `${x.value}×${x.requests}`).join(" ")}` : ""}`);
  const b = v.statusShare.before;
  const d = v.statusShare.during;
  out.push(`statuses  5xx ${pct(b.fiveXx)} → ${pct(d.fiveXx)} · 503 ${pct(b.unavailable)} → ${pct(d.unavailable)} · 429 ${pct(b.tooMany)} → ${pct(d.tooMany)} (baseline → surge)`);
  if (v.upstreams.length) out.push(`upstreams ${v.upstreams.map((u) => `${u.value}×${u.requests} (5xx ${pct(u.fiveXxShare)})`).join(" · ")}`);
  if (v.capped.length) out.push(`capped    ${v.capped.join(", ")}: more distinct values than kept per window; their shares are lower bounds`);
  return out;
}
