/**
 * `npm run bench:ab -- REV_A REV_B [...]`: the CLI built at each revision ("." for the working tree), run on the
 * same file in interleaved turns, so a change's effect is read as a ratio within one sitting rather than
 * between two benchmark runs hours apart (this machine drifts by ±15% over an hour).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ensureDataset } from "./lib/datasets.js";
import { cliAt } from "./lib/cli-at.js";
import { timeProcess } from "./lib/measure.js";
import { renderAb, type AbVariant } from "./lib/ab-report.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "bench/out");
const USAGE = `usage: npm run bench:ab -- REV REV... [--file LOG] [--repeats N] [--own-rules]
  REV          a git revision, or . for the working tree (the first is the baseline)
  --file       the log to run on (default: the benchmark's generated 1M-line upstreaminfo file)
  --repeats    runs per revision, interleaved (default 5)
  --own-rules  each revision runs its own rules/ (for a change to the packs or their schema), not the working tree's`;

const log = (s: string) => process.stderr.write(`[bench:ab] ${s}\n`);

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { file: { type: "string" }, repeats: { type: "string", default: "5" }, "own-rules": { type: "boolean", default: false }, help: { type: "boolean", default: false } } });
  const repeats = Number(values.repeats);
  if (values.help || positionals.length < 2 || !Number.isInteger(repeats) || repeats < 1) {
    process.stdout.write(USAGE + "\n");
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const input = values.file
    ? { name: values.file, file: values.file, lines: 0 }
    : ensureDataset(join(OUT, "data"), "upstreaminfo-1000000", { lines: 1_000_000, format: "upstreaminfo", clients: 50_000, seed: 1, mode: "mixed" }, log);
  const clis = positionals.map((rev) => cliAt(ROOT, rev, join(OUT, "ab"), log));
  const variants: AbVariant[] = clis.map((c) => ({ label: c.label, runs: [] }));
  for (let i = 0; i < repeats; i++) {
    clis.forEach((c, k) => {
      // By default both run the working tree's rules: an A/B of code on the same work. A detection change
      // (new rules, a new schema) is measured with each revision's own rules instead: its cost is both.
      const rules = values["own-rules"] ? c.rules : join(ROOT, "rules");
      const r = timeProcess(process.execPath, [c.bin, "run", input.file, "--format", "json", "--rules", rules], { keepStdout: true, cwd: ROOT });
      const outputSha = createHash("sha256").update(r.stdout).digest("hex");
      variants[k].runs.push({ ...r, stdout: "", outputSha });
      if (!input.lines && r.status === 0) input.lines = (JSON.parse(r.stdout) as { stats: { lines: number } }).stats.lines;
      log(`run ${i + 1}/${repeats} ${c.label}: ${r.wallS.toFixed(2)} s, ${r.maxRssMB.toFixed(0)} MB, exit ${r.status}`);
    });
  }
  process.stdout.write(renderAb(input, variants, { ownRules: values["own-rules"] }) + "\n");
}

main();
