import { dedupeTsGroup } from "./dedupe.js";
import type { NsRange } from "./errors.js";
import type { PagerStep, TsGroup } from "./range-pager.js";
import type { LokiEntry } from "./schemas.js";
import type { LokiStats } from "./stats.js";

export interface MergedStep {
  entries: LokiEntry[];
  /** Every entry of every query with ts < frontier has been emitted. */
  frontier: bigint;
}

/**
 * Merges the pagers of several queries over one range. A timestamp is emitted only once every
 * query has read past it (its frontier), so the duplicate rule sees all copies of a line at once.
 */
export async function* mergeQueries(
  pagers: AsyncIterator<PagerStep>[],
  range: NsRange,
  ignoreLabels: ReadonlySet<string>,
  stats: LokiStats,
): AsyncGenerator<MergedStep> {
  const state = pagers.map(() => ({ groups: [] as TsGroup[], frontier: range.startNs }));
  let emitted = range.startNs;
  while (emitted < range.endNs) {
    const lagging = state.reduce((lo, s, i) => (s.frontier < state[lo].frontier ? i : lo), 0);
    const step = await pagers[lagging].next();
    const s = state[lagging];
    if (step.done) s.frontier = range.endNs;
    else {
      s.groups.push(...step.value.groups);
      s.frontier = step.value.frontier;
    }
    const frontier = state.reduce((lo, x) => (x.frontier < lo ? x.frontier : lo), range.endNs);
    if (frontier === emitted) continue;
    const entries = takeBelow(state, frontier, ignoreLabels, stats);
    stats.entries += entries.length;
    emitted = frontier;
    yield { entries, frontier };
  }
}

function takeBelow(
  state: { groups: TsGroup[] }[],
  frontier: bigint,
  ignoreLabels: ReadonlySet<string>,
  stats: LokiStats,
): LokiEntry[] {
  const ready = state.map((s) => {
    const n = s.groups.findIndex((g) => g.ts >= frontier);
    return s.groups.splice(0, n === -1 ? s.groups.length : n);
  });
  if (ready.length === 1 && ignoreLabels.size === 0) return ready[0].flatMap((g) => g.entries);
  const byTs = new Map<bigint, LokiEntry[][]>();
  ready.forEach((groups, q) => {
    for (const g of groups) {
      const slot = byTs.get(g.ts) ?? ready.map(() => []);
      slot[q] = g.entries;
      byTs.set(g.ts, slot);
    }
  });
  const out: LokiEntry[] = [];
  for (const ts of [...byTs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const { entries, dropped } = dedupeTsGroup(byTs.get(ts)!, ignoreLabels);
    stats.duplicatesDropped += dropped;
    out.push(...entries);
  }
  return out;
}
