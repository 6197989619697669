import { LokiPullError, type NsRange } from "./errors.js";
import { entriesOfStreams } from "./page-entries.js";
import { MaxEntriesExceeded, type QueryRangeHttp } from "./query-range-http.js";
import type { LokiEntry } from "./schemas.js";
import type { LokiStats } from "./stats.js";

/** All entries of one query at one timestamp: the unit the adapter emits, so nothing is ever half-read. */
export interface TsGroup {
  ts: bigint;
  entries: LokiEntry[];
}

/** `groups` are complete and every entry of the query in [range start, frontier) is in them or earlier steps. */
export interface PagerStep {
  groups: TsGroup[];
  frontier: bigint;
}

/** Shared by all pagers of a client: the server's cap, learned from its error message. */
export class PageLimits {
  constructor(
    public maxEntries: number,
    private readonly preferred: number,
  ) {}
  get page(): number {
    return Math.min(this.preferred, this.maxEntries);
  }
}

/**
 * Pages one query forward over [startNs, endNs).
 *
 * A full page ending at ts T may hold only some of the entries at T (they share one ns timestamp).
 * Entries at T are therefore held back, and the next page starts AT T (start is inclusive) and
 * re-reads T completely. Entries at T come before anything later in that page, so the group is
 * whole and nothing needs matching. `cursor = T + 1ns` would lose the rest of T (measured on real
 * Loki 2.4.2: 3 of 7 entries). Only a timestamp with more entries than one request may return
 * cannot be read; that is an error, not a silent cut.
 */
export async function* pageRange(
  http: QueryRangeHttp,
  query: string,
  range: NsRange,
  limits: PageLimits,
  stats: LokiStats,
  signal: AbortSignal,
): AsyncGenerator<PagerStep> {
  const fetchPage = async (r: NsRange, want: number): Promise<{ entries: LokiEntry[]; limit: number }> => {
    for (;;) {
      const limit = Math.min(want, limits.maxEntries);
      try {
        const res = await http.get({ query, range: r, limit }, signal);
        if (res.data.resultType !== "streams") {
          throw new LokiPullError(query, r, `expected a log query (resultType streams), got ${res.data.resultType}`, 1);
        }
        stats.pages++;
        return { entries: entriesOfStreams(res.data.result), limit };
      } catch (err) {
        if (!(err instanceof MaxEntriesExceeded) || err.max >= limit || err.max < 1) throw err;
        limits.maxEntries = err.max;
      }
    }
  };

  let from = range.startNs;
  while (from < range.endNs) {
    const { entries, limit } = await fetchPage({ startNs: from, endNs: range.endNs }, limits.page);
    if (entries.length < limit) {
      yield { groups: groupByTs(entries), frontier: range.endNs };
      return;
    }
    const lastTs = BigInt(entries[entries.length - 1].tsNs);
    if (lastTs === from) {
      const one = { startNs: from, endNs: from + 1n };
      const whole = await fetchPage(one, limits.maxEntries);
      if (whole.entries.length >= whole.limit) {
        throw new LokiPullError(
          query,
          one,
          `at least ${whole.limit} entries share timestamp ${from}; the server's max entries per query (${whole.limit}) cannot page through one nanosecond`,
          1,
        );
      }
      yield { groups: groupByTs(whole.entries), frontier: from + 1n };
      from += 1n;
      continue;
    }
    const cut = entries.findIndex((e) => e.tsNs === entries[entries.length - 1].tsNs);
    yield { groups: groupByTs(entries.slice(0, cut)), frontier: lastTs };
    from = lastTs;
  }
}

export function groupByTs(entries: LokiEntry[]): TsGroup[] {
  const groups: TsGroup[] = [];
  for (const e of entries) {
    const last = groups[groups.length - 1];
    if (last && last.entries[0].tsNs === e.tsNs) last.entries.push(e);
    else groups.push({ ts: BigInt(e.tsNs), entries: [e] });
  }
  return groups;
}
