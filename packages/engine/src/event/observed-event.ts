import type { HTTPEvent } from "./http-event.js";

/** An HTTPEvent as the windows see it: with the derived facts every rule would otherwise recompute. */
export interface ObservedEvent {
  e: HTTPEvent;
  isStatic: boolean;
  /** Signature classes this event matched, per pack name; absent when none. */
  signatures: Map<string, SignatureHit[]> | undefined;
  /** The log line as read ("" for events pushed already parsed): the tie-break among equal timestamps. */
  raw: string;
  /** sameTimeRank(raw): orders most same-time pairs by one number comparison. */
  rank: number;
  /** Set once its strings are copies of their own (see detach). */
  detached?: boolean;
  /** Group keys by groupBy shape (see groupKeyCached): most rules share a few shapes, so each is built once. */
  keys: Array<string | null | undefined>;
}

export interface SignatureHit {
  cls: string;
  /** The list entry that matched, for evidence. */
  entry: string;
  tag?: string;
  exploit: boolean;
}

export function lastUpstreamStatus(e: HTTPEvent): number | undefined {
  const a = e.upstream?.attempts;
  return a && a.length ? a[a.length - 1].status : undefined;
}

export function lastUpstreamAddr(e: HTTPEvent): string | undefined {
  const a = e.upstream?.attempts;
  return a && a.length ? a[a.length - 1].addr : undefined;
}

export function requestUri(e: HTTPEvent): string {
  return e.query === undefined ? e.path : `${e.path}?${e.query}`;
}

const RANK_CHARS = 6;

/**
 * The first characters of a line as one number, ordered as the strings are: each code unit clamped to 255,
 * and nothing counted after the first clamped one, so a tie here only means "compare the strings".
 */
export function sameTimeRank(raw: string): number {
  let rank = 0;
  let clamped = false;
  for (let i = 0; i < RANK_CHARS; i++) {
    let c = clamped || i >= raw.length ? 0 : raw.charCodeAt(i);
    if (c >= 255) (c = 255), (clamped = true);
    rank = rank * 256 + c;
  }
  return rank;
}

/**
 * Order of release among events with the same timestamp: the line's content first, so the same lines in any
 * arrival order (even renumbered, as when a log is re-sorted or merged) release alike; then input position,
 * which separates identical lines.
 */
export function compareSameTime(a: ObservedEvent, b: ObservedEvent): number {
  // -1/1 rather than a difference: ranks exceed small integers, and a difference would be a boxed number.
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  if (a.raw !== b.raw) return a.raw < b.raw ? -1 : 1;
  const fa = a.e.source.file ?? "";
  const fb = b.e.source.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  return a.e.source.line - b.e.source.line;
}
