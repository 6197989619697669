import { stats, type ProcessRun } from "./measure.js";

/** One CLI's interleaved runs on the same input, with the digest of what each run wrote. */
export type AbVariant = { label: string; runs: Array<ProcessRun & { outputSha: string }> };

const f2 = (x: number) => x.toFixed(2);
const f1 = (x: number) => x.toFixed(1);

/**
 * The A/B table: the first variant is the baseline, every other one is given as a ratio of medians against it.
 * Runs were interleaved, so the machine's drift over minutes falls on all variants alike.
 */
export function renderAb(input: { name: string; lines: number }, variants: AbVariant[], opts: { ownRules?: boolean } = {}): string {
  const base = stats(variants[0].runs.map((r) => r.wallS)).median;
  const shas = new Set(variants.flatMap((v) => v.runs.map((r) => r.outputSha)));
  const rows = variants.map((v) => {
    const wall = stats(v.runs.map((r) => r.wallS));
    const cpu = stats(v.runs.map((r) => r.cpuS)).median;
    const rss = Math.max(...v.runs.map((r) => r.maxRssMB));
    const out = [...new Set(v.runs.map((r) => r.outputSha.slice(0, 12)))].join(", ");
    const failed = v.runs.filter((r) => r.status !== 0).length;
    return [v.label, f2(wall.median), f2(wall.min), `${f1(input.lines / wall.median / 1e3)} k`, f2(cpu), f1(rss), out + (failed ? ` (${failed} runs failed)` : ""), `${f2(wall.median / base)}×`];
  });
  const head = ["CLI", "median s", "min s", "lines/s", "CPU s", "max RSS MB", "output sha256", "time vs first"];
  return [
    `Input: ${input.name} (${input.lines.toLocaleString("en-US")} lines); ${variants[0].runs.length} interleaved runs each of \`edgeproof run FILE --format json\`${opts.ownRules ? ", each revision with its own rules/" : ""}.`,
    "",
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    shas.size === 1
      ? "Every run wrote the same bytes."
      : opts.ownRules
        ? `Outputs differ (${shas.size} distinct), as they may when each revision runs its own rules; each revision's runs must agree among themselves.`
        : `**Outputs differ** (${shas.size} distinct): the variants do not compute the same thing.`,
  ].join("\n");
}
