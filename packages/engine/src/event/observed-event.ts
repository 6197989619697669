import type { HTTPEvent } from "./http-event.js";

/** An HTTPEvent as the windows see it: with the derived facts every rule would otherwise recompute. */
export interface ObservedEvent {
  e: HTTPEvent;
  isStatic: boolean;
  /** Signature classes this event matched, per pack name; absent when none. */
  signatures: Map<string, SignatureHit[]> | undefined;
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
