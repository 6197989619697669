import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CLI, REPO } from "./spawn-serve.js";

/** What must match between a served incident and the batch run's: id, status and every metric. */
const facts = (inc: { id: string; status: string; metrics: unknown }) => `${inc.id} ${inc.status} ${JSON.stringify(inc.metrics)}`;

/** Every stored incident in full (the list holds summaries), as comparable lines, sorted. */
export async function servedFacts(url: string): Promise<string[]> {
  const list: any = await (await fetch(`${url}/api/incidents?limit=1000&from=0&to=${Date.now() + 86_400_000 * 365}`)).json();
  const full = await Promise.all(list.items.map(async (i: any) => ((await (await fetch(`${url}/api/incidents/${i.id}`)).json()) as any).incident));
  return full.map(facts).sort();
}

/**
 * `edgeproof run … --format json` over the same input, as comparable lines, sorted. Asynchronous, so that
 * servers in the test process (a Loki test server) keep answering it.
 */
export async function runFacts(args: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, "run", ...args, "--format", "json"], { cwd: REPO, maxBuffer: 256 << 20 });
  return (JSON.parse(stdout).incidents as any[]).map(facts).sort();
}

/**
 * The default security pack with every window and cooldown at 3 s, written into `dir`: a quiet period then
 * closes incidents in seconds, so tests can watch idle time close them without waiting out minutes. The
 * cooldown stays at least the window, as in the default packs: a shorter one closes an incident while its
 * window still holds the burst, and the next window expiry opens a second incident for it.
 */
export function quickCooldownPack(dir: string): string {
  const text = readFileSync(`${REPO}rules/security/http-security.yaml`, "utf8")
    .replace(/^(\s+)window: \S+$/gm, "$1window: 3s")
    .replace(/^(\s+)cooldown: \S+$/gm, "$1cooldown: 3s")
    // List files are named from rules/ (lists/…, crowdsec/lists/…): the copy names them absolutely.
    .replace(/file: (?!\/)/g, `file: ${REPO}rules/`);
  const file = join(dir, "quick-cooldown.yaml");
  writeFileSync(file, text);
  return file;
}

/** One sample of a Prometheus metric from /metrics, by name and (a subset of) its labels. */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split("\n")) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}
