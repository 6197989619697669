import type { RulePackDoc } from "./load.js";
import { RulePackError, formatPath, type PackProblem } from "./problems.js";

/**
 * ReDoS protection for pack regexes.
 *
 * JavaScript has no linear-time regex engine, and cutting the input (the matchers cut every value to 8 KiB) does
 * not help against exponential patterns: `(a+)+$` hangs on 30 characters. So every pattern a pack compiles must be
 * proven safe when the pack is loaded. The proof needs a real analyser (recheck: 2.8 MB, and its pure-JS mode
 * reads a clock for its timeout), which does not belong in this pure, browser-bundled engine; the engine owns the
 * list of what to check and the policy, and the caller supplies the analyser (the CLI passes recheck).
 *
 * Policy: exponential and polynomial of degree ≥ 3 are rejected; quadratic is accepted because the 8 KiB cut bounds
 * it (measured: `foo.*bar` on 8 KiB of `foo` takes ~25 ms, while a cubic `a.*a.*b` takes minutes); a pattern the
 * analyser cannot decide in time is rejected, since it cannot be shown safe.
 */

/** The subset of recheck's `Diagnostics` the policy reads (structural, so the engine does not import recheck). */
export interface RegexDiagnostics {
  status: "safe" | "vulnerable" | "unknown";
  complexity?: { type: string; degree?: number };
  attack?: { pattern: string };
  error?: { kind: string };
}

/** Analyses one pattern with the flags it is compiled with, synchronously. */
export type RegexChecker = (source: string, flags: string) => RegexDiagnostics;

/** One regex a loaded pack will compile, where it comes from, and its flags. */
export interface PackRegex {
  source: string;
  flags: string;
  /** YAML path of the pack node that holds or names it. */
  path: Array<string | number>;
  /** Where a list entry comes from, e.g. `list "tech" (lists/tech.json)`; empty for rule predicates. */
  origin: string;
}

/** Every regex the engine compiles for this pack: `op: regex` predicates, and regex entries of lists. */
export function packRegexes(pack: RulePackDoc): PackRegex[] {
  const out: PackRegex[] = [];
  pack.rules.forEach((rule, i) =>
    rule.match.forEach((p, j) => {
      if (p.op !== "regex") return;
      const values = Array.isArray(p.value) ? p.value : [p.value];
      values.forEach((v, k) => out.push({ source: String(v), flags: "", path: ["rules", i, "match", j, "value", ...(Array.isArray(p.value) ? [k] : [])], origin: "" }));
    }),
  );
  for (const [name, list] of Object.entries(pack.lists)) {
    const flags = list.spec.caseSensitive ? "" : "i";
    for (const e of list.entries) {
      if (e.match !== "regex") continue;
      const item = list.spec.items?.findIndex((x) => x.trim() === e.value) ?? -1;
      const path = list.spec.file ? ["lists", name, "file"] : item >= 0 ? ["lists", name, "items", item] : ["lists", name];
      out.push({ source: e.value, flags, path, origin: `list "${name}"${list.spec.file ? ` (${list.spec.file})` : ""}` });
    }
  }
  return out;
}

/**
 * True when a pattern is within the policy without running the analyser: at most one repetition (`*`, `+`,
 * `{n,m}`) outside escapes and character classes, on a single character or class rather than a group. Such a
 * pattern backtracks over at most one run per start position: linear or quadratic, and regexVerdict accepts
 * both (values are cut at 8 KiB). `(?:^|&)author=[0-9]+(?:&|$)` qualifies; `(a+)+` and `a+b+` do not.
 */
export function needsNoAnalysis(source: string): boolean {
  const atoms = source.replace(/\\./g, "a").replace(/\[(?:\\.|[^\]\\])*\]/g, "a");
  const repeats = [...atoms.matchAll(/[*+{]/g)];
  return repeats.length === 0 || (repeats.length === 1 && repeats[0].index > 0 && atoms[repeats[0].index - 1] !== ")");
}

/** The reason a diagnosed pattern is refused, or undefined when the policy accepts it. */
export function regexVerdict(d: RegexDiagnostics): string | undefined {
  const attack = d.attack ? `; e.g. ${d.attack.pattern}` : "";
  if (d.status === "unknown") return `could not be proven free of catastrophic backtracking (${d.error?.kind ?? "unknown"}); simplify it`;
  if (d.status !== "vulnerable") return undefined;
  if (d.complexity?.type === "exponential") return `catastrophic backtracking (exponential time)${attack}; remove nested or overlapping quantifiers`;
  const degree = d.complexity?.degree ?? 0;
  if (degree >= 3) return `backtracking of polynomial degree ${degree} (minutes on an 8 KiB value)${attack}; anchor it or remove repeated \`.*\``;
  return undefined;
}

/** One positioned problem per refused regex. `position` maps a YAML path of the pack text to line:col. */
export function unsafeRegexProblems(pack: RulePackDoc, check: RegexChecker, position: (path: Array<string | number>) => { line: number; col: number }): PackProblem[] {
  const problems: PackProblem[] = [];
  const verdicts = new Map<string, string | undefined>();
  for (const r of packRegexes(pack)) {
    if (needsNoAnalysis(r.source)) continue;
    const key = `${r.flags}/${r.source}`;
    if (!verdicts.has(key)) verdicts.set(key, regexVerdict(check(r.source, r.flags)));
    const why = verdicts.get(key);
    if (!why) continue;
    const { line, col } = position(r.path);
    problems.push({ file: pack.file, line, col, path: formatPath(r.path), message: `${r.origin ? `${r.origin}: ` : ""}regex /${r.source}/${r.flags} rejected: ${why}` });
  }
  return problems;
}

/** Throws RulePackError naming every refused regex with file:line:col; returns the pack when all are safe. */
export function assertSafeRegexes(pack: RulePackDoc, check: RegexChecker, position: (path: Array<string | number>) => { line: number; col: number }): RulePackDoc {
  const problems = unsafeRegexProblems(pack, check, position);
  if (problems.length) throw new RulePackError(problems);
  return pack;
}
