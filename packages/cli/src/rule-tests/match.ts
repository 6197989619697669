import type { Incident, IncidentKey } from "@edgeproof/engine";
import type { AbsentExpectation, Bound, ExpectedFile, IncidentExpectation, KeyExpect } from "./expected-schema.js";

/** Whether a rule reference (RULE, PACK/RULE or KIND/RULE) names the incident's rule. */
export function ruleMatches(ref: string, i: { ruleId: string; kind: string; pack: { name: string } }): boolean {
  const slash = ref.indexOf("/");
  if (slash < 0) return ref === i.ruleId;
  const scope = ref.slice(0, slash);
  return ref.slice(slash + 1) === i.ruleId && (scope === i.pack.name || scope === i.kind);
}

/**
 * Whether the incident holds a finding of the rule: one incident of an actor stands for every rule that fired
 * for its key, so an expectation or an exclusion naming any of them is about it.
 */
export function hasFinding(ref: string, i: Incident): boolean {
  if (!i.findings.length) return ruleMatches(ref, i);
  return i.findings.some((f) => ruleMatches(ref, { ruleId: f.ruleId, kind: i.kind, pack: { name: f.pack } }));
}

/** The incident's findings as rule ids, in the order they opened. */
export function findingRules(i: Incident): string[] {
  return i.findings.length ? i.findings.map((f) => f.ruleId) : [i.ruleId];
}

export function keyMatches(want: KeyExpect | undefined, have: IncidentKey): boolean {
  if (!want) return true;
  return (Object.keys(want) as Array<keyof KeyExpect>).every((f) => want[f] === undefined || want[f] === have[f]);
}

function within(v: number | undefined, b: Bound): boolean {
  if (v === undefined) return false;
  if (typeof b === "number") return v === b;
  return (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max);
}

export function expectationMatches(e: IncidentExpectation, i: Incident): boolean {
  if (!hasFinding(e.rule, i) || !keyMatches(e.key, i.key)) return false;
  if (e.findings && (e.findings.length !== i.findings.length || !e.findings.every((f) => hasFinding(f, i)))) return false;
  if (e.severity && e.severity !== i.severity) return false;
  if (e.outcome && e.outcome !== i.outcome) return false;
  for (const [name, b] of Object.entries(e.metrics ?? {})) if (b !== undefined && !within(i.metrics[name as keyof Incident["metrics"]] as number | undefined, b)) return false;
  return true;
}

function absentMatches(a: AbsentExpectation, i: Incident): boolean {
  return (!a.rule || hasFinding(a.rule, i)) && keyMatches(a.key, i.key) && (!a.kind || a.kind === i.kind);
}

export function describeKey(k: IncidentKey | KeyExpect | undefined): string {
  const parts = Object.entries(k ?? {}).filter(([, v]) => v !== undefined).map(([f, v]) => `${f}=${v}`);
  return parts.length ? parts.join(",") : "any key";
}

export function describeIncident(i: Incident): string {
  const more = i.findings.length > 1 ? ` (+${findingRules(i).slice(1).join(",")})` : "";
  return `${i.pack.name}/${i.ruleId}${more} ${describeKey(i.key)} ${i.severity}${i.outcome ? ` ${i.outcome}` : ""} [${i.window.start} .. ${i.window.end}] requests=${i.metrics.requests} distinctPaths=${i.metrics.distinctPaths}`;
}

export function describeExpectation(e: IncidentExpectation): string {
  const extras = [e.findings ? `findings=${e.findings.join(",")}` : undefined, e.severity, e.outcome, e.count ? `count=${e.count}` : undefined, ...Object.entries(e.metrics ?? {}).map(([m, b]) => `${m}${typeof b === "number" ? `=${b}` : `${b!.min !== undefined ? `>=${b!.min}` : ""}${b!.max !== undefined ? `<=${b!.max}` : ""}`}`)];
  return [e.rule, describeKey(e.key), ...extras.filter(Boolean)].join(" ");
}

/** One difference between what the test expects and what happened, as a diff line. */
export interface Mismatch {
  sign: "-" | "+";
  text: string;
}

/**
 * Diff of expectations against incidents: `-` an expectation nothing satisfied (or satisfied the wrong
 * number of times), `+` an incident that should not be there (forbidden, or unexpected in an exact test).
 */
export function compareIncidents(expected: Pick<ExpectedFile, "incidents" | "absent" | "exact">, actual: Incident[]): Mismatch[] {
  const out: Mismatch[] = [];
  const claimed = new Set<Incident>();
  for (const e of expected.incidents) {
    const hits = actual.filter((i) => expectationMatches(e, i));
    hits.forEach((h) => claimed.add(h));
    if (!hits.length) out.push({ sign: "-", text: `${describeExpectation(e)}${nearest(e, actual)}` });
    else if (e.count !== undefined && hits.length !== e.count) out.push({ sign: "-", text: `${describeExpectation(e)} (matched ${hits.length} incidents)` });
  }
  for (const i of actual) {
    const forbidden = expected.absent.find((a) => absentMatches(a, i));
    if (forbidden) out.push({ sign: "+", text: `${describeIncident(i)} (forbidden by absent: ${forbidden.rule ?? "any rule"} ${describeKey(forbidden.key)})` });
    else if (expected.exact && !claimed.has(i)) out.push({ sign: "+", text: `${describeIncident(i)} (unexpected)` });
  }
  return out;
}

/** When a same-rule same-key incident exists but differs, say how: that is what the user needs to see. */
function nearest(e: IncidentExpectation, actual: Incident[]): string {
  const close = actual.find((i) => hasFinding(e.rule, i) && keyMatches(e.key, i.key));
  return close ? ` (closest: ${describeIncident(close)})` : "";
}
