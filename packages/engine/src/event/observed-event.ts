import type { HTTPEvent } from "./http-event.js";
import { isStaticAsset } from "./static-asset.js";

/** An HTTPEvent as the windows see it: with the derived facts every rule would otherwise recompute. */
export interface ObservedEvent {
  e: HTTPEvent;
  /** Whether the path names a static asset; undefined until asked (see isStaticEvent). */
  isStatic: boolean | undefined;
  /** Signature classes this event matched, per pack name; absent when none. */
  signatures: Map<string, SignatureHit[]> | undefined;
  /** Set once its strings are copies of their own (see detach). */
  detached?: boolean;
  /**
   * The last multi-field group key built for this event and its groupBy shape (see groupKeyCached): rules
   * mostly share one such shape, so one slot serves them all without an array per event.
   */
  keyShape: number;
  /** null: the event lacks a field of that shape. */
  key: string | null;
  /**
   * Its place in release order (see Pipeline.dispatch), so an actor can tell the requests it already took from
   * those a finding's window brings along; -1 before release.
   */
  seq: number;
}

export interface SignatureHit {
  cls: string;
  /** The list entry that matched, for evidence. */
  entry: string;
  tag?: string;
  exploit: boolean;
  /** Matched in the request target (path, query), not a header: only such a hit makes a 2xx a found path. */
  target: boolean;
}

/** Worked out on first use: only rules about 4xx probes and partial outcomes ask, so most events never pay for it. */
export function isStaticEvent(ev: ObservedEvent): boolean {
  return (ev.isStatic ??= isStaticAsset(ev.e.path));
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
