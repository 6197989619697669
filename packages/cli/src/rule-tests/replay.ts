import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { Pipeline, parseLine, type Incident, type PipelineOptions } from "@edgeproof/engine";

export interface LogLine {
  no: number;
  text: string;
}

export interface LogInput {
  file: string;
  lines: LogLine[];
}

/** Reads a log (plain or .gz) keeping each line's number; `skip` drops annotation lines. */
export function readLog(file: string, skip: Set<number> = new Set()): LogInput {
  const raw = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  const lines: LogLine[] = [];
  parts.forEach((t, i) => {
    if (!skip.has(i + 1)) lines.push({ no: i + 1, text: t.endsWith("\r") ? t.slice(0, -1) : t });
  });
  return { file, lines };
}

/** Evaluates the inputs line by line, each line keeping its number in the file. */
export function replay(inputs: LogInput[], opts: PipelineOptions): Pipeline {
  const p = new Pipeline(opts);
  for (const input of inputs) for (const l of input.lines) p.pushLine(l.text, l.no, { file: input.file });
  p.flush();
  return p;
}

export interface Variant {
  seed: number;
  shuffled: boolean;
  chunks: number;
}

/**
 * Replays the inputs as a different arrival: each file's lines shuffled within the allowed lateness
 * (when `shuffle`), then the text cut into random chunks. A correct engine gives the same incidents.
 */
export function replayVariant(inputs: LogInput[], opts: PipelineOptions, seed: number, rng: () => number, shuffle: boolean): { pipeline: Pipeline; variant: Variant } {
  const p = new Pipeline(opts);
  const lateness = opts.allowedLatenessMs ?? 5000;
  let chunks = 0;
  for (const input of inputs) {
    const lines = shuffle ? shuffleWithinLateness(input.lines, lateness, opts, rng) : input.lines;
    const text = lines.map((l) => l.text).join("\n") + "\n";
    for (const piece of randomChunks(text, rng)) {
      p.pushText(piece, { file: input.file });
      chunks++;
    }
    p.endText({ file: input.file });
  }
  p.flush();
  return { pipeline: p, variant: { seed, shuffled: shuffle, chunks } };
}

/**
 * Sorting by event time plus a random delay below the lateness gives an arrival order in which no event
 * is ever more than the lateness behind one seen before it, so nothing becomes late.
 */
function shuffleWithinLateness(lines: LogLine[], latenessMs: number, opts: PipelineOptions, rng: () => number): LogLine[] {
  let last = -Infinity;
  const keyed = lines.map((l, i) => {
    const r = parseLine(l.text, { line: l.no, format: opts.format, host: opts.host });
    // A rejected line has no time; it travels with its predecessor.
    if (r.ok) last = r.event.ts;
    return { l, i, k: last + rng() * latenessMs };
  });
  keyed.sort((a, b) => a.k - b.k || a.i - b.i);
  return keyed.map((x) => x.l);
}

function randomChunks(text: string, rng: () => number): string[] {
  const n = 1 + Math.floor(rng() * Math.min(24, text.length));
  const cuts = new Set<number>();
  for (let i = 1; i < n; i++) cuts.add(1 + Math.floor(rng() * (text.length - 1)));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: string[] = [];
  let start = 0;
  for (const c of sorted) {
    out.push(text.slice(start, c));
    start = c;
  }
  out.push(text.slice(start));
  return out;
}

/** What must not change with arrival order: identity, severity, window and counts (not sample line numbers). */
export function fingerprint(i: Incident): string {
  const m = i.metrics;
  return JSON.stringify([i.id, i.ruleId, i.severity, i.status, i.outcome, i.key, i.window, m.requests, m.peakRps, m.distinctPaths, m.signatureHits, m.statusCounts, m.fiveXx, m.errorRatio]);
}
