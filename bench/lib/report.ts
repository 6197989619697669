import type { Dataset } from "./datasets.js";
import type { Machine } from "./machine.js";
import { stats, type ProcessRun, type Stats } from "./measure.js";
import type { HotSpot } from "./profile.js";
import type { PeerResult, PeerSkip } from "../peers/peers.js";
import type { ChildResult } from "../scenarios/protocol.js";

export type ScenarioRun = { id: string; title: string; dataset: Dataset; runtime: string; results: ChildResult[] };
/** `v8Defaults`: the same run with `EDGEPROOF_GC=v8-defaults`, to show what the CLI's GC tuning trades. */
export type CliRun = { dataset: Dataset; runs: ProcessRun[]; incidents: number | string; wall: Stats; v8Defaults?: boolean };

export type Report = {
  command: string;
  machine: Machine;
  lines: number;
  repeats: number;
  quick: boolean;
  datasets: { upstreaminfo: Dataset; combined: Dataset; growth?: Dataset; worst: Dataset[]; slice?: Dataset };
  scenarioRuns: ScenarioRun[];
  cliRuns: CliRun[];
  peers: PeerResult[];
  peerSkips: PeerSkip[];
  skipped: Array<{ what: string; why: string }>;
  profile?: { totalMs: number; spots: HotSpot[] };
};

const TARGET_LINES_PER_S = 1_000_000;
const TARGET_RSS_MB = 150;
/** Live heap may grow this much over the second half of the state-growth run and still count as a plateau. */
const PLATEAU_TOLERANCE = 1.2;

const n0 = (x: number) => Math.round(x).toLocaleString("en-US");
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);
const rate = (x: number) => (x >= 1e6 ? `${f2(x / 1e6)} M` : x >= 1e3 ? `${f1(x / 1e3)} k` : n0(x));
const mb = (bytes: number) => f1(bytes / 1e6);
const times = (x: number) => `${x >= 10 ? n0(x) : x >= 0.1 ? f1(x) : x.toPrecision(2)}×`;
const median = (xs: number[]) => stats(xs).median;

function scenarioRate(run: ScenarioRun): number {
  return run.dataset.lines / median(run.results.map((r) => r.seconds));
}

/** The CLI as shipped (not the V8-defaults comparison run) on a dataset. */
function shippedCli(r: Report, ds: Dataset | undefined): CliRun | undefined {
  return r.cliRuns.find((c) => !c.v8Defaults && sameDataset(c.dataset, ds));
}

function cliRate(run: CliRun): number {
  return run.dataset.lines / run.wall.median;
}

function peerRate(p: PeerResult): number {
  return p.lines / median(p.runs.map((r) => r.wallS));
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function scenarioTable(runs: ScenarioRun[]): string {
  return table(
    ["scenario", "runtime", "input", "lines", "min s", "median s", "lines/s (median)", "MB/s (median)", "peak RSS MB", "peak heap MB", "incidents", "rejected lines"],
    runs.map((s) => {
      const secs = stats(s.results.map((r) => r.seconds));
      const last = s.results[s.results.length - 1];
      return [
        `${s.id}: ${s.title}`,
        last.runtime,
        s.dataset.name,
        n0(last.lines),
        f3(secs.min),
        f3(secs.median),
        `**${rate(s.dataset.lines / secs.median)}**`,
        f1(s.dataset.bytes / 1e6 / secs.median),
        f1(Math.max(...s.results.map((r) => r.peakRssMB))),
        f1(Math.max(...s.results.map((r) => r.peakHeapMB))),
        String(last.incidents),
        n0(last.rejected),
      ];
    }),
  );
}

function cliTable(runs: CliRun[]): string {
  return table(
    ["input", "lines", "MB", "min s", "median s", "lines/s (median)", "CPU s (median)", "lines/CPU-s", "peak RSS MB", "incidents", "exit"],
    runs.map((c) => {
      const cpu = median(c.runs.map((r) => r.cpuS));
      return [
        c.v8Defaults ? `${c.dataset.name}, V8's default GC sizing` : c.dataset.name,
        n0(c.dataset.lines),
        mb(c.dataset.bytes),
        f3(c.wall.min),
        f3(c.wall.median),
        `**${rate(cliRate(c))}**`,
        f2(cpu),
        rate(c.dataset.lines / cpu),
        f1(Math.max(...c.runs.map((r) => r.maxRssMB))),
        String(c.incidents),
        [...new Set(c.runs.map((r) => r.status))].join(","),
      ];
    }),
  );
}

function peerTable(peers: PeerResult[]): string {
  return table(
    ["tool (version)", "command", "lines", "min s", "median s", "lines/s (median)", "CPU s (median)", "peak RSS MB", "found"],
    peers.map((p) => {
      const w = stats(p.runs.map((r) => r.wallS));
      return [`${p.tool} (${p.version})`, `\`${p.command}\``, n0(p.lines), f3(w.min), f3(w.median), rate(peerRate(p)), f2(median(p.runs.map((r) => r.cpuS))), f1(Math.max(...p.runs.map((r) => r.maxRssMB))), p.found];
    }),
  );
}

function ratioTable(r: Report): string {
  const cliOn = (ds?: Dataset) => shippedCli(r, ds);
  const inProcess = r.scenarioRuns.find((s) => s.id === "2c" && s.runtime === "node");
  const rows = r.peers.map((p) => {
    const same = p.lines === r.datasets.combined.lines ? r.datasets.combined : r.datasets.slice;
    const cli = cliOn(same);
    const cliRatio = cli ? times(cliRate(cli) / peerRate(p)) : "–";
    const cpuRatio = cli ? times(same!.lines / median(cli.runs.map((x) => x.cpuS)) / (p.lines / median(p.runs.map((x) => x.cpuS)))) : "–";
    const inRatio = inProcess ? times(scenarioRate(inProcess) / peerRate(p)) : "–";
    return [p.tool, same?.name ?? "?", cli ? rate(cliRate(cli)) : "–", rate(peerRate(p)), `**${cliRatio}**`, cpuRatio, inRatio];
  });
  return table(["peer", "same file", "edgeproof run lines/s", "peer lines/s", "edgeproof / peer (wall)", "edgeproof / peer (per CPU-s)", "in-process Pipeline (2c, node) / peer"], rows);
}

function growthSection(r: Report): string {
  const run = r.scenarioRuns.find((s) => s.id === "4" && s.runtime === "node") ?? r.scenarioRuns.find((s) => s.id === "4");
  if (!run) return "Not run (see Skipped).";
  const ordered = [...run.results].sort((a, b) => a.seconds - b.seconds);
  const res = ordered[ordered.length >> 1];
  const samples = res.samples.filter((s) => s.heapAfterGcMB !== undefined);
  const durationMin = 60;
  const rows = samples.map((s) => [
    n0(s.lines),
    f1((s.lines / run.dataset.lines) * durationMin),
    f1(s.heapAfterGcMB!),
    f1(s.rssMB),
    s.activeKeys === undefined ? "–" : n0(s.activeKeys),
  ]);
  // Live heap after a forced GC still swings with where each sample falls in the sweep cycle, so compare
  // the highest sample of each half rather than two single points.
  const half = samples.length >> 1;
  const peak = (xs: typeof samples, f: (s: (typeof samples)[number]) => number | undefined) => Math.max(...xs.map((s) => f(s) ?? 0));
  const [heap1, heap2] = [peak(samples.slice(0, half), (s) => s.heapAfterGcMB), peak(samples.slice(half), (s) => s.heapAfterGcMB)];
  const [keys1, keys2] = [peak(samples.slice(0, half), (s) => s.activeKeys), peak(samples.slice(half), (s) => s.activeKeys)];
  const flat = heap2 <= heap1 * PLATEAU_TOLERANCE && keys2 <= keys1 * PLATEAU_TOLERANCE;
  const verdict = half
    ? `${flat ? "**plateaus**" : "**does not plateau**"}: highest live heap ${f1(heap1)} MB in the first half, ${f1(heap2)} MB in the second; ` +
      `most active keys ${n0(keys1)} then ${n0(keys2)} (plateau = second half ≤ ${PLATEAU_TOLERANCE}× the first).`
    : "no samples";
  return [
    `Input: ${run.dataset.name} (${n0(run.dataset.lines)} lines, each from a distinct client, spread evenly over 60 min of event time). ` +
      `Median run under ${res.runtime}; a forced GC before each sample (its time is excluded from the rate).`,
    "",
    `Verdict: ${verdict}`,
    "",
    table(["lines read", "event time (min)", "live heap after GC (MB)", "RSS (MB)", "active keys"], rows),
  ].join("\n");
}

function targets(r: Report): string {
  const s2 = r.scenarioRuns.find((s) => s.id === "2" && s.runtime === "node");
  const cli = shippedCli(r, r.datasets.upstreaminfo);
  const cliC = shippedCli(r, r.datasets.combined);
  const goaccess = r.peers.find((p) => p.tool === "goaccess");
  const growth = growthSection(r);
  const verdict = (ok: boolean | undefined) => (ok === undefined ? "not measured" : ok ? "met" : "**not met**");
  const rows: string[][] = [
    ["scenario 2 ≥ 1,000,000 lines/s (node, one core)", s2 ? rate(scenarioRate(s2)) : "–", verdict(s2 && scenarioRate(s2) >= TARGET_LINES_PER_S)],
    ["scenario 3 ≥ 1,000,000 lines/s as a whole process", cli ? rate(cliRate(cli)) : "–", verdict(cli && cliRate(cli) >= TARGET_LINES_PER_S)],
    ["scenario 3 ≥ 10× GoAccess on the same file", cliC && goaccess ? times(cliRate(cliC) / peerRate(goaccess)) : "–", verdict(cliC && goaccess ? cliRate(cliC) / peerRate(goaccess) >= 10 : undefined)],
    [`peak RSS ≤ ${TARGET_RSS_MB} MB, 1M lines, 50k clients (edgeproof run)`, cli ? `${f1(Math.max(...cli.runs.map((x) => x.maxRssMB)))} MB` : "–", verdict(cli ? r.lines >= 1e6 && Math.max(...cli.runs.map((x) => x.maxRssMB)) <= TARGET_RSS_MB : undefined)],
    ["scenario 4 plateaus", growth.includes("**plateaus**") ? "yes" : growth.includes("does not plateau") ? "no" : "–", verdict(growth.includes("plateaus**") ? true : growth.includes("does not plateau") ? false : undefined)],
  ];
  return table(["target", "measured", "status"], rows);
}

/**
 * Where a line's time goes on node, from the floor, parse-only and full-path scenarios of this run: the target's
 * per-line budget set against what reading alone costs.
 */
function budget(r: Report): string {
  const node = (id: string) => r.scenarioRuns.find((s) => s.id === id && s.runtime === "node");
  const [floor, parse, full] = [node("0"), node("1"), node("2")];
  if (!floor || !full) return "";
  const us = (run: ScenarioRun) => 1e6 / scenarioRate(run);
  const budgetUs = 1e6 / TARGET_LINES_PER_S;
  const steps = parse
    ? `parsing it into an HTTPEvent ${f2(us(parse) - us(floor))} µs more (scenario 1); ordering it, matching signatures and every rule's windows ${f2(us(full) - us(parse))} µs more`
    : `everything after that ${f2(us(full) - us(floor))} µs more`;
  return (
    `Per line on node, one core, medians of this run: reading, decoding and splitting ${f2(us(floor))} µs (scenario 0); ${steps} ` +
    `(scenario 2, ${f2(us(full))} µs in all). The ${rate(TARGET_LINES_PER_S)} lines/s target is ${f2(budgetUs)} µs per line, so the floor leaves ` +
    `${f2(budgetUs - us(floor))} µs for what scenario 2 spends ${f2(us(full) - us(floor))} µs on.\n\n` +
    ceilingNote(r, us(floor), budgetUs)
  );
}

/**
 * The ceiling (scenario 0b) bounds any detector from above: what it reaches under each runtime, and whether even it
 * fits the target's budget on node.
 */
function ceilingNote(r: Report, floorUs: number, budgetUs: number): string {
  const runs = r.scenarioRuns.filter((s) => s.id === "0b");
  const node = runs.find((s) => s.runtime === "node");
  if (!node) return "";
  const us = 1e6 / scenarioRate(node);
  const fits = us <= budgetUs;
  return (
    `The ceiling (scenario 0b) is the least any detector of this traffic does per line: it finds the client, time, path, status, user agent ` +
    `and upstream fields without checking or decoding them and counts per client and per upstream in hash tables; no window, no signature, ` +
    `no ordering. On node it takes ${f2(us)} µs per line (${f2(us - floorUs)} µs over the floor): ${rate(scenarioRate(node))} lines/s` +
    `${runs.length > 1 ? ` (${runs.filter((s) => s !== node).map((s) => `${s.runtime} ${rate(scenarioRate(s))}`).join(", ")})` : ""}. ` +
    (fits
      ? `It leaves ${f2(budgetUs - us)} µs per line of the target's budget for checking the line, signatures and the rules' windows.`
      : `Even that is over the target's ${f2(budgetUs)} µs budget in this run: an engine that does what it does and more cannot reach ${rate(TARGET_LINES_PER_S)} lines/s on node on this machine.`) +
    "\n\n"
  );
}

function profileSection(r: Report): string {
  if (!r.profile) return "No profile (scenario 2 did not run).";
  const p = r.profile;
  return [
    `\`node --cpu-prof\` of one scenario 2 run (${r.datasets.upstreaminfo.name}); ${f1(p.totalMs / 1000)} s sampled. Top functions by self time` +
      " (source module recovered from the esbuild bundle's module markers):",
    "",
    table(["self ms", "share", "function", "module"], p.spots.map((s) => [n0(s.selfMs), `${f1(s.share * 100)}%`, `\`${s.fn}\``, s.where])),
  ].join("\n");
}

export function renderResults(r: Report): string {
  const m = r.machine;
  const ds = r.datasets;
  const inputs = [
    [ds.upstreaminfo, "ingress-nginx upstreaminfo: 50k clients (IPv4 + 8% IPv6), 4 hosts, 6 upstreams, static assets, scanner bursts, one low-and-slow scanner, one exploit answered 200, a 90 s 5xx episode (503 then 504 ×3 timeouts), retries, long lines"],
    [ds.combined, "the same traffic in nginx combined format (what goaccess, fail2ban and CrowdSec read)"],
    ...(ds.growth ? [[ds.growth, "every line a distinct client over 1 h of event time"] as const] : []),
    ...ds.worst.map((d) => [d, "worst case"] as const),
    ...(ds.slice ? [[ds.slice, "slice of the combined file around the first scanner burst, for CrowdSec"] as const] : []),
  ] as const;
  return `# edgeproof benchmark results

Generated by \`bench/run.ts\`; do not edit by hand, rerun the suite.

- Command: \`${r.command}\`${r.quick ? " (quick mode: smoke figures only)" : ""}
- Machine: ${m.nproc} cores, ${m.cpu}, ${m.ramGB} GB RAM, Node ${m.node}
- Date: ${m.date}; commit ${m.commit}${m.dirty ? " (plus uncommitted work in the tree)" : ""}
- ${r.repeats} interleaved round(s): each runs every engine scenario, peer and \`edgeproof run\` case once (CrowdSec and its slice in the first three only), so the
  machine's drift during the run falls on every row alike; tables give the min and median over the rounds.
- Each engine scenario runs in a fresh child process (\`node --expose-gc\`, and under Bun/Deno where installed).
  In-process rates include reading the file in 1 MiB chunks from the page cache and decoding it as \`edgeproof run\` does (UTF-8; pure-ASCII chunks copied as Latin-1). Peak RSS is the process's VmHWM.
- Peers run on the same combined file (CrowdSec on a slice); wall time measured around the process, CPU and peak RSS from GNU time.
- A shared 2-core VM drifts by ±15% over an hour, and at times runs at half speed for minutes, so figures from two runs of this suite do not
  show what one change did: \`npm run bench:ab -- REV .\` runs two builds of \`edgeproof run\` in interleaved turns for that.

## Targets

${targets(r)}

## Inputs (generated by bench/gen, seeded)

${table(["file", "lines", "MB", "what"], inputs.map(([d, what]) => [d.name, n0(d.lines), mb(d.bytes), what]))}

## Engine scenarios (in-process)

${r.scenarioRuns.length ? scenarioTable(r.scenarioRuns) : "None ran (see Skipped)."}

## Scenario 3: \`edgeproof run FILE --format json\` as a whole process (node)

${r.cliRuns.length ? cliTable(r.cliRuns) : "Not run (see Skipped)."}

## Scenario 4: state growth

${growthSection(r)}

## Peers

${r.peers.length ? peerTable(r.peers) : "No peer ran."}

## Ratios (edgeproof / peer, same file, same run)

${r.peers.length ? ratioTable(r) : "No peer ran."}

The floor tools (cat, wc) bound what any reader can do; GoAccess and fail2ban-regex do no windowed detection; CrowdSec does.
A short CrowdSec slice makes edgeproof's process startup weigh more in its ratio than on the full file.

## What limits speed

${budget(r)}${profileSection(r)}

## Skipped

${[...r.skipped.map((s) => `- ${s.what}: ${s.why}`), ...r.peerSkips.map((p) => `- peer ${p.tool}: not installed (${p.install})`)].join("\n") || "Nothing."}
`;
}

/** By file, not identity: --render-only reads the report back from JSON, where no two objects are the same. */
function sameDataset(a: Dataset | undefined, b: Dataset | undefined): boolean {
  return a !== undefined && b !== undefined && a.file === b.file;
}
