import { writeFileSync } from "node:fs";
import { defaultRulesDir } from "../rule-packs.js";
import { UsageError } from "../time-arg.js";
import { runTests } from "../rule-tests/run-tests.js";
import { updateGolden } from "../rule-tests/golden.js";
import { ruleCoverage } from "../rule-tests/coverage.js";
import { renderMarkdown, renderText } from "../rule-tests/report.js";
import { EXIT } from "./run.js";

export interface TestOptions {
  rules?: string[];
  update?: boolean;
  report: "text" | "markdown";
  output?: string;
  seed?: string;
  metamorphicRuns: string;
}

export async function testCommand(paths: string[], opts: TestOptions): Promise<number> {
  const seed = opts.seed === undefined ? undefined : intArg("--seed", opts.seed);
  const metamorphicRuns = intArg("--metamorphic-runs", opts.metamorphicRuns);
  const targets = paths.length ? paths : [defaultRulesDir()];
  const { results, packs } = await runTests(targets, { rules: opts.rules, seed, metamorphicRuns });
  if (!results.length) throw new UsageError(`no tests found under ${targets.join(", ")} (a test is a folder with expected.yaml or a log with "# expect:" lines)`);

  if (opts.update) {
    for (const r of results) {
      if (r.problems.length && !r.agreement) continue;
      const diff = updateGolden(r);
      if (diff.length) process.stdout.write(`updated ${r.test.specFile}\n${diff.map((d) => `  ${d.sign} ${d.text}`).join("\n")}\n`);
      // The new golden is the result: what remains are failures no golden can fix.
      r.mismatches = [];
      r.passed = !r.problems.length && !r.metamorphicFailures.length;
    }
  }

  const cov = ruleCoverage(packs, results);
  const args = [...paths, ...(opts.rules ?? []).flatMap((r) => ["--rules", r])].join(" ");
  const text =
    opts.report === "markdown"
      ? renderMarkdown(results, cov, `edgeproof test ${args} --report markdown`.replace(/\s+/g, " "))
      : renderText(results, cov, seed !== undefined ? `seed ${seed}` : "");
  if (opts.output) writeFileSync(opts.output, text);
  else process.stdout.write(text);
  const failed = results.filter((r) => !r.passed).length;
  if (opts.output) process.stdout.write(`wrote ${opts.output}: ${results.length - failed} passed, ${failed} failed\n`);
  return failed ? EXIT.failure : EXIT.ok;
}

function intArg(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${name} must be a non-negative integer, got "${text}"`);
  return Number(text);
}
