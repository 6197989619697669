import type { Pipeline, TraceStep } from "@edgeproof/engine";

/**
 * The condition timeline of the explained key for each rule (`run --explain`): the moments something changed,
 * plus the nearest miss when the rule never fired.
 */
export function renderExplain(traces: ReturnType<Pipeline["traces"]>): string {
  if (!traces.length) return "explain: no rule ever counted a request for this key\n";
  const out: string[] = [];
  for (const t of traces) {
    out.push(`rule ${t.pack}/${t.ruleId} key ${t.key.replace(/\u0000/g, " ")}`, ...renderTimeline(t.steps));
    if (t.nearMiss) out.push(`  nearest miss at ${t.nearMiss.time}: ${t.nearMiss.conditions.map((c) => `${c.condition} peaked ${c.observed} of ${c.required}`).join("; ")} (closeness ${t.nearMiss.closeness})`);
    out.push("");
  }
  return out.join("\n");
}

/** The steps at which an observed value or the incident state changed, one line each. */
export function renderTimeline(steps: TraceStep[]): string[] {
  const out: string[] = [];
  let last = "";
  for (const s of steps) {
    if (!s.conditions.length && s.state !== "closed") continue;
    const sig = `${s.state}|${s.conditions.map((c) => c.observed).join(",")}`;
    if (sig === last && s.state !== "opened") continue;
    last = sig;
    const conds = s.conditions.map((c) => `${c.condition.split(" within")[0]}: ${c.observed} of ${c.required}${c.met ? " (met)" : ""}`).join("; ");
    out.push(`  ${new Date(s.time).toISOString()} ${s.line !== undefined ? `line ${s.line}` : s.trigger === "expiry" ? "window slid" : s.trigger} ${s.state === "idle" ? "" : `[${s.state}] `}${conds}`.trimEnd());
  }
  return out;
}
