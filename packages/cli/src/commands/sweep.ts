import { parseDuration, Pipeline, type Rule, type RulePackDoc } from "@edgeproof/engine";
import { readLog } from "../rule-tests/replay.js";
import { describeKey, ruleMatches } from "../rule-tests/match.js";
import { UsageError } from "../time-arg.js";
import { EXIT, pipelineOptions, type EvaluationFlags } from "./run.js";

export type SweepOptions = EvaluationFlags & { rule: string; param: string[]; format: "table" | "json" };

/** Friendly names for the metrics people tune most. */
const ALIASES: Record<string, string> = { distinctPaths: "distinct(path)", requests: "count" };

interface Axis {
  name: string;
  values: string[];
  apply: (r: Rule, v: string) => Rule;
}

/** What-if replay: every combination of the given parameter values, with the incidents and keys each yields. */
export async function sweepCommand(logs: string[], opts: SweepOptions): Promise<number> {
  if (!logs.length) throw new UsageError("give the log file(s) to replay");
  const base = pipelineOptions(opts);
  let found = base.packs.flatMap((p) => p.rules.filter((r) => ruleMatches(opts.rule, { ruleId: r.id, kind: r.kind, pack: { name: p.name } })).map((r) => ({ pack: p, rule: r })));
  // A bare id shared with a rule a pack ships disabled (an imported scenario left off) names the one that runs.
  if (found.length > 1 && found.filter((f) => f.rule.enabled).length === 1) found = found.filter((f) => f.rule.enabled);
  if (found.length !== 1) throw new UsageError(found.length ? `--rule ${opts.rule} names ${found.length} rules; use PACK/RULE` : `no rule "${opts.rule}" in the packs`);
  const { pack, rule } = found[0];
  const axes = opts.param.map((p) => axis(p, rule));
  if (!axes.length) throw new UsageError("give at least one --param NAME=v1,v2 (window, cooldown, or a metric such as distinct(path) or count)");

  const inputs = logs.map((f) => readLog(f));
  const rows: Array<{ params: Record<string, string>; current: boolean; incidents: number; keys: string[] }> = [];
  for (const combo of combinations(axes.map((a) => a.values))) {
    let r = rule;
    combo.forEach((v, i) => (r = axes[i].apply(r, v)));
    const single: RulePackDoc = { ...pack, rules: [r] };
    const p = new Pipeline({ ...base, packs: [single] });
    for (const input of inputs) for (const l of input.lines) p.pushLine(l.text, l.no, { file: input.file });
    const incidents = p.flush();
    const params = Object.fromEntries(axes.map((a, i) => [a.name, combo[i]]));
    const current = JSON.stringify(r) === JSON.stringify(rule);
    rows.push({ params, current, incidents: incidents.length, keys: [...new Set(incidents.map((i) => describeKey(i.key)))].sort() });
  }
  if (opts.format === "json") {
    process.stdout.write(JSON.stringify({ rule: `${pack.name}/${rule.id}`, rows }, null, 2) + "\n");
    return EXIT.ok;
  }
  const head = [...axes.map((a) => a.name), "incidents", "keys"];
  const body = rows.map((r) => [...axes.map((a) => r.params[a.name]), String(r.incidents), r.keys.join(" ") || "-"].map((c, i) => (i === 0 && r.current ? `${c}*` : c)));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  process.stdout.write([`sweep ${pack.name}/${rule.id} over ${logs.join(", ")} (* = the pack's current setting)`, fmt(head), ...body.map(fmt)].join("\n") + "\n");
  return EXIT.ok;
}

function axis(spec: string, rule: Rule): Axis {
  const eq = spec.indexOf("=");
  if (eq <= 0) throw new UsageError(`--param needs NAME=v1,v2,..., got "${spec}"`);
  const name = spec.slice(0, eq);
  const values = spec.slice(eq + 1).split(",").filter(Boolean);
  if (!values.length) throw new UsageError(`--param ${name} has no values`);
  if (name === "window" || name === "cooldown") {
    for (const v of values) if (parseDuration(v) === undefined) throw new UsageError(`--param ${name}: "${v}" is not a duration such as 30s or 5m`);
    return { name, values, apply: (r, v) => ({ ...r, [name]: v }) };
  }
  const metric = ALIASES[name] ?? name;
  if (!rule.when.some((t) => t.metric === metric)) throw new UsageError(`rule ${rule.id} has no condition on ${metric}; its conditions: ${rule.when.map((t) => t.metric).join(", ")} (or use window, cooldown)`);
  for (const v of values) if (!Number.isFinite(Number(v))) throw new UsageError(`--param ${name}: "${v}" is not a number`);
  return { name, values, apply: (r, v) => ({ ...r, when: r.when.map((t) => (t.metric === metric ? { ...t, value: Number(v) } : t)) }) };
}

function combinations(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}
