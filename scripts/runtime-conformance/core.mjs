// Runtime-neutral: no Node, Deno, Bun or DOM API here. Every runtime imports this file and the built engine
// bundle unchanged, so any difference in the output is a difference of the runtime, not of the harness.
import { Pipeline, loadRulePack, parseSnapshot, analyzeReliability } from "../../packages/engine/dist/index.js";

// Fixed chunk size: streaming is the CLI's path, and a fixed cut keeps the input identical across runtimes.
const CHUNK = 64 * 1024;

/**
 * Runs one conformance case and returns its JSON text.
 * @param {{ packs: {file: string, text: string}[], files: Record<string, string>, log: {name: string, text: string},
 *           host?: string, snapshot?: {name: string, json: unknown}[] }} input
 */
export function runCase(input) {
  const packs = input.packs.map((p) => loadRulePack(p.text, p.file, (rel) => resolveNear(input.files, p.file, rel)));
  let rca;
  let snapshotRejected = [];
  if (input.snapshot) {
    const { snapshot, rejected } = parseSnapshot(input.snapshot);
    snapshotRejected = rejected;
    rca = (spike) => analyzeReliability(snapshot, spike);
  }
  const pipeline = new Pipeline({ packs, host: input.host, rca });
  const ref = { file: input.log.name };
  for (let i = 0; i < input.log.text.length; i += CHUNK) pipeline.pushText(input.log.text.slice(i, i + CHUNK), ref);
  pipeline.endText(ref);
  const incidents = pipeline.flush();
  return JSON.stringify({ incidents, stats: pipeline.stats, nearMisses: pipeline.nearMisses(), snapshotRejected }, null, 2) + "\n";
}

/** The CLI's list-file lookup (next to the pack, then its parent folder), over an in-memory file map. */
function resolveNear(files, packFile, rel) {
  const dir = packFile.split("/").slice(0, -1);
  for (const base of [dir, dir.slice(0, -1)]) {
    const hit = files[normalize([...base, ...rel.split("/")])];
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function normalize(parts) {
  const out = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return out.join("/");
}
