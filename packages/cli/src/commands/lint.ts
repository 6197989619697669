import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { RulePackError, type RulePackDoc } from "@edgeproof/engine";
import { loadPacks, packFiles } from "../rule-packs.js";
import { UsageError } from "../time-arg.js";
import { lintPack, type LintFinding } from "../rule-tests/lint-checks.js";
import { regexFindings } from "../rule-tests/regex-safety.js";
import { yamlPositions } from "../rule-tests/yaml-position.js";
import { runTests } from "../rule-tests/run-tests.js";
import { coveragePercent, ruleCoverage } from "../rule-tests/coverage.js";
import { EXIT } from "./run.js";

export interface LintOptions {
  tests?: string[];
  regexTimeout: string;
}

/**
 * Exit 2 when a pack does not load (schema, unknown fields, missing list files), 1 when a pack loads but
 * has errors (unreachable, never-firing or duplicate rules, ReDoS-prone regexes), 0 otherwise.
 */
export async function lintCommand(paths: string[], opts: LintOptions): Promise<number> {
  if (!paths.length) throw new UsageError("give the pack files or folders to lint");
  const timeout = Number(opts.regexTimeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--regex-timeout must be a positive number of milliseconds, got "${opts.regexTimeout}"`);
  const lines: string[] = [];
  let invalid = false;
  let errors = 0;
  const packs: RulePackDoc[] = [];
  for (const file of packFiles(paths)) {
    try {
      // Lint reports unsafe regexes as findings of its own rather than refusing the pack.
      const [pack] = loadPacks([file], { regexSafety: false });
      packs.push(pack);
      const pos = yamlPositions(readFileSync(file, "utf8"));
      const findings: LintFinding[] = [...lintPack(pack), ...regexFindings(pack, timeout)];
      for (const f of findings) {
        const { line, col } = pos(f.path);
        lines.push(`${file}:${line}:${col}: ${f.level}: ${f.message}`);
        if (f.level === "error") errors++;
      }
    } catch (err) {
      if (!(err instanceof RulePackError)) throw err;
      invalid = true;
      lines.push(...err.message.split("\n").map((l) => (/^\S+:\d+:\d+/.test(l) ? l.replace(/^(\S+:\d+:\d+):?\s*/, "$1: error: ") : l)));
    }
  }

  const testPaths = opts.tests ?? [...new Set(packFiles(paths).map((f) => join(dirname(f), "tests")))].filter(existsSync);
  if (packs.length && testPaths.length) {
    const { results } = await runTests(testPaths, { rules: packs.map((p) => p.file), metamorphicRuns: 0 });
    const cov = ruleCoverage(packs, results);
    lines.push(`coverage: ${coveragePercent(cov)}% of ${cov.length} rules fire in a test (${results.length} tests under ${testPaths.map((p) => relative(process.cwd(), p) || ".").join(", ")})`);
    for (const c of cov) {
      if (!c.positive.length) lines.push(`  ${c.pack}/${c.rule}: no test makes it fire`);
      else if (!c.negative.length) lines.push(`  ${c.pack}/${c.rule}: no negative test (one that forbids it or where it comes close without firing)`);
    }
  } else if (packs.length) {
    lines.push(`coverage: no tests found (looked for tests/ next to each pack; name others with --tests)`);
  }
  lines.push(`${packFiles(paths).length} pack file(s): ${invalid ? "invalid" : errors ? `${errors} error(s)` : "ok"}`);
  process.stdout.write(lines.join("\n") + "\n");
  return invalid ? EXIT.usage : errors ? EXIT.failure : EXIT.ok;
}
