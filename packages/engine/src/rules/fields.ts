import type { EventField } from "./schema.js";
import { lastUpstreamAddr, lastUpstreamStatus, requestUri, type ObservedEvent } from "../event/observed-event.js";

export type FieldValue = string | number | boolean | string[] | undefined;

/** Reads a rule-visible field; `signature` is the list of classes the event matched in `pack`. */
export function getField(ev: ObservedEvent, field: EventField, pack: string): FieldValue {
  const e = ev.e;
  switch (field) {
    case "upstream":
      return e.upstream?.name;
    case "upstreamStatus":
      return lastUpstreamStatus(e);
    case "upstreamAddr":
      return lastUpstreamAddr(e);
    case "uri":
      return requestUri(e);
    case "static":
      return ev.isStatic;
    case "malformedRequest":
      return e.malformedRequest === true;
    case "absoluteUri":
      // CONNECT names only a target host; both forms ask the server to act as a proxy.
      return e.absoluteUri === true || e.targetHost !== undefined;
    case "signature":
      return ev.signatures?.get(pack)?.map((h) => h.cls) ?? [];
    default:
      return e[field];
  }
}

/** Group key of an event, or undefined when a groupBy field is missing (the event has no such key). */
export function groupKey(ev: ObservedEvent, fields: ReadonlyArray<"clientIp" | "host" | "upstream">): string | undefined {
  if (fields.length === 1) return fieldText(ev, fields[0]);
  let key = "";
  for (let i = 0; i < fields.length; i++) {
    const v = fieldText(ev, fields[i]);
    if (v === undefined) return undefined;
    key += i ? `\u0000${v}` : v;
  }
  return key;
}

function fieldText(ev: ObservedEvent, f: "clientIp" | "host" | "upstream"): string | undefined {
  return f === "upstream" ? ev.e.upstream?.name : ev.e[f];
}

/**
 * groupKey memoised on the event under a small integer id of the groupBy shape: with a dozen rules over
 * three shapes, each key string is built once per event instead of once per rule.
 */
export function groupKeyCached(ev: ObservedEvent, shape: number, fields: ReadonlyArray<"clientIp" | "host" | "upstream">): string | undefined {
  const cached = ev.keys[shape];
  if (cached !== undefined) return cached ?? undefined;
  const key = groupKey(ev, fields);
  ev.keys[shape] = key ?? null;
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
