import { parseDuration, Pipeline, type Rule, type RulePackDoc, type VolumetricRule } from "@edgeproof/engine";
import { readLog } from "../rule-tests/replay.js";
import { describeKey, ruleMatches } from "../rule-tests/match.js";
import { UsageError } from "../time-arg.js";
import { EXIT, pipelineOptions, type EvaluationFlags } from "./run.js";

export type SweepOptions = EvaluationFlags & { rule: string; param: string[]; format: "table" | "json" };

/** Friendly names for the metrics people tune most. */
const ALIASES: Record<string, string> = { distinctPaths: "distinct(path)", requests: "count" };

interface Axis<R> {
  name: string;
  values: string[];
  apply: (r: R, v: string) => R;
}

/** What-if replay: every combination of the given parameter values, with the incidents and keys each yields. */
export async function sweepCommand(logs: string[], opts: SweepOptions): Promise<number> {
  if (!logs.length) throw new UsageError("give the log file(s) to replay");
  const base = pipelineOptions(opts);
  const candidates = base.packs.flatMap((p) => [...p.rules, ...(p.volumetric ?? [])].filter((r) => ruleMatches(opts.rule, { ruleId: r.id, kind: r.kind, pack: { name: p.name } })).map((r) => ({ pack: p, rule: r })));
  let found = candidates;
  // A bare id shared with a rule a pack ships disabled (an imported scenario left off) names the one that runs.
  if (found.length > 1 && found.filter((f) => f.rule.enabled).length === 1) found = found.filter((f) => f.rule.enabled);
  if (found.length !== 1) throw new UsageError(found.length ? `--rule ${opts.rule} names ${found.length} rules; use PACK/RULE` : `no rule "${opts.rule}" in the packs`);
  const { pack, rule } = found[0];
  if (!opts.param.length) throw new UsageError("give at least one --param NAME=v1,v2 (window, cooldown, or a metric such as distinct(path) or count)");
  // Each combination runs the chosen rule alone: a pack of that one rule.
  const variants =
    rule.kind === "volumetric"
      ? expand(rule, opts.param.map((p) => volumetricAxis(p, rule)), (r): RulePackDoc => ({ ...pack, rules: [], volumetric: [r] }))
      : expand(rule, opts.param.map((p) => axis(p, rule)), (r): RulePackDoc => ({ ...pack, rules: [r], volumetric: [] }));

  const inputs = logs.map((f) => readLog(f));
  const rows: Array<{ params: Record<string, string>; current: boolean; incidents: number; keys: string[] }> = [];
  for (const v of variants) {
    const p = new Pipeline({ ...base, packs: [v.pack] });
    for (const input of inputs) for (const l of input.lines) p.pushLine(l.text, l.no, { file: input.file });
    const incidents = p.flush();
    rows.push({ params: v.params, current: v.current, incidents: incidents.length, keys: [...new Set(incidents.map((i) => describeKey(i.key)))].sort() });
  }
  const axes = opts.param.map((p) => ({ name: p.slice(0, p.indexOf("=")) }));
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

/** Every combination of the axes' values as a one-rule pack, marked when it is the pack's own setting. */
function expand<R>(rule: R, axes: Axis<R>[], packOf: (r: R) => RulePackDoc): Array<{ pack: RulePackDoc; params: Record<string, string>; current: boolean }> {
  return combinations(axes.map((a) => a.values)).map((combo) => {
    let r = rule;
    combo.forEach((v, i) => (r = axes[i].apply(r, v)));
    return { pack: packOf(r), params: Object.fromEntries(axes.map((a, i) => [a.name, combo[i]])), current: JSON.stringify(r) === JSON.stringify(rule) };
  });
}

function nameAndValues(spec: string): { name: string; values: string[] } {
  const eq = spec.indexOf("=");
  if (eq <= 0) throw new UsageError(`--param needs NAME=v1,v2,..., got "${spec}"`);
  const name = spec.slice(0, eq);
  const values = spec.slice(eq + 1).split(",").filter(Boolean);
  if (!values.length) throw new UsageError(`--param ${name} has no values`);
  return { name, values };
}

function durations(name: string, values: string[]): void {
  for (const v of values) if (parseDuration(v) === undefined) throw new UsageError(`--param ${name}: "${v}" is not a duration such as 30s or 5m`);
}

function numbers(name: string, values: string[]): void {
  for (const v of values) if (!Number.isFinite(Number(v))) throw new UsageError(`--param ${name}: "${v}" is not a number`);
}

/** A volumetric rule's tunables: `factor`, `minRequests`, `window`, `cooldown`, `baseline`, `warmup`. */
function volumetricAxis(spec: string, rule: VolumetricRule): Axis<VolumetricRule> {
  const { name, values } = nameAndValues(spec);
  if (name === "factor" || name === "minRequests") {
    numbers(name, values);
    return { name, values, apply: (r, v) => ({ ...r, when: { ...r.when, [name]: Number(v) } }) };
  }
  if (name === "window" || name === "cooldown") {
    durations(name, values);
    return { name, values, apply: (r, v) => ({ ...r, [name]: v }) };
  }
  if (name === "baseline" || name === "warmup") {
    durations(name, values);
    return { name, values, apply: (r, v) => ({ ...r, baseline: { ...r.baseline, [name === "baseline" ? "window" : "warmup"]: v } }) };
  }
  throw new UsageError(`volumetric rule ${rule.id} has no parameter ${name}; its parameters: factor, minRequests, window, cooldown, baseline, warmup`);
}

function axis(spec: string, rule: Rule): Axis<Rule> {
  const { name, values } = nameAndValues(spec);
  if (name === "window" || name === "cooldown") {
    durations(name, values);
    return { name, values, apply: (r, v) => ({ ...r, [name]: v }) };
  }
  const metric = ALIASES[name] ?? name;
  if (!rule.when.some((t) => t.metric === metric)) throw new UsageError(`rule ${rule.id} has no condition on ${metric}; its conditions: ${rule.when.map((t) => t.metric).join(", ")} (or use window, cooldown)`);
  numbers(name, values);
  return { name, values, apply: (r, v) => ({ ...r, when: r.when.map((t) => (t.metric === metric ? { ...t, value: Number(v) } : t)) }) };
}

function combinations(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}
