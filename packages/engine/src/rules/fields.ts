import type { EventField } from "./schema.js";
import { isStaticEvent, lastUpstreamAddr, lastUpstreamStatus, requestUri, type ObservedEvent } from "../event/observed-event.js";
import { fileDir, fileExt, fileFrag, fileName, uriDecoded, uriFormDecoded } from "../event/request-target.js";

export type FieldValue = string | number | boolean | string[] | undefined;

export type FieldReader = (ev: ObservedEvent) => FieldValue;

/**
 * A reader of one rule-visible field, chosen once when a rule is compiled: predicates and window counters
 * call it for every event, so the field dispatch happens here and not per call. `signature` is the list of
 * classes the event matched in `pack`.
 */
export function fieldReader(field: EventField, pack: string): FieldReader {
  switch (field) {
    case "upstream":
      return (ev) => ev.e.upstream?.name;
    case "upstreamStatus":
      return (ev) => lastUpstreamStatus(ev.e);
    case "upstreamAddr":
      return (ev) => lastUpstreamAddr(ev.e);
    case "uri":
      return (ev) => requestUri(ev.e);
    case "static":
      return isStaticEvent;
    case "malformedRequest":
      return (ev) => ev.e.malformedRequest === true;
    case "absoluteUri":
      // CONNECT names only a target host; both forms ask the server to act as a proxy.
      return (ev) => ev.e.absoluteUri === true || ev.e.targetHost !== undefined;
    case "signature":
      return (ev) => ev.signatures?.get(pack)?.map((h) => h.cls) ?? [];
    case "status":
      return (ev) => ev.e.status;
    case "path":
      return (ev) => ev.e.path;
    case "method":
      return (ev) => ev.e.method;
    case "clientIp":
      return (ev) => ev.e.clientIp;
    case "host":
      return (ev) => ev.e.host;
    case "userAgent":
      return (ev) => ev.e.userAgent;
    case "uriDecoded":
      return (ev) => uriDecoded(ev.e);
    case "uriFormDecoded":
      return (ev) => uriFormDecoded(ev.e);
    case "fileName":
      return (ev) => fileName(ev.e.path);
    case "fileExt":
      return (ev) => fileExt(ev.e.path);
    case "fileFrag":
      return (ev) => fileFrag(ev.e.path);
    case "fileDir":
      return (ev) => fileDir(ev.e.path);
    case "queryLength":
      return (ev) => ev.e.query?.length ?? 0;
    default:
      return (ev) => ev.e[field];
  }
}

/** Group key of an event, or undefined when a groupBy field is missing (the event has no such key). */
export function groupKey(ev: ObservedEvent, fields: ReadonlyArray<"clientIp" | "host" | "upstream">): string | undefined {
  if (fields.length === 1) return groupFieldText(ev, fields[0]);
  let key = "";
  for (let i = 0; i < fields.length; i++) {
    const v = groupFieldText(ev, fields[i]);
    if (v === undefined) return undefined;
    key += i ? `\u0000${v}` : v;
  }
  return key;
}

/** One groupBy field of an event as text. */
export function groupFieldText(ev: ObservedEvent, f: "clientIp" | "host" | "upstream"): string | undefined {
  return f === "upstream" ? ev.e.upstream?.name : ev.e[f];
}

/**
 * groupKey memoised on the event under a small integer id of the groupBy shape: with a dozen rules sharing
 * one multi-field shape, each key string is built once per event instead of once per rule.
 */
export function groupKeyCached(ev: ObservedEvent, shape: number, fields: ReadonlyArray<"clientIp" | "host" | "upstream">): string | undefined {
  // A one-field key is the field's own string: nothing to build, nothing to cache.
  if (fields.length === 1) return groupFieldText(ev, fields[0]);
  if (ev.keyShape === shape) return ev.key ?? undefined;
  const key = groupKey(ev, fields);
  ev.keyShape = shape;
  ev.key = key ?? null;
  return key;
}

const shapes = new Map<string, number>();

/** A process-wide small integer for a groupBy field list. */
export function groupShapeId(fields: ReadonlyArray<string>): number {
  const name = fields.join(",");
  let id = shapes.get(name);
  if (id === undefined) shapes.set(name, (id = shapes.size));
  return id;
}
