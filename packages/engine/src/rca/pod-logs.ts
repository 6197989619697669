import { DEFAULT_REDACTOR } from "../incident/redact.js";
import { timed, type TimedEvidence } from "./evidence.js";
import { quote } from "./facts.js";
import type { Snapshot } from "./snapshot.js";

/**
 * The lines of a sampled pod log that explain a failure: a crashed container's last lines (what it died on),
 * and in any log the error-looking ones (errors, panics and stack-trace heads, refused connections). Secrets
 * are redacted as in proof blocks; a few lines per container, never the whole sample.
 */
const EXPLAINS = /\b(error|exception|fatal|panic|refused|failed|failure|traceback|timeout|timed out|denied|killed|out of memory|undefined|not found|cannot|unable)\b/i;
const LAST_OF_PREVIOUS = 3;
const MAX_LINES = 4;

function explaining(lines: string[], previous: boolean): string[] {
  const picked = new Set<number>();
  if (previous) for (let i = Math.max(0, lines.length - LAST_OF_PREVIOUS); i < lines.length; i++) picked.add(i);
  for (let i = lines.length - 1; i >= 0 && picked.size < MAX_LINES; i--) if (EXPLAINS.test(lines[i])) picked.add(i);
  return [...picked].sort((a, b) => a - b).slice(-MAX_LINES).map((i) => lines[i]);
}

export function logEvidence(snapshot: Snapshot, namespace: string, pods: string[]): TimedEvidence[] {
  const out: TimedEvidence[] = [];
  for (const log of snapshot.podLogs) {
    if (log.namespace !== namespace || !pods.includes(log.pod)) continue;
    for (const line of explaining(log.lines, log.previous)) {
      out.push(timed({ kind: "pod-log", namespace, name: log.pod, field: `logs[${log.container}]${log.previous ? " (previous)" : ""}`, value: quote(DEFAULT_REDACTOR.text(line), 160) }, {}));
    }
  }
  return out;
}
