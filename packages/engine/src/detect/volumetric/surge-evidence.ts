import type { HashedValues } from "../../window/hashed-values.js";
import type { VolumetricEvidence } from "../../incident/volumetric-schema.js";
import type { VolumetricDraft } from "./volumetric-evaluator.js";
import { isoTime } from "../../util/time.js";

/**
 * The surge's traffic measured against the baseline's, exactly, from the key's tallies: what the verdict reads
 * and what the proof block shows. Pure arithmetic over the draft; the figures are rounded once, here.
 */

export type MeasuredSurge = Omit<VolumetricEvidence, "verdict" | "classifiedAt" | "classifiedOn" | "signals" | "rate">;

const SHOWN = 5;

export function measureSurge(d: VolumetricDraft): MeasuredSurge {
  const f = d.figures;
  const b = d.base;
  const topK = d.rule.classify.prefixes.top;
  const share = (x: number) => r4(f.requests ? x / f.requests : 0);
  const bshare = (x: number) => r4(b.requests ? x / b.requests : 0);
  // Sources, user agents and paths are shares of the requests counted into them (see VALUE_STRIDE).
  const vshare = (x: number) => r4(f.valued ? x / f.valued : 0);
  const vbshare = (x: number) => r4(b.valued ? x / b.valued : 0);
  // A value counted only before names were kept (early in the window that crossed) shows as `(unnamed)`.
  const rows = (values: HashedValues, limit: number) => values.top(limit).map((t) => ({ value: t.value ?? "(unnamed)", requests: t.n, share: vshare(t.n), baselineShare: vbshare(t.baseline) }));

  const { sources, agents, paths } = d.traffic;
  const topPrefixes = sources.topSurgePrefixes(Math.max(SHOWN, topK));
  const prefixRows = topPrefixes.map((p) => ({ value: p.value, requests: p.requests, share: vshare(p.requests), baselineShare: vbshare(p.baseline) }));
  const top = topPrefixes.slice(0, topK);
  const clients = sources.surgeClients();
  const busting = paths.mostQueried();
  const detail = d.detail;
  const capped = [
    ...(agents.capped ? ["userAgents"] : []),
    ...(paths.capped ? ["paths"] : []),
    ...(sources.capped ? ["clients"] : []),
  ];
  const judged = (x: number, of: number) => r4(of ? x / of : 0);
  return {
    baselineRequests: b.requests,
    clients: { during: clients.during, newShare: r4(clients.during ? clients.fresh / clients.during : 0), maxPerWindowDuring: f.maxClientRequests, maxPerWindowBaseline: d.maxPerWindowBaseline },
    prefixes: prefixRows,
    topPrefixShare: { top: topK, share: vshare(top.reduce((s, p) => s + p.requests, 0)), baselineShare: vbshare(top.reduce((s, p) => s + p.baseline, 0)) },
    userAgents: rows(agents, SHOWN),
    browserShare: { during: vshare(f.browser), baseline: vbshare(b.browser) },
    paths: rows(paths, SHOWN),
    assetShare: { during: vshare(f.staticAssets), baseline: vbshare(b.staticAssets) },
    ...(busting ? { cacheBusting: { path: busting.value ?? "(unnamed)", distinctQueries: busting.queries!.size, requests: busting.n } } : {}),
    methods: topEntries(detail.methods, SHOWN).map(([value, requests]) => ({ value, requests })),
    externalReferer: {
      during: judged(f.externalReferer, f.refererJudged),
      baseline: judged(b.externalReferer, b.refererJudged),
      top: topEntries(detail.referers, 3).map(([value, requests]) => ({ value, requests })),
    },
    statusShare: {
      before: { fiveXx: bshare(b.fiveXx), tooMany: bshare(b.tooMany), unavailable: bshare(b.unavailable) },
      during: { fiveXx: share(f.fiveXx), tooMany: share(f.tooMany), unavailable: share(f.unavailable) },
    },
    upstreams: [...detail.upstreams]
      .sort((x, y) => y[1].n - x[1].n || (x[0] < y[0] ? -1 : 1))
      .slice(0, SHOWN)
      .map(([value, u]) => ({ value, requests: u.n, fiveXxShare: r4(u.n ? u.fiveXx / u.n : 0) })),
    capped,
  };
}

/** The evidence as it stands (frozen at closing): the rate, the surge so far against the baseline it opened on, the verdict. */
export function volumetricEvidence(d: VolumetricDraft): VolumetricEvidence {
  if (d.final) return d.final;
  const w = d.windowMs;
  const timeline = [
    ...d.baselineCounts.map((n, i) => ({ start: isoTime((d.openWindow - d.baselineCounts.length + i) * w), requests: n, surge: false })),
    ...[...d.timeline, ...(d.current ? [d.current] : [])].map((t) => ({ start: isoTime(t.start), requests: t.requests, surge: t.surge })),
  ];
  return {
    ...d.classified,
    rate: {
      windowS: w / 1000,
      baselineMedian: d.median,
      baselineWindows: d.baselineCounts.length,
      baselineWindowsWithTraffic: d.baselineWithTraffic,
      warmupWindows: d.warmupWindows,
      threshold: d.threshold,
      peak: d.peak.requests,
      peakAt: isoTime(d.peak.at),
      timeline,
    },
    ...measureSurge(d),
  };
}

function topEntries(m: Map<string, number>, limit: number): Array<[string, number]> {
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, limit);
}

export function r4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
