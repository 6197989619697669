import type { Pipeline } from "@edgeproof/engine";

/**
 * The condition timeline of the explained key for each rule: only the moments something changed
 * (a condition flipped or the incident state moved), plus the nearest miss when the rule never fired.
 */
export function renderExplain(traces: ReturnType<Pipeline["traces"]>): string {
  if (!traces.length) return "explain: no rule ever counted a request for this key\n";
  const out: string[] = [];
  for (const t of traces) {
    out.push(`rule ${t.pack}/${t.ruleId} key ${t.key.replace(/\u0000/g, " ")}`);
    let last = "";
    for (const s of t.steps) {
      const sig = `${s.state}|${s.conditions.map((c) => `${c.met}`).join(",")}`;
      const line = `  ${new Date(s.time).toISOString()} ${s.trigger}${s.line ? ` line ${s.line}` : ""}${s.counted ? "" : " (not counted)"} ${s.state}: ${s.conditions.map((c) => `${c.condition} observed ${c.observed}/${c.required}${c.met ? " ✔" : ""}`).join("; ")}`;
      if (sig !== last || s.state === "opened" || s.state === "closed") out.push(line);
      last = sig;
    }
    if (t.nearMiss) out.push(`  nearest miss at ${t.nearMiss.time}: ${t.nearMiss.conditions.map((c) => `${c.condition} peaked ${c.observed} of ${c.required}`).join("; ")} (closeness ${t.nearMiss.closeness})`);
    out.push("");
  }
  return out.join("\n");
}
