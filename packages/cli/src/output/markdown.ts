import type { Incident, RunStats } from "@edgeproof/engine";
import { byUrgency, keyText, ruleText, summaryLine } from "./table.js";

/** For tickets and PR comments: a table, then each proof block fenced so it stays copyable. */
export function renderMarkdown(all: Incident[], stats: RunStats): string {
  const incidents = byUrgency(all);
  const out = [`# edgeproof incidents`, "", summaryLine(incidents, stats), ""];
  if (incidents.length) {
    out.push("| severity | kind | rule | key | window | requests | outcome | id |", "|---|---|---|---|---|---|---|---|");
    for (const i of incidents) {
      const outcome = i.outcome ?? (i.metrics.errorRatio !== undefined ? `${(i.metrics.errorRatio * 100).toFixed(1)}% 5xx` : "");
      out.push(`| ${i.severity} | ${i.kind} | ${ruleText(i)} | ${esc(keyText(i))} | ${i.window.start} – ${i.window.end} | ${i.metrics.requests} | ${outcome} | \`${i.id}\` |`);
    }
    out.push("");
  }
  for (const i of incidents) out.push(`## ${i.severity} ${esc(i.title)}`, "", "```text", i.proof, "```", "");
  return out.join("\n");
}

function esc(s: string): string {
  return s.replace(/\|/g, "\\|");
}
