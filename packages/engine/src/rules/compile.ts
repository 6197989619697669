import type { Predicate, Rule, Threshold, EventField } from "./schema.js";
import type { RulePackDoc } from "./load.js";
import { fieldReader, type FieldValue } from "./fields.js";
import type { ObservedEvent } from "../event/observed-event.js";
import { parseDuration } from "../util/duration.js";
import { matchGate, type MatchGate } from "./match-gate.js";

/** A threshold's metric, parsed: what is measured over a key's window. */
export type MetricName =
  | { kind: "count" }
  | { kind: "peakRps" }
  | { kind: "signatureHits"; cls?: string }
  | { kind: "distinct"; field: EventField }
  | { kind: "statusClass"; cls: number }
  | { kind: "ratio"; cls: number }
  | { kind: "share" }
  | { kind: "percentile"; p: 50 | 95; field: EventField };

export interface CompiledThreshold extends Threshold {
  m: MetricName;
}

export interface CompiledRule {
  rule: Rule;
  pack: RulePackDoc;
  windowMs: number;
  cooldownMs: number;
  /** Full match; it runs only for events its gate lets through. */
  match: (ev: ObservedEvent) => boolean;
  /** What the match needs of the status, method, signature hits and request target (see GateIndex). */
  gate: MatchGate;
  when: CompiledThreshold[];
  /** Fields whose distinct values the window must count. */
  distinctFields: EventField[];
  /** Fields whose values the window must keep for percentiles. */
  percentileFields: EventField[];
  /** The `of` of a share condition: the key's traffic that events the rule counts are a share of. */
  shareOf: ((ev: ObservedEvent) => boolean) | undefined;
  /** For `skipAnswered`: the requests whose 2xx/3xx answers say a path exists (predicates but status and method). */
  answeredSubject: ((ev: ObservedEvent) => boolean) | undefined;
  skipAnswered: { by: "path" | "firstSegment"; withinMs: number } | undefined;
}

/**
 * A conjunction of predicates as one test; `signature` predicates read the hits of `pack`. The predicates are
 * pure, so they run cheapest first: a number compared before a path sliced into its file name, a regex last.
 */
export function compileMatch(match: Predicate[], pack: string): (ev: ObservedEvent) => boolean {
  const sorted = [...match].sort((a, b) => costOf(a) - costOf(b));
  // Several tests of one derived field (a file name that must be 6 characters and have no lower case) read it once.
  const fields = [...new Set(sorted.map((p) => p.field))];
  return allOf(
    fields.map((f) => {
      const preds = sorted.filter((p) => p.field === f);
      if (preds.length === 1 || f === "signature") return allOf(preds.map((p) => compilePredicate(p, pack)));
      const tests = preds.map(valueTest);
      const read = fieldReader(f, pack);
      return (ev: ObservedEvent) => {
        const v = read(ev);
        for (let i = 0; i < tests.length; i++) if (!tests[i](v)) return false;
        return true;
      };
    }),
  );
}

/** Fields a reader derives (a slice, a decoded copy, a lookup), against plain fields of the event. */
const DERIVED_COST: Partial<Record<EventField, number>> = { static: 1, uri: 2, fileName: 2, fileExt: 2, fileFrag: 2, fileDir: 2, upstreamStatus: 1, upstreamAddr: 1, uriDecoded: 3, uriFormDecoded: 3 };
const OP_COST: Record<Predicate["op"], number> = { equals: 0, in: 0, notIn: 0, gt: 0, lt: 0, gte: 0, lte: 0, startsWith: 1, endsWith: 1, contains: 2, regex: 3 };

function costOf(p: Predicate): number {
  return (DERIVED_COST[p.field] ?? 0) + OP_COST[p.op];
}

/** The necessary conditions of `match` that GateIndex reads without running it. */
export function compileGate(match: Predicate[], pack: string): MatchGate {
  return matchGate(match, pack, {
    predicate: (p) => compilePredicate(p, pack),
    value: valueTest,
  });
}

export function compileRule(rule: Rule, pack: RulePackDoc): CompiledRule {
  const windowMs = parseDuration(rule.window)!;
  const when = rule.when.map((t) => ({ ...t, m: parseMetric(t.metric) }));
  const distinctFields = [...new Set(when.flatMap((t) => (t.m.kind === "distinct" ? [t.m.field] : [])))];
  const percentileFields = [...new Set(when.flatMap((t) => (t.m.kind === "percentile" ? [t.m.field] : [])))];
  const of = rule.when.find((t) => t.of)?.of;
  const subject = rule.match.filter((p) => p.field !== "status" && p.field !== "method");
  return {
    rule,
    pack,
    windowMs,
    cooldownMs: rule.cooldown ? parseDuration(rule.cooldown)! : windowMs,
    match: compileMatch(rule.match, pack.name),
    gate: compileGate(rule.match, pack.name),
    when,
    distinctFields,
    percentileFields,
    shareOf: of ? allOf(of.map((p) => compilePredicate(p, pack.name))) : undefined,
    answeredSubject: rule.skipAnswered ? allOf(subject.map((p) => compilePredicate(p, pack.name))) : undefined,
    skipAnswered: rule.skipAnswered ? { by: rule.skipAnswered.by, withinMs: parseDuration(rule.skipAnswered.within)! } : undefined,
  };
}

/** Conjunction without a per-call closure: this runs for every rule on every event. */
function allOf(preds: Array<(ev: ObservedEvent) => boolean>): (ev: ObservedEvent) => boolean {
  const [a, b, c] = preds;
  switch (preds.length) {
    case 0:
      return () => true;
    case 1:
      return a;
    case 2:
      return (ev) => a(ev) && b(ev);
    case 3:
      return (ev) => a(ev) && b(ev) && c(ev);
  }
  return (ev) => {
    for (let i = 0; i < preds.length; i++) if (!preds[i](ev)) return false;
    return true;
  };
}

/** A validated metric expression (see MetricExpr) as a {@link MetricName}. */
export function parseMetric(expr: string): MetricName {
  const m = /^(\w+)(?:\(([\w-]+)\))?$/.exec(expr)!;
  const [, name, arg] = m;
  switch (name) {
    case "count":
      return { kind: "count" };
    case "peakRps":
      return { kind: "peakRps" };
    case "signatureHits":
      return { kind: "signatureHits", cls: arg };
    case "distinct":
      return { kind: "distinct", field: arg as EventField };
    case "statusClass":
      return { kind: "statusClass", cls: Number(arg[0]) };
    case "ratio":
      return { kind: "ratio", cls: Number(arg[0]) };
    case "share":
      return { kind: "share" };
    default:
      return { kind: "percentile", p: name === "p50" ? 50 : 95, field: arg as EventField };
  }
}

function compilePredicate(p: Predicate, pack: string): (ev: ObservedEvent) => boolean {
  const negate = p.not === true;
  if (p.field === "signature" && (p.op === "in" || p.op === "equals")) {
    // The hot case of every signature rule: read the event's hits in place instead of building a list.
    const wanted = new Set((Array.isArray(p.value) ? p.value : [p.value]).map(String));
    return (ev) => {
      const hits = ev.signatures?.get(pack);
      let found = false;
      if (hits) for (let i = 0; i < hits.length && !found; i++) found = wanted.has(hits[i].cls);
      return found !== negate;
    };
  }
  const test = valueTest(p);
  const read = fieldReader(p.field, pack);
  return (ev) => test(read(ev));
}

/** The predicate's comparison of a value of its field, `not` applied. */
function valueTest(p: Predicate): (v: FieldValue) => boolean {
  const test = compileTest(p);
  return p.not ? (v) => !test(v) : test;
}

function compileTest(p: Predicate): (v: FieldValue) => boolean {
  const values = Array.isArray(p.value) ? p.value : [p.value];
  const first = values[0];
  const anyOf = (f: (s: string) => boolean) => (v: FieldValue) =>
    Array.isArray(v) ? v.some(f) : v !== undefined && f(String(v));
  switch (p.op) {
    case "equals":
      return (v) => (Array.isArray(v) ? v.includes(String(first)) : v === first || (v !== undefined && String(v) === String(first)));
    case "in":
    case "notIn": {
      const set = new Set(values.map(String));
      // Statuses are numbers: test them against the numeric members without converting each to a string.
      const nums = new Set(values.map(Number).filter((n) => !Number.isNaN(n)));
      const strings = anyOf((s) => set.has(s));
      const inSet = (v: FieldValue) => (typeof v === "number" ? nums.has(v) : strings(v));
      return p.op === "in" ? inSet : (v) => !inSet(v);
    }
    case "contains": {
      const needles = values.map((x) => String(x).toLowerCase());
      return anyOf((s) => {
        const hay = s.toLowerCase();
        return needles.some((n) => hay.includes(n));
      });
    }
    case "startsWith":
      return anyOf((s) => values.some((x) => s.startsWith(String(x))));
    case "endsWith":
      return anyOf((s) => values.some((x) => s.endsWith(String(x))));
    case "regex": {
      const res = values.map((x) => new RegExp(String(x)));
      return anyOf((s) => res.some((re) => re.test(s.length > 8192 ? s.slice(0, 8192) : s)));
    }
    case "gt":
      return (v) => typeof v === "number" && v > Number(first);
    case "lt":
      return (v) => typeof v === "number" && v < Number(first);
    case "gte":
      return (v) => typeof v === "number" && v >= Number(first);
    case "lte":
      return (v) => typeof v === "number" && v <= Number(first);
  }
}

export function describeThreshold(t: CompiledThreshold, windowMs: number): string {
  const of = t.of ? ` of ${t.of.map(describePredicate).join(" and ")}` : "";
  return `${t.metric}${of} ${t.op} ${t.value} within ${windowMs / 1000}s`;
}

function describePredicate(p: Predicate): string {
  return `${p.not ? "not " : ""}${p.field} ${p.op} ${Array.isArray(p.value) ? `[${p.value.join(", ")}]` : String(p.value)}`;
}

export function meets(observed: number, t: Threshold): boolean {
  switch (t.op) {
    case ">=":
      return observed >= t.value;
    case ">":
      return observed > t.value;
    case "<=":
      return observed <= t.value;
    case "<":
      return observed < t.value;
  }
}
