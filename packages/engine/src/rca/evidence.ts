import type { RcaEvidence } from "../incident/incident.js";

/** Evidence plus the interval it covers; `ongoing` states last until the snapshot was taken. */
export interface TimedEvidence {
  evidence: RcaEvidence;
  fromMs?: number;
  toMs?: number;
  ongoing: boolean;
}

export interface Window {
  /** Window start minus slack. */
  lo: number;
  hi: number;
  startMs: number;
  endMs: number;
}

export const isoMs = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export function timed(evidence: RcaEvidence, opts: { from?: string; to?: string; ongoing?: boolean }): TimedEvidence {
  return { evidence, fromMs: isoMs(opts.from), toMs: isoMs(opts.to ?? opts.from), ongoing: opts.ongoing ?? false };
}

/** True when the evidence has a time and that time intersects [lo, hi]; untimed evidence proves nothing. */
export function overlaps(e: TimedEvidence, w: Window): boolean {
  if (e.fromMs === undefined) return false;
  const end = e.ongoing ? Number.POSITIVE_INFINITY : (e.toMs ?? e.fromMs);
  return e.fromMs <= w.hi && end >= w.lo;
}

/** `10:02:11` in UTC; the proof block is plain text and must not depend on the reader's zone. */
export const hms = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export function describeOutside(e: TimedEvidence, w: Window): string {
  const { kind, namespace, name, field, value } = e.evidence;
  const at = e.fromMs === undefined ? "with no timestamp" : e.fromMs > w.hi ? `from ${hms(e.fromMs)}, after the spike` : `at ${hms(e.toMs ?? e.fromMs)}, before the window`;
  return `${kind} ${namespace ? `${namespace}/` : ""}${name} ${field}=${value} ${at}`;
}
