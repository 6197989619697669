import type { HTTPEvent } from "./http-event.js";
import type { ObservedEvent } from "./observed-event.js";

const FIELDS = ["clientIp", "host", "method", "path", "query", "protocol", "userAgent", "referer", "remoteUser", "forwardedFor", "requestId", "targetHost"] as const;

/**
 * Gives an event that a window or incident keeps strings of its own (see ownCopy): otherwise each kept
 * event pins the megabyte of log text its fields were sliced from, and a 10-minute window pins ten
 * minutes of raw log. Events nobody keeps stay slices and cost nothing.
 */
export function detach(ev: ObservedEvent): void {
  if (ev.detached) return;
  ev.detached = true;
  // The cached group key is a slice too; it is rebuilt from the copied fields when next asked for.
  ev.keyShape = -1;
  ev.key = null;
  const e = ev.e as HTTPEvent & Record<string, unknown>;
  const up = e.upstream;
  const strings: Record<string, unknown> = {};
  for (const f of FIELDS) if (e[f] !== undefined) strings[f] = e[f];
  if (e.via) strings.via = e.via;
  if (e.clientHeaders) strings.clientHeaders = e.clientHeaders;
  if (up) strings.up = [up.name, up.alternative, up.flags, up.attempts.map((a) => a.addr)];
  // One JSON round trip for all fields: the portable way to get fresh strings in every runtime.
  const copy = JSON.parse(JSON.stringify(strings)) as Record<string, unknown>;
  for (const f of FIELDS) if (copy[f] !== undefined) (e as Record<string, unknown>)[f] = copy[f];
  if (e.via) e.via = copy.via as string[];
  if (e.clientHeaders) e.clientHeaders = copy.clientHeaders as HTTPEvent["clientHeaders"];
  if (up) {
    const [name, alternative, flags, addrs] = copy.up as [string | undefined, string | undefined, string | undefined, string[]];
    up.name = name ?? undefined;
    up.alternative = alternative ?? undefined;
    up.flags = flags ?? undefined;
    addrs.forEach((addr, i) => (up.attempts[i].addr = addr));
  }
}
