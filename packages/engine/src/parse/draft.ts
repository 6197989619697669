import { decodeLogged } from "./escape.js";
import type { HTTPEvent, LogFormat, RejectReason, UpstreamAttempt } from "../event/http-event.js";
import type { RequestParts } from "./request.js";

/** What a format parser returns: the event without `source` (and maybe without `host`), or why it failed. */
export type Draft = Omit<HTTPEvent, "source" | "host"> & { host?: string; source?: HTTPEvent["source"] };

/**
 * Every parser starts from this literal, so every event has the same fields in the same order (absent ones
 * undefined; JSON output drops them) and becomes the event in place: downstream code reads one object shape,
 * which keeps V8's property access monomorphic on the hot path.
 */
export function newDraft(ts: number, status: number): Draft {
  return {
    ts,
    clientIp: undefined,
    host: undefined,
    method: undefined,
    path: "",
    query: undefined,
    protocol: undefined,
    httpVersion: undefined,
    status,
    bytes: undefined,
    requestLength: undefined,
    requestTime: undefined,
    userAgent: undefined,
    referer: undefined,
    remoteUser: undefined,
    forwardedFor: undefined,
    clientHeaders: undefined,
    via: undefined,
    upstream: undefined,
    requestId: undefined,
    malformedRequest: undefined,
    absoluteUri: undefined,
    targetHost: undefined,
    source: undefined,
  };
}

/** The upstream part, likewise in one shape. */
export function newUpstream(name: string | undefined, attempts: UpstreamAttempt[], alternative?: string, flags?: string): NonNullable<Draft["upstream"]> {
  return { name, alternative, attempts, flags };
}
export type DraftResult = { ok: true; format: LogFormat; draft: Draft } | { ok: false; reason: RejectReason; detail: string };

export function fail(reason: RejectReason, detail: string): DraftResult {
  return { ok: false, reason, detail };
}

/** A logged value with its escapes decoded, or undefined for `-`. */
export function dashDecoded(v: string | undefined): string | undefined {
  const d = dash(v);
  return d === undefined ? undefined : decodeLogged(d);
}

/** nginx writes `-` for an unset variable; the event model uses undefined. */
export function dash(v: string | undefined): string | undefined {
  return v === undefined || v === "-" ? undefined : v;
}

/** The parts of a request line (parseRequest) into the draft. */
export function setRequest(d: Draft, r: RequestParts): void {
  d.method = r.method;
  d.path = r.path;
  d.query = r.query;
  d.protocol = r.protocol;
  d.httpVersion = r.httpVersion;
  if (r.malformed) d.malformedRequest = true;
  if (r.absoluteUri) d.absoluteUri = true;
  if (r.targetHost !== undefined) d.targetHost = r.targetHost;
}
