import type { Rca, RcaFinding } from "../incident/incident.js";
import { hms } from "./evidence.js";

/** A reliability incident's window in epoch ms, for rendering RCA evidence times relative to it. */
export interface SpikeWindow {
  startMs: number;
  endMs: number;
}

const SHORT_FIELD: Array<[RegExp, (m: RegExpExecArray, value: string) => string]> = [
  [/conditions\[(\w+)\]\.status$/, (m, v) => `${m[1]}=${v.split(" ")[0]}`],
  [/\.reason$/, (_m, v) => v.split(" ")[0]],
  [/^event (\w+)$/, (m) => m[1]],
];

function shortLabel(field: string, value: string): string {
  for (const [re, f] of SHORT_FIELD) {
    const m = re.exec(field);
    if (m) return f(m, value);
  }
  return field;
}

/** `Ready=False from 10:02:11, spike 10:02:30–10:07:00`, from the earliest timestamped evidence. */
function overlapLine(f: RcaFinding, w: SpikeWindow): string | undefined {
  const timedEv = f.evidence
    .filter((e) => e.time !== undefined && e.kind !== "access-log")
    .map((e) => ({ e, ms: Date.parse(e.time!) }))
    .sort((a, b) => a.ms - b.ms || (a.e.name < b.e.name ? -1 : 1));
  const first = timedEv[0];
  if (!first) return undefined;
  return `${shortLabel(first.e.field, first.e.value)} from ${hms(first.ms)}, spike ${hms(w.startMs)}–${hms(w.endMs)}`;
}

/** Deterministic plain-text lines for the proof block. */
export function renderRcaLines(rca: Rca, window: SpikeWindow): string[] {
  const lines: string[] = [];
  const svc = rca.service ? `${rca.service.namespace}/${rca.service.name}${rca.service.port ? `:${rca.service.port}` : ""}` : "unmapped";
  lines.push(`RCA (service ${svc}): ${rca.summary}`);
  for (const c of rca.chains ?? []) lines.push(`  chain: ${c}`);
  rca.causes.forEach((f, i) => {
    lines.push(`  ${i + 1}. ${f.cause} [${f.confidence}] ${f.summary}`);
    if (f.because) lines.push(`     because: ${f.because} — ${(f.link ?? []).join("; ")}`);
    const overlap = overlapLine(f, window);
    if (overlap) lines.push(`     overlap: ${overlap}`);
    for (const e of f.evidence) {
      const obj = `${e.kind} ${e.namespace ? `${e.namespace}/` : ""}${e.name}`;
      lines.push(`     evidence: ${obj} ${e.field}=${e.value}${e.time ? ` @ ${e.time}` : ""}`);
    }
    for (const c of f.counterEvidence) lines.push(`     against: ${c}`);
    for (const r of f.recommendations) lines.push(`     do: ${r}`);
  });
  if (rca.causes.length === 0) lines.push("  no cause matched");
  for (const b of rca.blindSpots) lines.push(`  blind spot: ${b}`);
  return lines;
}
