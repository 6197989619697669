/**
 * The benchmark suite (`npm run bench`): generates the logs, runs every scenario in fresh child processes
 * under each installed runtime, times the peers on the same files, profiles scenario 2 and writes RESULTS.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { ensureDataset, sliceDataset, type Dataset } from "./lib/datasets.js";
import { machineInfo } from "./lib/machine.js";
import { mergeRounds, stats, timeProcess } from "./lib/measure.js";
import { hotSpots } from "./lib/profile.js";
import { renderResults, type CliRun, type Report, type ScenarioRun } from "./lib/report.js";
import { runCrowdsec, runPeers, type PeerResult, type PeerSkip } from "./peers/peers.js";
import type { ChildResult, ChildSpec } from "./scenarios/protocol.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "bench/out");
const CHILD = join(OUT, "child.mjs");
const RULES = join(ROOT, "rules");
const CLI_BIN = join(ROOT, "packages/cli/bin/edgeproof.js");

const USAGE = `usage: npm run bench -- [--quick] [--lines N] [--repeats R] [--only 0,1,2,3,4,5,peers,profile]
                       [--runtimes node,bun,deno] [--results FILE] [--render-only]
  --quick        100k lines, 1 repeat, small worst cases; writes bench/out/RESULTS-quick.md unless --results is given
  --render-only  re-render the results file from the raw figures the last run saved in bench/out/`;

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

type Runtime = { name: string; cmd: string; args: string[] };

/** A real runtime binary (bun's npm bin is a 450-byte stub when its postinstall did not run). */
function binary(candidates: string[]): string | undefined {
  return candidates.find((p) => existsSync(p) && statSync(p).size > 1_000_000);
}

function runtimes(wanted: string[]): { found: Runtime[]; missing: string[] } {
  const tools = join(ROOT, ".tools/node_modules");
  const bun = binary([join(tools, ".bin/bun"), join(tools, "@oven/bun-linux-x64/bin/bun")]);
  const deno = binary([join(tools, ".bin/deno"), join(tools, "@deno/linux-x64-glibc/deno")]);
  const candidates: Record<string, Runtime | undefined> = {
    node: { name: "node", cmd: process.execPath, args: ["--expose-gc"] },
    bun: bun ? { name: "bun", cmd: bun, args: [] } : undefined,
    // -A: the child reads /proc/self/status for peak RSS, which Deno only allows with all permissions.
    deno: deno ? { name: "deno", cmd: deno, args: ["run", "-A", "--v8-flags=--expose-gc"] } : undefined,
  };
  const found = wanted.map((w) => candidates[w]).filter((r): r is Runtime => r !== undefined);
  const missing = wanted.filter((w) => !candidates[w]);
  for (const m of missing) log(`runtime ${m}: not installed, skipped (install: npm --prefix .tools i bun@1.4.5 deno@2.9.6)`);
  return { found, missing };
}

/** Which engine entry points exist yet; a scenario whose API is missing is skipped with the reason. */
function engineApi(): { parse?: string; pipeline?: string; cli?: string } {
  const problems: { parse?: string; pipeline?: string; cli?: string } = {};
  if (!existsSync(join(ROOT, "packages/engine/src/parse/index.ts"))) problems.parse = "packages/engine has no parseLine yet";
  if (!existsSync(join(ROOT, "packages/engine/src/pipeline/pipeline.ts"))) problems.pipeline = "packages/engine has no Pipeline yet";
  else if (!existsSync(join(RULES, "security"))) problems.pipeline = "rules/ holds no default packs yet";
  if (!existsSync(CLI_BIN)) problems.cli = "packages/cli/bin/edgeproof.js does not exist yet";
  return problems;
}

async function bundleChild(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, "bench/scenarios/child.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "es2022",
    outfile: CHILD,
    logLevel: "warning",
    // recheck (the rule loader's ReDoS check) finds its worker through import.meta.url, which bundling breaks.
    external: ["recheck"],
    // Bun and Deno run the bundle too; a require shim lets CJS dependencies inside it load under ESM.
    banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
  });
}

function runChild(rt: Runtime, spec: ChildSpec, extraNodeArgs: string[] = []): ChildResult {
  const args = [...rt.args, ...(rt.name === "node" ? extraNodeArgs : []), CHILD, JSON.stringify(spec)];
  const r = spawnSync(rt.cmd, args, { encoding: "utf8", maxBuffer: 1 << 26, timeout: 3_600_000, cwd: ROOT });
  const last = r.stdout?.trim().split("\n").at(-1);
  if (r.status !== 0 || !last?.startsWith("{")) {
    const err = (r.stderr ?? "").replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n").slice(0, 3).join(" / ");
    throw new Error(`${rt.name} child failed (exit ${r.status ?? r.signal}): ${err.slice(0, 500)}`);
  }
  return JSON.parse(last) as ChildResult;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      lines: { type: "string" },
      repeats: { type: "string" },
      only: { type: "string" },
      runtimes: { type: "string", default: "node,bun,deno" },
      results: { type: "string" },
      "render-only": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const quick = values.quick;
  const lines = Number(values.lines ?? (quick ? 100_000 : 1_000_000));
  const repeats = Number(values.repeats ?? (quick ? 1 : 3));
  if (!Number.isInteger(lines) || lines <= 0 || !Number.isInteger(repeats) || repeats <= 0) throw new Error(USAGE);
  const only = new Set((values.only ?? "0,1,2,3,4,5,peers,profile").split(","));
  const resultsFile = resolve(ROOT, values.results ?? (quick ? "bench/out/RESULTS-quick.md" : "bench/RESULTS.md"));
  if (values["render-only"]) {
    writeResults(JSON.parse(readFileSync(rawFile(resultsFile), "utf8")) as Report, resultsFile);
    return;
  }
  const command = `npm run bench${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}`;
  const machine = machineInfo();
  log(`${machine.cpu}, ${machine.nproc} cores, ${machine.ramGB} GB, node ${machine.node}`);

  // --- data ---
  const data = join(OUT, "data");
  const clients = 50_000;
  const upstreaminfo = ensureDataset(data, `upstreaminfo-${lines}`, { lines, format: "upstreaminfo", clients, seed: 1, mode: "mixed" }, log);
  const combined = ensureDataset(data, `combined-${lines}`, { lines, format: "combined", clients, seed: 1, mode: "mixed" }, log);
  const growthLines = quick ? 100_000 : 1_000_000;
  const growth = only.has("4") ? ensureDataset(data, `distinct-clients-${growthLines}`, { lines: growthLines, format: "upstreaminfo", clients: growthLines, seed: 4, mode: "distinct-clients", durationS: 3_600 }, log) : undefined;
  const worstLines = quick ? 50_000 : 200_000;
  const worst: Dataset[] = only.has("5")
    ? [
        ensureDataset(data, `signatures-${worstLines}`, { lines: worstLines, format: "upstreaminfo", clients, seed: 5, mode: "signatures" }, log),
        ensureDataset(data, `distinct-paths-${worstLines}`, { lines: worstLines, format: "upstreaminfo", clients, seed: 5, mode: "distinct-paths" }, log),
        ensureDataset(data, `long-lines-${quick ? 200 : 2_000}`, { lines: quick ? 200 : 2_000, format: "upstreaminfo", clients, seed: 5, mode: "long-lines", lineBytes: 65_536 }, log),
      ]
    : [];

  // --- what each round runs ---
  const api = engineApi();
  const skipped: Array<{ what: string; why: string }> = [];
  const rts = runtimes(values.runtimes.split(","));
  for (const m of rts.missing) skipped.push({ what: `runtime ${m}`, why: "not installed: npm --prefix .tools i bun@1.4.5 deno@2.9.6" });
  if (!api.parse && (only.has("0") || only.has("1") || only.has("2") || only.has("4") || only.has("5") || only.has("profile"))) await bundleChild();

  const plan: Array<{ id: string; title: string; kind: ChildSpec["kind"]; ds: Dataset; gcSamples?: boolean; nodeOnly?: boolean }> = [];
  if (only.has("0")) plan.push({ id: "0", title: "floor: read, decode and split lines, no parsing", kind: "floor", ds: upstreaminfo });
  if (only.has("0")) plan.push({ id: "0b", title: "ceiling: the floor plus the least work of any detector (fields found, counted per client and upstream)", kind: "ceiling", ds: upstreaminfo });
  if (only.has("1")) plan.push({ id: "1", title: "parse only", kind: "parse", ds: upstreaminfo });
  if (only.has("2")) plan.push({ id: "2", title: "parse + default packs (Pipeline, in-process)", kind: "pipeline", ds: upstreaminfo }, { id: "2c", title: "same, combined format (the peers' file)", kind: "pipeline", ds: combined, nodeOnly: true });
  if (growth) plan.push({ id: "4", title: "state growth: every line a new client, 1 h of event time", kind: "pipeline", ds: growth, gcSamples: true });
  const worstTitles = ["worst case: every line a signature hit", "worst case: every line a distinct path", "worst case: 64 KiB lines"];
  worst.forEach((ds, i) => plan.push({ id: `5${"abc"[i]}`, title: worstTitles[i], kind: "pipeline", ds }));
  const jobs: Array<{ run: ScenarioRun; rt: Runtime; spec: ChildSpec; failed?: boolean }> = [];
  for (const p of plan) {
    const missing = p.kind === "pipeline" ? api.parse ?? api.pipeline : api.parse;
    if (missing) {
      skipped.push({ what: `scenario ${p.id} (${p.title})`, why: missing });
      log(`scenario ${p.id}: skipped, ${missing}`);
      continue;
    }
    for (const rt of rts.found.filter((r) => !p.nodeOnly || r.name === "node")) {
      const spec: ChildSpec = { kind: p.kind, file: p.ds.file, format: "auto", packsDir: RULES, sampleEvery: Math.max(1, Math.floor(p.ds.lines / 20)), gcSamples: p.gcSamples ?? false };
      jobs.push({ run: { id: p.id, title: p.title, dataset: p.ds, runtime: rt.name, results: [] }, rt, spec });
    }
  }

  // Peers on the combined file; CrowdSec on a slice around the first scanner burst.
  let slice: Dataset | undefined;
  if (only.has("peers")) {
    const sliceLines = quick ? 3_000 : 10_000;
    const firstBurst = Math.floor(lines * (0.5 / Math.max(1, Math.round((12 * lines) / 1e6))));
    slice = sliceDataset(combined, data, Math.max(1, firstBurst - Math.floor(sliceLines / 5)), sliceLines);
  }
  // Scenario 3: the CLI as a whole process (node).
  let cli = false;
  if (only.has("3")) {
    const why = api.cli ?? (buildCli() ? undefined : "npm run build -w packages/cli failed");
    if (why) skipped.push({ what: "scenario 3 (edgeproof run)", why });
    cli = why === undefined;
  }

  // --- every measurement, in interleaved rounds ---
  // Each round runs every scenario, peer and CLI case once, so the machine's drift over the run (it can halve its
  // speed for minutes) falls on every row alike, and ratios between rows compare runs made under the same conditions.
  // CrowdSec and the CLI on its slice run in the first three rounds only: a CrowdSec run takes half a minute.
  const peerRounds: PeerResult[][] = [];
  let peerSkips: PeerSkip[] = [];
  const cliRounds: CliRun[][] = [];
  for (let i = 0; i < repeats; i++) {
    log(`round ${i + 1}/${repeats}`);
    for (const job of jobs) {
      if (job.failed) continue;
      try {
        const r = runChild(job.rt, job.spec);
        job.run.results.push(r);
        log(`scenario ${job.run.id} ${job.rt.name}: ${(r.lines / r.seconds / 1e3).toFixed(0)} k lines/s, RSS ${r.peakRssMB.toFixed(0)} MB, ${r.incidents} incidents`);
      } catch (e) {
        job.failed = true;
        skipped.push({ what: `scenario ${job.run.id} under ${job.rt.name}`, why: (e as Error).message.split("\n")[0].slice(0, 300) });
        log(`scenario ${job.run.id} ${job.rt.name}: failed: ${(e as Error).message.slice(0, 2000)}`);
      }
    }
    if (slice) {
      const round = runPeers(combined, OUT, log);
      peerSkips = round.skipped;
      if (i < 3) {
        const cs = runCrowdsec(slice, OUT, log);
        if (cs.result) round.results.push(cs.result);
        if (cs.skipped) peerSkips.push(cs.skipped);
      }
      peerRounds.push(round.results);
    }
    if (cli) for (const ds of [upstreaminfo, combined, ...(slice && i < 3 ? [slice] : [])]) cliRounds.push(runCli(ds, ds === upstreaminfo));
  }
  const scenarioRuns = jobs.filter((j) => j.run.results.length === repeats).map((j) => j.run);
  const peers = mergeRounds(peerRounds, (p) => p.tool);
  const cliRuns = mergeRounds(cliRounds, (c) => `${c.dataset.name}${c.v8Defaults ? " v8" : ""}`).map((c) => ({ ...c, wall: stats(c.runs.map((r) => r.wallS)) }));

  // --- profile of scenario 2 ---
  let profile: ReturnType<typeof hotSpots> | undefined;
  if (only.has("profile") && !api.parse && !api.pipeline) {
    const dir = join(OUT, "profile");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const node = rts.found.find((r) => r.name === "node") ?? { name: "node", cmd: process.execPath, args: ["--expose-gc"] };
    runChild(node, { kind: "pipeline", file: upstreaminfo.file, format: "auto", packsDir: RULES, sampleEvery: lines, gcSamples: false }, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
    const prof = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (prof) profile = hotSpots(join(dir, prof), CHILD, 20);
    log(`profile: ${prof ? join(dir, prof) : "none written"}`);
  }

  const report: Report = { command, machine, lines, repeats, quick, datasets: { upstreaminfo, combined, growth, worst, slice }, scenarioRuns, cliRuns, peers, peerSkips, skipped, profile };
  writeFileSync(rawFile(resultsFile), JSON.stringify(report));
  writeResults(report, resultsFile);
}

/** Raw figures beside the outputs (git-ignored), so the table can be re-rendered without a 30-minute rerun. */
function rawFile(resultsFile: string): string {
  return join(OUT, `${resultsFile.replace(/^.*\//, "").replace(/\.md$/, "")}.json`);
}

function writeResults(report: Report, resultsFile: string): void {
  mkdirSync(join(resultsFile, ".."), { recursive: true });
  writeFileSync(resultsFile, renderResults(report));
  log(`wrote ${resultsFile}`);
}

function buildCli(): boolean {
  const r = spawnSync("npm", ["run", "build", "-w", "packages/cli", "--silent"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 });
  return r.status === 0;
}

/**
 * `edgeproof run FILE --format json` as a whole process, once: startup, reading, parsing, rules, output. With
 * `compareGc`, a run under V8's default GC sizing follows, so the tuning's cost and saving are measured in the same
 * minutes.
 */
function runCli(ds: Dataset, compareGc: boolean): CliRun[] {
  return (compareGc ? [false, true] : [false]).map((v8Defaults) => {
    const env = v8Defaults ? { ...process.env, EDGEPROOF_GC: "v8-defaults" } : process.env;
    const r = timeProcess(process.execPath, [CLI_BIN, "run", ds.file, "--format", "json"], { keepStdout: true, cwd: ROOT, env });
    const incidents = countIncidents(r.stdout);
    log(`scenario 3 ${ds.name}${v8Defaults ? " (V8 default GC)" : ""}: ${(ds.lines / r.wallS / 1e3).toFixed(0)} k lines/s, RSS ${r.maxRssMB.toFixed(0)} MB, exit ${r.status}, ${incidents} incidents`);
    return { dataset: ds, v8Defaults, runs: [r], incidents, wall: stats([r.wallS]) };
  });
}

function countIncidents(stdout: string): number | string {
  try {
    const j = JSON.parse(stdout) as unknown;
    if (Array.isArray(j)) return j.length;
    const inc = (j as { incidents?: unknown[] }).incidents;
    return Array.isArray(inc) ? inc.length : "unknown shape";
  } catch {
    return "not JSON";
  }
}

main().catch((e) => {
  log((e as Error).stack ?? String(e));
  process.exit(1);
});
