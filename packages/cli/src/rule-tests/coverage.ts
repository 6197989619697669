import type { RulePackDoc } from "@edgeproof/engine";
import { ruleMatches } from "./match.js";
import type { CaseResult } from "./run-tests.js";

export interface RuleCoverage {
  pack: string;
  rule: string;
  /** Tests in which the rule fired and an expectation asked for it. */
  positive: string[];
  /** Tests that forbid the rule's incident, or in which it came close (a near miss) without firing in an exact test. */
  negative: string[];
}

/**
 * Which rules of the packs the tests exercise, positively and negatively. A rule a pack ships disabled (an
 * imported scenario the default set leaves off) never runs with the pack, so no test of the pack can exercise it.
 */
export function ruleCoverage(packs: RulePackDoc[], results: CaseResult[]): RuleCoverage[] {
  const out: RuleCoverage[] = [];
  for (const pack of packs) {
    for (const rule of pack.rules) {
      if (!rule.enabled) continue;
      const self = { ruleId: rule.id, kind: rule.kind, pack: { name: pack.name } };
      const cov: RuleCoverage = { pack: pack.name, rule: rule.id, positive: [], negative: [] };
      for (const r of results) {
        // A test with its own pack override does not exercise the pack under test.
        if (r.test.expected.rules) continue;
        const e = r.test.expected;
        const fired = r.incidents.some((i) => i.findings.some((f) => f.pack === pack.name && f.ruleId === rule.id));
        if (fired && e.incidents.some((x) => ruleMatches(x.rule, self) || x.findings?.some((f) => ruleMatches(f, self)))) cov.positive.push(r.test.name);
        const forbidden = e.absent.some((a) => (!a.rule || ruleMatches(a.rule, self)) && (!a.kind || a.kind === rule.kind));
        const nearMiss = e.exact && !fired && r.nearMisses.some((m) => m.pack === pack.name && m.ruleId === rule.id);
        if (forbidden || nearMiss) cov.negative.push(r.test.name);
      }
      out.push(cov);
    }
  }
  return out;
}

export function coveragePercent(cov: RuleCoverage[]): number {
  if (!cov.length) return 100;
  return Math.round((cov.filter((c) => c.positive.length).length / cov.length) * 1000) / 10;
}
