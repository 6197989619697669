import { needsNoAnalysis, packRegexes, regexVerdict, type RulePackDoc } from "@edgeproof/engine";
import { recheckChecker } from "../regex-check.js";
import type { LintFinding } from "./lint-checks.js";

/**
 * The pack's regexes judged by the same policy `run` applies when it loads a pack (engine rules/regex-safety.ts):
 * refused patterns are errors; one the analyser could not decide within `timeoutMs` is a warning here, since
 * lint may run with a shorter budget than loading does.
 */
export function regexFindings(pack: RulePackDoc, timeoutMs: number): LintFinding[] {
  const out: LintFinding[] = [];
  const check = recheckChecker(timeoutMs);
  for (const r of packRegexes(pack)) {
    if (needsNoAnalysis(r.source)) continue;
    const d = check(r.source, r.flags);
    const where = r.origin ? ` in ${r.origin}` : "";
    if (d.status === "unknown") out.push({ level: "warning", path: r.path, message: `regex /${r.source}/${where} could not be proven linear-time within ${timeoutMs} ms (${d.error?.kind ?? "unknown"})` });
    else {
      const why = regexVerdict(d);
      if (why) out.push({ level: "error", path: r.path, message: `regex /${r.source}/${where} is not linear-time (${why})` });
    }
  }
  return out;
}
