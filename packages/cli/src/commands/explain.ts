import { parseLine, Pipeline } from "@edgeproof/engine";
import { renderTimeline } from "../output/explain.js";
import { readLog } from "../rule-tests/replay.js";
import { describeKey, keyMatches, ruleMatches } from "../rule-tests/match.js";
import { UsageError } from "../time-arg.js";
import { EXIT, pipelineOptions, type EvaluationFlags } from "./run.js";

export type ExplainOptions = EvaluationFlags & { key: string; rule?: string };

/**
 * For one key: each rule's condition timeline (observed vs required whenever a value or the state changed),
 * when it fired or how close it came, the lines that counted, and why lines mentioning the key were rejected.
 */
export async function explainCommand(logs: string[], opts: ExplainOptions): Promise<number> {
  if (!logs.length) throw new UsageError("give the log file(s) to explain");
  const base = pipelineOptions({ ...opts, explain: opts.key });
  const key = base.explain!;
  const rules = base.packs.flatMap((p) => [...p.rules, ...(p.volumetric ?? [])].map((r) => ({ pack: p.name, rule: r })));
  const chosen = rules.filter((x) => !opts.rule || ruleMatches(opts.rule, { ruleId: x.rule.id, kind: x.rule.kind, pack: { name: x.pack } }));
  if (!chosen.length) throw new UsageError(`no rule matches --rule ${opts.rule}; rules: ${rules.map((x) => `${x.pack}/${x.rule.id}`).join(", ")}`);

  const pipeline = new Pipeline(base);
  const rejected: string[] = [];
  const needles = Object.values(key).filter((v): v is string => !!v);
  for (const file of logs) {
    for (const l of readLog(file).lines) {
      pipeline.pushLine(l.text, l.no, { file });
      if (!needles.some((n) => l.text.includes(n))) continue;
      const r = parseLine(l.text, { line: l.no, file, format: base.format, host: base.host, custom: base.customFormat });
      if (!r.ok) rejected.push(`  ${file}:${l.no}: rejected (${r.rejected.reason}${r.rejected.detail ? `: ${r.rejected.detail}` : ""}): ${r.rejected.sample}`);
    }
  }
  const incidents = pipeline.flush().filter((i) => keyMatches(key, i.key));
  const traces = pipeline.traces();
  const out: string[] = [`explain ${describeKey(key)}`, ""];
  for (const { pack, rule } of chosen) {
    const mine = traces.filter((t) => t.pack === pack && t.ruleId === rule.id);
    out.push(`rule ${pack}/${rule.id} (${rule.name})`);
    if (!mine.length) {
      out.push("  never counted a request of this key (its match did not select any)", "");
      continue;
    }
    for (const t of mine) {
      if (mine.length > 1) out.push(`  key ${t.key.replace(/\u0000/g, " ")}`);
      out.push(...renderTimeline(t.steps));
      // Per rule: the rule's own finding inside each incident of the key (an incident may hold several rules').
      const fired = incidents
        .filter((i) => rule.groupBy.map((f) => i.key[f]).join("\u0000") === t.key)
        .flatMap((i) => i.findings.filter((f) => f.ruleId === rule.id && f.pack === pack).map((f) => ({ i, f })));
      for (const { i, f } of fired) out.push(`  FIRED ${f.window.start}: finding ${f.id} ${f.severity}${f.outcome ? ` ${f.outcome}` : ""} of incident ${i.id}, ${f.thresholds.map((c) => `${c.condition} peaked ${c.observed}`).join("; ")}`);
      if (!fired.length && t.nearMiss) out.push(`  did not fire; nearest miss ${t.nearMiss.time}: ${t.nearMiss.conditions.map((c) => `${c.condition.split(" within")[0]} ${c.observed} of ${c.required}`).join("; ")}`);
      else if (!fired.length) out.push("  did not fire");
      out.push(`  lines that counted: ${ranges(t.steps.filter((s) => s.counted && s.line !== undefined).map((s) => s.line!))}`);
    }
    out.push("");
  }
  out.push(rejected.length ? `rejected lines mentioning ${needles.join(", ")}:` : `no rejected line mentions ${needles.join(", ")}`, ...rejected);
  process.stdout.write(out.join("\n") + "\n");
  return EXIT.ok;
}

function ranges(lines: number[]): string {
  if (!lines.length) return "none";
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0];
  let prev = start;
  for (const n of [...sorted.slice(1), Infinity]) {
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = prev = n;
  }
  return `${parts.join(", ")} (${sorted.length} line${sorted.length === 1 ? "" : "s"})`;
}

