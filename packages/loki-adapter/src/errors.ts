import { nsToIso } from "./timestamp.js";

export interface NsRange {
  startNs: bigint;
  endNs: bigint;
}

export function describeRange(r: NsRange): string {
  return `[${nsToIso(r.startNs)}, ${nsToIso(r.endNs)}) (ns ${r.startNs}..${r.endNs}, end exclusive)`;
}

/**
 * The adapter never skips a range: whatever could not be read surfaces as this error, naming the
 * query, the exact range, and the last answer. `cursor` on the pull tells where to resume.
 */
export class LokiPullError extends Error {
  override readonly name = "LokiPullError";
  constructor(
    readonly query: string,
    readonly range: NsRange,
    readonly reason: string,
    readonly attempts: number,
    readonly status?: number,
    readonly body?: string,
  ) {
    super(`Loki query_range could not read ${describeRange(range)} for ${query} after ${attempts} attempt(s): ${reason}`);
  }
}

const MAX_ENTRIES = /max entries limit per query exceeded, limit > max_entries_limit(?:_per_query)? \((\d+) > (\d+)\)/;

/** Loki 2.4 says `max_entries_limit`, later versions `max_entries_limit_per_query`; both carry the cap. */
export function parseMaxEntriesLimit(body: string): number | undefined {
  const m = MAX_ENTRIES.exec(body);
  return m ? Number(m[2]) : undefined;
}
