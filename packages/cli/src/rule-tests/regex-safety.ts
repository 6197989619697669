import { createRequire } from "node:module";
import type * as Recheck from "recheck";
import type { RulePackDoc } from "@edgeproof/engine";
import type { LintFinding } from "./lint-checks.js";

/**
 * Every regex of a pack (rule predicates and regex list entries) checked for super-linear backtracking
 * with recheck; `timeoutMs` bounds each check, and a check that runs out of time is reported as unknown.
 */
export function regexFindings(pack: RulePackDoc, timeoutMs: number): LintFinding[] {
  const out: LintFinding[] = [];
  // Loaded at run time, not bundled: recheck finds its worker and native checker relative to its own files.
  const { checkSync } = createRequire(import.meta.url)("recheck") as typeof Recheck;
  const check = (source: string, path: Array<string | number>) => {
    const d = checkSync(source, "", { timeout: timeoutMs });
    if (d.status === "vulnerable") out.push({ level: "error", path, message: `regex /${source}/ is not linear-time (ReDoS, ${d.complexity.type}${d.attack ? `; attack string e.g. ${JSON.stringify(d.attack.pattern)}` : ""})` });
    else if (d.status === "unknown") out.push({ level: "warning", path, message: `regex /${source}/ could not be proven linear-time within ${timeoutMs} ms (${d.error.kind})` });
  };
  pack.rules.forEach((r, i) =>
    r.match.forEach((p, j) => {
      if (p.op === "regex") for (const v of Array.isArray(p.value) ? p.value : [p.value]) check(String(v), ["rules", i, "match", j, "value"]);
    }),
  );
  for (const [name, list] of Object.entries(pack.lists)) for (const e of list.entries) if (e.match === "regex") check(e.value, ["lists", name]);
  return out;
}
