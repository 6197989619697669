import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { generate, type GenOptions } from "../gen/generate.js";
import { DEFAULT_LISTS_DIR, loadProbeLists } from "../gen/lists.js";

export type Dataset = { name: string; file: string; lines: number; bytes: number };

const GEN_DIR = fileURLToPath(new URL("../gen", import.meta.url));

/** Generator code + lists fingerprint: a cached file is reused only if it came from the same generator. */
function generatorHash(): string {
  const h = createHash("sha256");
  for (const dir of [GEN_DIR, DEFAULT_LISTS_DIR])
    for (const f of readdirSync(dir).sort()) if (!f.endsWith(".test.ts")) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest("hex").slice(0, 16);
}

/** Generates `name` into outDir unless an identical one (same options, same generator) is already there. */
export function ensureDataset(outDir: string, name: string, opts: Omit<GenOptions, "lists">, log: (s: string) => void): Dataset {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.log`);
  const metaFile = `${file}.json`;
  const meta = JSON.stringify({ ...opts, generator: generatorHash() });
  if (existsSync(file) && existsSync(metaFile) && readFileSync(metaFile, "utf8") === meta) {
    return { name, file, lines: opts.lines, bytes: statSync(file).size };
  }
  const started = performance.now();
  const fd = openSync(file, "w");
  let bytes: number;
  try {
    bytes = generate({ ...opts, lists: loadProbeLists() }, (chunk) => writeSync(fd, chunk));
  } finally {
    closeSync(fd);
  }
  writeFileSync(metaFile, meta);
  log(`generated ${file}: ${opts.lines} lines, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { name, file, lines: opts.lines, bytes };
}

/** Lines [from, from + count) of a dataset, as its own file (the CrowdSec slice). */
export function sliceDataset(src: Dataset, outDir: string, from: number, count: number): Dataset {
  const file = join(outDir, `${src.name}.slice-${from}-${count}.log`);
  const fd = openSync(file, "w");
  try {
    writeSync(fd, execFileSync("sed", ["-n", `${from},${from + count - 1}p`, src.file], { maxBuffer: 1 << 30 }));
  } finally {
    closeSync(fd);
  }
  return { name: `${src.name} lines ${from}-${from + count - 1}`, file, lines: count, bytes: statSync(file).size };
}
