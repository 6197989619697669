import type { VolumetricClassify } from "../../rules/volumetric-schema.js";
import type { VolumetricEvidence, VolumetricSignal } from "../../incident/volumetric-schema.js";

/**
 * Flood or flash crowd, from the evidence. Each signal is a way automation shows and crowds of people do not;
 * none decides alone, because each has an innocent explanation on its own (a landing page draws most of a
 * campaign's requests, a mobile app sends one user agent, jQuery busts caches with `_=`, an office or a carrier
 * NAT puts thousands behind one prefix). A surge is attack-like when `minSignals` of them agree. New clients
 * are shown but never vote: a flash crowd is new clients too.
 */
export function classifySurge(ev: Omit<VolumetricEvidence, "verdict" | "classifiedAt" | "classifiedOn" | "signals" | "rate">, c: VolumetricClassify): { verdict: VolumetricEvidence["verdict"]; signals: VolumetricSignal[] } {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rising = (share: number, base: number, t: { share: number; rise: number }) => share >= t.share && share >= t.rise * base;
  const signals: VolumetricSignal[] = [];

  const tp = ev.topPrefixShare;
  signals.push({
    signal: "prefixes",
    holds: rising(tp.share, tp.baselineShare, c.prefixes),
    detail: `top ${tp.top} source prefixes carry ${pct(tp.share)} of the surge (baseline ${pct(tp.baselineShare)}); required ≥ ${pct(c.prefixes.share)} and ≥ ${c.prefixes.rise}× baseline`,
  });

  const ua = ev.userAgents[0];
  const nonBrowser = { during: 1 - ev.browserShare.during, baseline: 1 - ev.browserShare.baseline };
  const uaHolds = (ua !== undefined && rising(ua.share, ua.baselineShare, c.userAgent)) || rising(nonBrowser.during, nonBrowser.baseline, c.userAgent);
  signals.push({
    signal: "userAgent",
    holds: uaHolds,
    detail: `top user agent ${ua ? `"${ua.value || "-"}" ${pct(ua.share)} (baseline ${pct(ua.baselineShare)})` : "none"}, non-browser ${pct(nonBrowser.during)} (baseline ${pct(nonBrowser.baseline)}); required ≥ ${pct(c.userAgent.share)} and ≥ ${c.userAgent.rise}× baseline`,
  });

  const path = ev.paths[0];
  signals.push({
    signal: "path",
    holds: path !== undefined && rising(path.share, path.baselineShare, c.path),
    detail: `top path ${path ? `${path.value} ${pct(path.share)} (baseline ${pct(path.baselineShare)})` : "none"}; required ≥ ${pct(c.path.share)} and ≥ ${c.path.rise}× baseline`,
  });

  const a = ev.assetShare;
  const assetsApply = a.baseline >= c.assets.baselineMin;
  signals.push({
    signal: "assets",
    holds: assetsApply && a.during < c.assets.below * a.baseline,
    detail: assetsApply
      ? `static assets ${pct(a.during)} of the surge against ${pct(a.baseline)} of the baseline; required below ${c.assets.below}× baseline`
      : `not judged: the baseline fetched ${pct(a.baseline)} static assets (< ${pct(c.assets.baselineMin)}), no page-and-assets pattern to miss`,
  });

  const cb = ev.cacheBusting;
  const cbShare = cb && cb.requests ? cb.distinctQueries / cb.requests : 0;
  signals.push({
    signal: "cacheBusting",
    holds: cb !== undefined && cb.distinctQueries >= c.cacheBusting.minDistinct && cbShare >= c.cacheBusting.share,
    detail: cb
      ? `${cb.path}: ${cb.distinctQueries} distinct query strings (tracking parameters left out) over ${cb.requests} requests (${pct(cbShare)}); required ≥ ${c.cacheBusting.minDistinct} and ≥ ${pct(c.cacheBusting.share)}`
      : "no query strings during the surge",
  });

  const agreeing = signals.filter((s) => s.holds).length;
  return { verdict: agreeing >= c.minSignals ? "attack-like" : "organic", signals };
}
