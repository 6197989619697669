import { canonicalLabels } from "./labels.js";
import type { LokiEntry, StreamsResult } from "./schemas.js";
import { compareNsStrings } from "./timestamp.js";

/**
 * Flattens one streams result into entries ordered by (ts, stream), keeping Loki's order among
 * entries of one stream at one timestamp (that is the order they were pushed in).
 */
export function entriesOfStreams(result: StreamsResult): LokiEntry[] {
  const out: LokiEntry[] = [];
  for (const { stream: labels, values } of result) {
    const stream = canonicalLabels(labels);
    for (const value of values) {
      const entry: LokiEntry = { tsNs: value[0], line: value[1], labels, stream };
      const extra = value[2];
      if (extra !== undefined) Object.assign(entry, metadataOf(extra));
      out.push(entry);
    }
  }
  // Array.prototype.sort is stable, so same-stream ties keep their order.
  return out.sort((a, b) => compareNsStrings(a.tsNs, b.tsNs) || (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

type Metadata = Pick<LokiEntry, "structuredMetadata" | "parsed">;

function metadataOf(extra: Record<string, unknown>): Metadata {
  const categorized = "structuredMetadata" in extra || "parsed" in extra;
  const out: Metadata = {};
  const sm = categorized ? stringMap(extra.structuredMetadata) : stringMap(extra);
  const parsed = categorized ? stringMap(extra.parsed) : undefined;
  if (sm) out.structuredMetadata = sm;
  if (parsed) out.parsed = parsed;
  return out;
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const entries = Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string");
  return entries.length ? Object.fromEntries(entries) : undefined;
}
