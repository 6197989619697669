import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { SnapshotDoc } from "@edgeproof/engine";

export interface DirProblem {
  file: string;
  reason: string;
}

/**
 * Read every `*.json` in `dir` (saved `kubectl get ... -o json`, raw API lists, single objects,
 * the adapter's error document), sorted by name. A file that is not JSON is reported, not thrown.
 */
export async function loadSnapshotDir(dir: string): Promise<{ docs: SnapshotDoc[]; problems: DirProblem[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  } catch (err) {
    throw new Error(`cannot read snapshot directory ${dir}: ${(err as Error).message}`);
  }
  const docs: SnapshotDoc[] = [];
  const problems: DirProblem[] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), "utf8");
    try {
      docs.push({ name, json: JSON.parse(text) });
    } catch (err) {
      problems.push({ file: name, reason: `not valid JSON: ${(err as Error).message}` });
    }
  }
  return { docs, problems };
}

/** Write each doc as `<name>` (made a safe `.json` file name) for later offline replay. */
export async function saveSnapshot(docs: SnapshotDoc[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const doc of docs) {
    const safe = basename(doc.name).replace(/[^A-Za-z0-9._-]/g, "_");
    const file = safe.endsWith(".json") ? safe : `${safe}.json`;
    await writeFile(join(dir, file), `${JSON.stringify(doc.json, null, 2)}\n`);
    written.push(file);
  }
  return written;
}
