import type { Rule, RulePackDoc, Threshold } from "@edgeproof/engine";
import { parseDuration } from "@edgeproof/engine";

/** A metric expression's name and argument (`distinct(path)` → distinct, path); the schema already validated it. */
function parseMetric(expr: string): { kind: string; field?: string } {
  const m = /^(\w+)(?:\(([\w-]+)\))?$/.exec(expr);
  return { kind: m?.[1] ?? expr, field: m?.[2] };
}

export interface LintFinding {
  level: "error" | "warning";
  /** Schema path of what the finding is about, e.g. rules[3].when[0]. */
  path: Array<string | number>;
  message: string;
}

const canon = (x: unknown) => JSON.stringify(x, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
const isLower = (t: Threshold) => t.op === ">=" || t.op === ">";
const lowest = (t: Threshold) => (t.op === ">" ? t.value + Number.EPSILON : t.value);
const highest = (t: Threshold) => (t.op === "<" ? t.value - Number.EPSILON : t.value);

/** Metrics that can never exceed the request count of the window (each counted request adds at most one). */
const BOUNDED_BY_COUNT = new Set(["distinct", "peakRps", "signatureHits", "statusClass"]);

/**
 * Checks that need no data: rules no request can match, conditions no window can meet, duplicates, and
 * rules shadowed by another that always fires first for the same key. Regexes are checked separately.
 */
export function lintPack(pack: RulePackDoc): LintFinding[] {
  const out: LintFinding[] = [];
  const seen = new Map<string, number>();
  pack.rules.forEach((rule, i) => {
    const at = (...p: Array<string | number>) => ["rules", i, ...p];
    if (!rule.enabled && !rule.disabledBecause) out.push({ level: "warning", path: at("enabled"), message: `rule "${rule.id}" is disabled` });
    const sig = signature(rule);
    if (seen.has(sig)) out.push({ level: "error", path: at("id"), message: `rule "${rule.id}" duplicates rules[${seen.get(sig)}] "${pack.rules[seen.get(sig)!].id}" (same match, groupBy, window and conditions)` });
    else seen.set(sig, i);
    out.push(...unreachableMatch(rule, pack).map((m) => ({ level: "error" as const, path: at("match"), message: `rule "${rule.id}" can never match a request: ${m}` })));
    out.push(...impossibleConditions(rule).map((m) => ({ level: "error" as const, path: at("when"), message: `rule "${rule.id}" can never fire: ${m}` })));
  });
  pack.rules.forEach((b, i) => {
    pack.rules.forEach((a, j) => {
      // Exact duplicates are reported once, above.
      if (i === j || !a.enabled || !b.enabled || signature(a) === signature(b)) return;
      const why = shadows(a, b);
      if (why) out.push({ level: "warning", path: ["rules", i, "when"], message: `rule "${b.id}" is shadowed by "${a.id}": ${why}, so "${a.id}" has always fired for the key first` });
    });
  });
  return out;
}

const signature = (r: Rule) => canon({ k: r.kind, m: r.match, g: [...r.groupBy].sort(), w: r.window, c: r.when });

function unreachableMatch(rule: Rule, pack: RulePackDoc): string[] {
  const out: string[] = [];
  const allowed = new Map<string, Set<string>>();
  for (const p of rule.match) {
    if (p.not) continue;
    const values = Array.isArray(p.value) ? p.value : [p.value];
    if (p.field === "signature") {
      for (const v of values) {
        const spec = pack.signatures[String(v)];
        const lists = spec ? (Array.isArray(spec.list) ? spec.list : [spec.list]) : [];
        if (spec && lists.every((l) => !pack.lists[l]?.entries.length)) out.push(`signature class "${v}" has no list entries`);
      }
    }
    // An event carries several signature classes at once: two signature predicates may both hold.
    if ((p.op !== "equals" && p.op !== "in") || p.field === "signature") continue;
    const set = new Set(values.map(String));
    const prev = allowed.get(p.field);
    const both = prev ? new Set([...prev].filter((x) => set.has(x))) : set;
    if (prev && !both.size) out.push(`${p.field} must be one of [${[...prev].join(", ")}] and one of [${[...set].join(", ")}]`);
    allowed.set(p.field, both);
  }
  return out;
}

function impossibleConditions(rule: Rule): string[] {
  const out: string[] = [];
  const countMax = Math.min(...rule.when.filter((t) => t.metric === "count" && !isLower(t)).map(highest));
  const pinned = new Set(rule.match.filter((p) => !p.not && (p.op === "equals" || (p.op === "in" && Array.isArray(p.value) && p.value.length === 1))).map((p) => p.field));
  for (const t of rule.when) {
    const m = parseMetric(t.metric);
    if (isLower(t) && BOUNDED_BY_COUNT.has(m.kind) && lowest(t) > countMax) out.push(`${t.metric} ${t.op} ${t.value} needs more requests than count allows (at most ${countMax})`);
    if ((m.kind === "ratio" || m.kind === "share") && ((isLower(t) && lowest(t) > 1) || (!isLower(t) && highest(t) < 0))) out.push(`${t.metric} ${t.op} ${t.value}: a ${m.kind} lies between 0 and 1`);
    if (m.kind === "distinct" && pinned.has(m.field as never) && isLower(t) && lowest(t) > 1) out.push(`${t.metric} ${t.op} ${t.value}, but match pins ${m.field} to one value`);
  }
  return out;
}

/**
 * `a` shadows `b` when both key the same way, `a` counts every request `b` counts (its match is a subset of
 * b's predicates), its window is at least as long, and each of a's conditions is implied by one of b's:
 * count ≥ x by count/distinct/peakRps ≥ y with y ≥ x (none can exceed count), distinct(f) ≥ x by distinct(f) ≥ y.
 */
function shadows(a: Rule, b: Rule): string | undefined {
  if (a.kind !== b.kind || canon([...a.groupBy].sort()) !== canon([...b.groupBy].sort())) return undefined;
  const bPreds = new Set(b.match.map(canon));
  if (!a.match.every((p) => bPreds.has(canon(p)))) return undefined;
  if (parseDuration(a.window)! < parseDuration(b.window)!) return undefined;
  const reasons: string[] = [];
  for (const ta of a.when) {
    if (!isLower(ta)) return undefined;
    const ma = parseMetric(ta.metric);
    const by = b.when.find((tb) => {
      if (!isLower(tb) || lowest(tb) < lowest(ta)) return false;
      const mb = parseMetric(tb.metric);
      if (ma.kind === "count") return mb.kind === "count" || BOUNDED_BY_COUNT.has(mb.kind);
      return canon(ma) === canon(mb);
    });
    if (!by) return undefined;
    reasons.push(`${by.metric} ${by.op} ${by.value} implies ${ta.metric} ${ta.op} ${ta.value}`);
  }
  return `${reasons.join(" and ")} within ${a.window}`;
}
