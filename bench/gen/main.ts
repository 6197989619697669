import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { generate, type Mode } from "./generate.js";
import { DEFAULT_LISTS_DIR, loadProbeLists } from "./lists.js";

const USAGE = `usage: npx tsx bench/gen/main.ts --lines N [--format upstreaminfo|combined] [--clients 50000] [--seed 1]
       [--mode mixed|distinct-clients|signatures|distinct-paths|long-lines] [--duration SECONDS] [--line-bytes 65536]
       [--lists DIR] -o FILE`;
const MODES: Mode[] = ["mixed", "distinct-clients", "signatures", "distinct-paths", "long-lines"];

function positiveInt(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got ${text ?? "nothing"})\n${USAGE}`);
  return n;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      lines: { type: "string" },
      format: { type: "string", default: "upstreaminfo" },
      clients: { type: "string" },
      seed: { type: "string" },
      mode: { type: "string", default: "mixed" },
      duration: { type: "string" },
      "line-bytes": { type: "string" },
      lists: { type: "string", default: DEFAULT_LISTS_DIR },
      out: { type: "string", short: "o" },
    },
  });
  const format = values.format;
  if (format !== "upstreaminfo" && format !== "combined") throw new Error(`--format must be upstreaminfo or combined\n${USAGE}`);
  const mode = values.mode as Mode;
  if (!MODES.includes(mode)) throw new Error(`--mode must be one of ${MODES.join(", ")}\n${USAGE}`);
  if (!values.out) throw new Error(`-o FILE is required\n${USAGE}`);
  mkdirSync(dirname(values.out), { recursive: true });
  const fd = openSync(values.out, "w");
  const started = performance.now();
  const bytes = generate(
    {
      lines: positiveInt("lines", values.lines),
      format,
      clients: positiveInt("clients", values.clients, 50_000),
      seed: Number(values.seed ?? 1) >>> 0,
      mode,
      durationS: values.duration === undefined ? undefined : positiveInt("duration", values.duration),
      lineBytes: positiveInt("line-bytes", values["line-bytes"], 65_536),
      lists: loadProbeLists(values.lists),
    },
    (chunk) => writeSync(fd, chunk),
  );
  closeSync(fd);
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`wrote ${values.out}: ${values.lines} lines, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(1)} s\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
