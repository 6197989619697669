import { z } from "zod";
import { isoTime } from "../util/time.js";

/** A run's counts: every line read is an event or rejected with a reason, so `lines = events + sum(rejected)`. */
export const RunStats = z.object({
  /** Every line read; always events + sum(rejected). */
  lines: z.number().int(),
  events: z.number().int(),
  rejected: z.record(z.string(), z.number().int()),
  /** First rejected line per reason, so a user can see what was not understood. */
  rejectedSamples: z.record(z.string(), z.object({ line: z.number().int(), file: z.string().optional(), sample: z.string(), detail: z.string().optional() })),
  /** Events older than the watermark on arrival: parsed but not evaluated. */
  late: z.number().int(),
  /** Events outside --since/--until: parsed but not evaluated. */
  outOfRange: z.number().int(),
  byFormat: z.record(z.string(), z.number().int()),
  /**
   * Most events came from one non-public address carrying a forwarded header: probably a proxy whose
   * clients all share its address (see --trusted-proxies): the top address, the share of events from such
   * addresses (0..1) and how many there were.
   */
  proxyHint: z.object({ remoteAddr: z.string(), header: z.string(), share: z.number(), addresses: z.number().int() }).optional(),
  /** Events a pack's exclusion (an application whitelist) hid from security rules, per exclusion; absent when none. */
  excluded: z.record(z.string(), z.number().int()).optional(),
  firstEvent: z.string().optional(),
  lastEvent: z.string().optional(),
});
export type RunStats = z.infer<typeof RunStats>;

/** The counters as published: the event-time span rendered on read, not per event. */
export function renderStats(s: RunStats, firstReleased: number | undefined, lastReleased: number): RunStats {
  if (firstReleased !== undefined) {
    s.firstEvent = isoTime(firstReleased);
    s.lastEvent = isoTime(lastReleased);
  }
  // Reasons in name order: a line rejected on arrival or on release must not change how stats print.
  s.rejected = sortedKeys(s.rejected);
  s.rejectedSamples = sortedKeys(s.rejectedSamples);
  return s;
}

function sortedKeys<V>(o: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
