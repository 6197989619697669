/**
 * One benchmark run in a fresh process: bundled by the runner into bench/out/child.mjs so the same code runs
 * under Node, Bun and Deno. Prints exactly one JSON line (ChildResult) on stdout.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { Pipeline } from "@edgeproof/engine";
import { parseLine } from "../../packages/engine/src/parse/index.js";
import { LineSplitter, type LineSink } from "../../packages/engine/src/pipeline/line-splitter.js";
import { loadPacks } from "../../packages/cli/src/rule-packs.js";
import { Utf8Chunks } from "../../packages/cli/src/input/utf8-chunks.js";
import { CeilingCounter } from "./ceiling.js";
import type { ChildResult, ChildSpec, MemorySample } from "./protocol.js";

declare const Bun: { version: string; gc(force: boolean): void } | undefined;
declare const Deno: { version: { deno: string } } | undefined;

const CHUNK = 1 << 20;

function runtime(): string {
  if (typeof Bun !== "undefined") return `bun ${Bun.version}`;
  if (typeof Deno !== "undefined") return `deno ${Deno.version.deno}`;
  return `node ${process.versions.node}`;
}

function collectGarbage(): void {
  if (typeof Bun !== "undefined") Bun.gc(true);
  else (globalThis as { gc?: () => void }).gc?.();
}

/** Peak resident set of this process so far (Linux VmHWM): works the same under all three runtimes. */
function peakRssMB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

function heapMB(): number {
  return process.memoryUsage().heapUsed / 1048576;
}

/** Streams the file in 1 MiB reads (page cache), decoded as `edgeproof run` decodes its input. */
function readChunks(file: string, onText: (text: string, bytesSoFar: number) => void): number {
  const fd = openSync(file, "r");
  const buf = Buffer.allocUnsafe(CHUNK);
  const dec = new Utf8Chunks();
  let total = 0;
  try {
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) {
      total += n;
      onText(dec.decode(buf.subarray(0, n)), total);
    }
    const tail = dec.end();
    if (tail) onText(tail, total);
  } finally {
    closeSync(fd);
  }
  return total;
}

type Counts = Omit<ChildResult, "seconds" | "runtime" | "peakRssMB" | "peakHeapMB" | "samples" | "gcSeconds">;

/**
 * Reads and splits the file with the engine's own line splitter, handing each line's bounds to `each`: one scenario
 * runs per process, so the call is monomorphic.
 */
function splitLines(spec: ChildSpec, sample: (lines: number) => void, each: LineSink): { lines: number; bytes: number } {
  const splitter = new LineSplitter();
  let lines = 0;
  const sink: LineSink = (text, start, end, lineNo) => {
    lines++;
    each(text, start, end, lineNo);
  };
  const bytes = readChunks(spec.file, (text) => {
    splitter.push(text, sink);
    sample(lines);
  });
  splitter.end(sink);
  return { lines, bytes };
}

/** What any reader of this file pays before looking at a line. */
function floor(spec: ChildSpec, sample: (lines: number) => void): Counts {
  const { lines, bytes } = splitLines(spec, sample, () => {});
  return { lines, bytes, events: 0, rejected: 0, incidents: 0, incidentsByRule: {} };
}

/** The floor plus the least work any detector does per line (see CeilingCounter). */
function ceiling(spec: ChildSpec, sample: (lines: number) => void): Counts {
  const counter = new CeilingCounter();
  const { lines, bytes } = splitLines(spec, sample, (text, start, end) => counter.line(text, start, end));
  return { lines, bytes, events: lines - counter.skipped, rejected: counter.skipped, incidents: 0, incidentsByRule: {} };
}

function parseOnly(spec: ChildSpec, sample: (lines: number) => void): Counts {
  let rest = "";
  let lineNo = 0;
  let events = 0;
  const ctx = { line: 0, format: spec.format };
  const one = (line: string) => {
    ctx.line = ++lineNo;
    if (parseLine(line, ctx).ok) events++;
  };
  const bytes = readChunks(spec.file, (text) => {
    let start = 0;
    let nl = text.indexOf("\n");
    if (rest && nl >= 0) {
      one(rest + text.slice(0, nl));
      rest = "";
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    while (nl >= 0) {
      one(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    rest += text.slice(start);
    sample(lineNo);
  });
  if (rest) one(rest);
  return { lines: lineNo, bytes, events, rejected: lineNo - events, incidents: 0, incidentsByRule: {} };
}

function fullPath(spec: ChildSpec, sample: (lines: number, keys: number) => void): Counts {
  const pipeline = new Pipeline({ packs: loadPacks([spec.packsDir]), format: spec.format });
  const bytes = readChunks(spec.file, (text) => {
    pipeline.pushText(text, { file: spec.file });
    sample(pipeline.stats.lines, pipeline.activeKeys);
  });
  const incidents = pipeline.flush();
  const byRule: Record<string, number> = {};
  for (const inc of incidents) byRule[inc.ruleId] = (byRule[inc.ruleId] ?? 0) + 1;
  const s = pipeline.stats;
  const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
  return { lines: s.lines, bytes, events: s.events, rejected, incidents: incidents.length, incidentsByRule: byRule };
}

function main(): void {
  const spec = JSON.parse(process.argv[process.argv.length - 1]) as ChildSpec;
  const samples: MemorySample[] = [];
  let peakHeap = heapMB();
  let nextSample = 0;
  let gcSeconds = 0;
  let started = 0;
  // Heap is read after every chunk for the peak; a full sample (after a GC when asked) every sampleEvery lines.
  const sample = (lines: number, keys?: number) => {
    const h = heapMB();
    if (h > peakHeap) peakHeap = h;
    if (lines < nextSample) return;
    nextSample = lines + spec.sampleEvery;
    let heapAfterGc: number | undefined;
    if (spec.gcSamples) {
      const t = performance.now();
      collectGarbage();
      heapAfterGc = heapMB();
      gcSeconds += (performance.now() - t) / 1000;
    }
    samples.push({ lines, seconds: (performance.now() - started) / 1000, heapMB: h, heapAfterGcMB: heapAfterGc, rssMB: process.memoryUsage().rss / 1048576, activeKeys: keys });
  };
  collectGarbage();
  started = performance.now();
  const run = { floor, ceiling, parse: parseOnly, pipeline: fullPath }[spec.kind];
  const r = run(spec, sample);
  const seconds = (performance.now() - started) / 1000 - gcSeconds;
  const result: ChildResult = { ...r, seconds, gcSeconds, runtime: runtime(), peakRssMB: peakRssMB(), peakHeapMB: Math.max(peakHeap, heapMB()), samples };
  process.stdout.write(JSON.stringify(result) + "\n");
}

main();
