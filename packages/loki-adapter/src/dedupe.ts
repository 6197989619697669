import { canonicalLabels } from "./labels.js";
import type { LokiEntry } from "./schemas.js";

export interface DedupeResult {
  entries: LokiEntry[];
  dropped: number;
}

/**
 * Combines what several queries returned for ONE timestamp.
 *
 * "The same line" = same ns timestamp, same line text, and same stream labels once the
 * `ignoreLabels` are removed (none by default, i.e. the exact same stream). Repeats inside one
 * stream are kept: Loki stores them as distinct entries (a stream's log may really hold the same line
 * twice in one second), so they are not duplicates. For every such key the copy count is the largest
 * count any single (query, stream) holds, taken from the smallest stream label string, then the
 * first query: an overlapping selector or a second agent never adds copies, and the choice does not
 * depend on response order. Output is ordered by stream, then query, then Loki's order.
 */
export function dedupeTsGroup(perQuery: LokiEntry[][], ignoreLabels: ReadonlySet<string>): DedupeResult {
  const total = perQuery.reduce((n, es) => n + es.length, 0);
  if (perQuery.length === 1 && ignoreLabels.size === 0) return { entries: perQuery[0], dropped: 0 };

  type Holder = { stream: string; query: number; count: number };
  const best = new Map<string, Holder>();
  const counts = new Map<string, number>();
  const keyOf = (e: LokiEntry) =>
    `${ignoreLabels.size ? canonicalLabels(e.labels, ignoreLabels) : e.stream}\u0000${e.line}`;
  perQuery.forEach((entries, query) => {
    for (const e of entries) {
      const holderKey = `${query}\u0000${e.stream}\u0000${keyOf(e)}`;
      counts.set(holderKey, (counts.get(holderKey) ?? 0) + 1);
    }
  });
  for (const [holderKey, count] of counts) {
    const [q, stream, ...rest] = holderKey.split("\u0000");
    const key = rest.join("\u0000");
    const query = Number(q);
    const cur = best.get(key);
    if (!cur || count > cur.count || (count === cur.count && (stream < cur.stream || (stream === cur.stream && query < cur.query)))) {
      best.set(key, { stream, query, count });
    }
  }
  const kept: { e: LokiEntry; query: number; pos: number }[] = [];
  perQuery.forEach((entries, query) =>
    entries.forEach((e, pos) => {
      const holder = best.get(keyOf(e));
      if (holder && holder.query === query && holder.stream === e.stream) kept.push({ e, query, pos });
    }),
  );
  kept.sort((a, b) => (a.e.stream < b.e.stream ? -1 : a.e.stream > b.e.stream ? 1 : a.query - b.query || a.pos - b.pos));
  return { entries: kept.map((k) => k.e), dropped: total - kept.length };
}
