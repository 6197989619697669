import type { VolumetricEvidence } from "./volumetric-schema.js";

/**
 * The DDoS playbook's ingress-nginx steps, filled in with what was measured: a deny list of the prefixes the
 * surge came from, per-client limits derived from the baseline (and whether they would stop this surge at
 * all), and scaling when the upstream answered 5xx. Nothing is applied: these are lines to review and paste.
 */

export interface RecommendationInput {
  ev: VolumetricEvidence;
  key: { host?: string; upstream?: string };
  /** Mean request time over the baseline (s), when the log has it. */
  baselineMeanRequestTimeS: number | undefined;
  /** The 5xx rise (absolute share) that counts as the upstream failing. */
  fiveXxRiseBy: number;
  /** `share`/`rise` of the prefixes signal: a prefix is denied only when it is itself concentrated and new. */
  prefixRise: number;
}

// A prefix worth a deny-list entry carries at least this share of the surge on its own.
const DENY_MIN_SHARE = 0.02;
// Browsers open up to six connections per host over HTTP/1.1: a lower limit-connections refuses real page loads.
const BROWSER_CONNECTIONS = 6;

export function volumetricRecommendations(r: RecommendationInput): string[] {
  const { ev, key } = r;
  const out: string[] = [];
  const target = key.host ? `the Ingress of ${key.host}` : `the Ingress routing to ${key.upstream}`;
  const win = ev.rate.windowS;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const rose = ev.statusShare.during.fiveXx - ev.statusShare.before.fiveXx >= r.fiveXxRiseBy;

  if (ev.verdict === "attack-like") {
    const deny = ev.prefixes.filter((p) => p.share >= DENY_MIN_SHARE && p.share >= r.prefixRise * p.baselineShare);
    if (deny.length) {
      const share = deny.reduce((s, p) => s + p.share, 0);
      const base = deny.reduce((s, p) => s + p.baselineShare, 0);
      out.push(
        `deny the surge's source prefixes on ${target}: \`nginx.ingress.kubernetes.io/denylist-source-range: "${deny.map((p) => p.value).join(",")}"\` — ${deny.length} prefix(es) sent ${pct(share)} of the surge and ${pct(base)} of the baseline (check the baseline share before denying: those are real users)`,
      );
    } else out.push(`no prefix carries ${pct(DENY_MIN_SHARE)} of the surge on its own: a deny list would not hold it back; rate-limit or challenge at the edge (WAF, CDN) instead`);

    // ingress-nginx's limit-rps is per client address, with bursts of limit-rps × limit-burst-multiplier (5).
    const baseRps = ev.clients.maxPerWindowBaseline / win;
    const rps = Math.max(1, Math.ceil(2 * baseRps));
    const duringRps = ev.clients.maxPerWindowDuring / win;
    const stops = duringRps > rps;
    const meanRt = r.baselineMeanRequestTimeS;
    const conns = Math.max(BROWSER_CONNECTIONS, Math.ceil(2 * baseRps * (meanRt ?? 0)));
    out.push(
      `per-client limits on ${target}: \`nginx.ingress.kubernetes.io/limit-rps: "${rps}"\` (twice the busiest baseline client, ${ev.clients.maxPerWindowBaseline} requests per ${win}s) and \`nginx.ingress.kubernetes.io/limit-connections: "${conns}"\` (${meanRt !== undefined ? `its rate × the baseline's mean request time ${round3(meanRt)}s, ×2, ` : ""}at least ${BROWSER_CONNECTIONS}, a browser's parallel connections); ${stops ? `the busiest surge source sent ${ev.clients.maxPerWindowDuring} per ${win}s and would be limited` : `this would not stop the surge: its busiest source sent ${ev.clients.maxPerWindowDuring} per ${win}s, each under the limit — the flood is in the number of sources`}`,
    );
  }

  if (rose) {
    const failing = ev.upstreams.filter((u) => u.fiveXxShare - ev.statusShare.before.fiveXx >= r.fiveXxRiseBy);
    const names = failing.length ? failing.map((u) => `${u.value} (5xx ${pct(u.fiveXxShare)})`).join(", ") : (key.upstream ?? "the upstream");
    const factor = ev.rate.baselineMedian > 0 ? ` at ${round1(ev.rate.peak / ev.rate.baselineMedian)}× the baseline rate` : "";
    out.push(
      `5xx rose from ${pct(ev.statusShare.before.fiveXx)} to ${pct(ev.statusShare.during.fiveXx)}${factor}: scale ${names} (\`kubectl scale deployment/<name> --replicas=N\` or raise its HorizontalPodAutoscaler's maxReplicas); the overlapping reliability incident's RCA names the Deployment`,
    );
  } else if (ev.verdict === "organic") out.push(`organic surge answered without a 5xx rise (${pct(ev.statusShare.during.fiveXx)} 5xx): nothing to block; if it recurs with a campaign, scale ahead of it`);
  return out;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
