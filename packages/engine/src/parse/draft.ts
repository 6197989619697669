import type { HTTPEvent, LogFormat, RejectReason } from "../event/http-event.js";

/** What a format parser returns: the event without `source` (and maybe without `host`), or why it failed. */
export type Draft = Omit<HTTPEvent, "source" | "host"> & { host?: string };
export type DraftResult = { ok: true; format: LogFormat; draft: Draft } | { ok: false; reason: RejectReason; detail: string };

export function fail(reason: RejectReason, detail: string): DraftResult {
  return { ok: false, reason, detail };
}

/** nginx writes `-` for an unset variable; the event model uses undefined. */
export function dash(v: string | undefined): string | undefined {
  return v === undefined || v === "-" ? undefined : v;
}
