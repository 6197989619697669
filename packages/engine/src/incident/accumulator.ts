import type { ObservedEvent, SignatureHit } from "../event/observed-event.js";
import { isStaticEvent, lastUpstreamStatus } from "../event/observed-event.js";
import { detach } from "../event/detach.js";
import type { EvidenceSample, IncidentMetrics, Outcome } from "./incident.js";
import type { RcaInput } from "../rca/rca-input.js";
import { DEFAULT_REDACTOR, type Redactor } from "./redact.js";
import { isoTime } from "../util/time.js";
import { ownCopy } from "../util/own-copy.js";

// Caps keep one enormous incident (every line a distinct path) from holding the whole input in memory.
const MAX_DISTINCT_PATHS = 50_000;
const MAX_LATENCIES = 100_000;
const MAX_SAMPLES = 12;
const TOP_PATHS = 5;
const MAX_ADDRS = 1000;
// 5xx answers to probes kept to be checked against reliability incidents; past it, the rest count as impact.
const MAX_PROBE_5XX = 1000;
// Addresses ingress-nginx logs when no real endpoint took the request.
const NO_PEER = new Set(["-", "0.0.0.1:80", "127.0.0.1:8181"]);

/** Statuses that mean the probe got nothing useful: refused, dropped, or abandoned. */
function isBlockedStatus(status: number): boolean {
  return status >= 400 && status < 500;
}

/**
 * The reliability incident, if any, whose host or upstream was failing at `ts`: a probe's 5xx then is the
 * outage's, not the probe's doing.
 */
export type OutageLookup = (ts: number, upstream: string | undefined) => string | undefined;

/** Everything an incident reports about the requests it covers, gathered as they are released. */
export class IncidentAccumulator {
  start: number;
  end: number;
  requests = 0;
  private peak = 0;
  /** Timestamps of the trailing second (from recentHead on), for the peak rate. */
  private recent: number[] = [];
  private recentHead = 0;
  private readonly statusCounts = new Map<string, number>();
  private readonly upstreamStatusCounts = new Map<string, number>();
  private readonly sigHits = new Map<string, number>();
  /**
   * Every distinct path seen, with how often it was a probe (security) or answered 5xx (reliability): one map
   * serves the distinct count and the top paths.
   */
  private readonly paths = new Map<string, number>();
  private distinctCapped = false;
  private fiveXx = 0;
  private retries = 0;
  private latencies: number[] = [];
  private readonly upstreamTimes: number[] = [];
  private readonly upstreamAddrs = new Set<string>();
  private attemptsMax = 0;
  private readonly paths501 = new Set<string>();
  private noEndpoint = 0;
  private probes = 0;
  private partial = false;
  /** A 2xx answered an exploit signature: impact whatever else was failing. */
  private impact = false;
  /** 5xx answers to probes, to be told apart from an outage's (see outcome). */
  private readonly probe5xx: Array<{ ts: number; upstream: string | undefined }> = [];
  private probe5xxCapped = false;
  private impactSample: { sample: EvidenceSample; ts: number; upstream: string | undefined; status: number } | undefined;
  /** Reliability: requests of clients with an open security incident, counted apart (see RuleEvaluator). */
  private readonly scanner = { requests: 0, fiveXx: 0, clients: new Set<string>() };
  private readonly samples: EvidenceSample[] = [];
  private readonly sampleReasons = new Set<string>();

  constructor(
    private readonly pack: string,
    private readonly kind: "security" | "reliability",
    startTs: number,
    private readonly redact: Redactor = DEFAULT_REDACTOR,
  ) {
    this.start = startTs;
    this.end = startTs;
  }

  /** A request the window kept only as time and status (see KeyWindow): it counts, but carries no detail. */
  addSummary(ts: number, status: number): void {
    this.requests++;
    this.countTime(ts);
    bump(this.statusCounts, statusText(status));
    if (status >= 500) this.fiveXx++;
  }

  private countTime(ts: number): void {
    if (ts > this.end) this.end = ts;
    const recent = this.recent;
    recent.push(ts);
    while (recent[this.recentHead] <= ts - 1000) this.recentHead++;
    const inSecond = recent.length - this.recentHead;
    if (inSecond > this.peak) this.peak = inSecond;
    if (this.recentHead > 1024) {
      this.recent = recent.slice(this.recentHead);
      this.recentHead = 0;
    }
  }

  /**
   * `counted` says whether the rule's match selected the event (a probe), not just the key. A reliability
   * incident is handed the requests its rule leaves out (a scanner's) uncounted: they are tallied apart.
   */
  add(ev: ObservedEvent, counted: boolean): void {
    if (this.kind === "reliability" && !counted) return this.addScanner(ev);
    this.requests++;
    this.countTime(ev.e.ts);
    this.addDetail(ev, counted);
  }

  /**
   * A request older than what the accumulator has taken in time order (an actor learning a later finding's
   * window): counted in everything but the peak rate, which the caller takes from that finding.
   */
  addEarlier(ev: ObservedEvent, counted: boolean): void {
    this.requests++;
    if (ev.e.ts < this.start) this.start = ev.e.ts;
    if (ev.e.ts > this.end) this.end = ev.e.ts;
    this.addDetail(ev, counted);
  }

  /** The highest one-second count, at least `n` (a finding's, whose requests this one also covers). */
  raisePeak(n: number): void {
    if (n > this.peak) this.peak = n;
  }

  get peakRps(): number {
    return this.peak;
  }

  /** A probe was answered 5xx: whether that is impact depends on the outages known when it is rendered. */
  get hasProbe5xx(): boolean {
    return this.probe5xx.length > 0 || this.probe5xxCapped;
  }

  get distinctPaths(): number {
    return this.paths.size;
  }

  private addScanner(ev: ObservedEvent): void {
    const s = this.scanner;
    s.requests++;
    if (ev.e.status >= 500) s.fiveXx++;
    const ip = ev.e.clientIp;
    if (ip !== undefined && s.clients.size < MAX_ADDRS && !s.clients.has(ip)) s.clients.add(kept(ev, ip));
  }

  private addDetail(ev: ObservedEvent, counted: boolean): void {
    // Nothing here keeps the event: what outlives it (paths, addresses, samples) is copied as it is kept.
    const e = ev.e;

    bump(this.statusCounts, statusText(e.status));
    if (e.status >= 500) this.fiveXx++;
    const us = lastUpstreamStatus(e);
    if (us !== undefined) bump(this.upstreamStatusCounts, statusText(us));
    if ((e.upstream?.attempts.length ?? 0) > 1) this.retries++;

    if (!this.paths.has(e.path)) {
      if (this.paths.size < MAX_DISTINCT_PATHS) this.paths.set(kept(ev, e.path), 0);
      else this.distinctCapped = true;
    }

    const hits = ev.signatures?.get(this.pack);
    if (hits) for (const h of hits) bump(this.sigHits, h.cls);

    if (this.kind === "reliability") {
      if (e.requestTime !== undefined && this.latencies.length < MAX_LATENCIES) this.latencies.push(e.requestTime);
      this.addRcaSignals(ev);
      if (e.status >= 500) {
        this.countPath(e.path);
        const reason = fiveXxReason(e.status);
        if (this.wants(ev, reason)) this.sample(ev, reason, `first ${e.status}${us !== undefined ? ` (upstream ${upstreamStatuses(ev)})` : ""}`);
      } else if (this.samples.length === 0) this.sample(ev, "first", "first request of the window");
      return;
    }

    const isProbe = counted || hits !== undefined;
    if (!isProbe) return;
    this.probes++;
    this.countPath(e.path);
    const exploit = hits?.some((h) => h.exploit) ?? false;
    if (e.status >= 200 && e.status < 300 && exploit) {
      this.impact = true;
      if (this.wants(ev, "impact-2xx")) this.sample(ev, "impact-2xx", `answered ${e.status} to an exploit signature: impact`, hits);
    } else if (e.status >= 500) {
      if (this.probe5xx.length < MAX_PROBE_5XX) this.probe5xx.push({ ts: e.ts, upstream: e.upstream?.name });
      else this.probe5xxCapped = true;
      if (this.wants(ev, "impact-5xx")) {
        const sample = this.sample(ev, "impact-5xx", fiveXxImpact(e.status), hits);
        if (sample) this.impactSample = { sample, ts: e.ts, upstream: e.upstream?.name, status: e.status };
      }
    } else if (e.status >= 200 && e.status < 400 && hits?.some((h) => h.target) && !isStaticEvent(ev)) {
      // Only a path the client probed counts as found: not every page it fetched with a scanner's user agent.
      this.partial = true;
      if (this.wants(ev, "partial")) this.sample(ev, "partial", `probe answered ${e.status}: partial`, hits);
    }
    if (hits) {
      for (const h of hits) {
        const reason = signatureReason(h.cls);
        if (this.wants(ev, reason)) this.sample(ev, reason, `signature ${h.cls}: matched "${h.tag ?? h.entry}"`, hits);
      }
    }
    if (this.probes === 1) this.sample(ev, "first", "first probe of the window", hits);
    else if (counted && isBlockedStatus(e.status) && this.sampleReasons.size < 4) this.sample(ev, `probe-${e.path}`, `probe answered ${e.status}`, hits);
  }

  /** A path already in `paths` unless the distinct cap kept it out, and then it goes uncounted. */
  private countPath(path: string): void {
    const n = this.paths.get(path);
    if (n !== undefined) this.paths.set(path, n + 1);
  }

  /** `outage` explains 5xx answers that a reliability incident covers: those are not the probe's impact. */
  outcome(outage?: OutageLookup): Outcome | undefined {
    if (this.kind !== "security") return undefined;
    const impact5xx = this.probe5xxCapped || this.probe5xx.some((p) => outage?.(p.ts, p.upstream) === undefined);
    return this.impact || impact5xx ? "impact" : this.partial ? "partial" : "blocked";
  }

  evidence(outage?: OutageLookup): EvidenceSample[] {
    const samples = [...this.samples];
    const imp = this.impactSample;
    const during = imp && outage?.(imp.ts, imp.upstream);
    if (imp && during !== undefined) {
      const i = samples.indexOf(imp.sample);
      samples[i] = { ...imp.sample, why: imp.sample.why.replace(fiveXxImpact(imp.status), `${imp.status} during reliability incident ${during}`) };
    }
    return samples.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.line - b.line));
  }

  metrics(): IncidentMetrics {
    const m: IncidentMetrics = {
      requests: this.requests,
      peakRps: this.peak,
      distinctPaths: this.paths.size,
      signatureHits: sortedRecord(this.sigHits),
      statusCounts: sortedRecord(this.statusCounts),
      topPaths: [...this.paths]
        .filter(([, count]) => count > 0)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, TOP_PATHS)
        .map(([path, count]) => ({ path: this.redact.text(path), count })),
    };
    if (this.distinctCapped) m.distinctCapped = true;
    if (this.kind === "reliability") {
      m.fiveXx = this.fiveXx;
      m.errorRatio = round4(this.requests ? this.fiveXx / this.requests : 0);
      m.upstreamStatusCounts = sortedRecord(this.upstreamStatusCounts);
      m.retries = this.retries;
      if (this.scanner.requests) m.scannerTraffic = { requests: this.scanner.requests, fiveXx: this.scanner.fiveXx, clients: this.scanner.clients.size };
      if (this.latencies.length) {
        const sorted = [...this.latencies].sort((a, b) => a - b);
        m.latencyP50 = quantile(sorted, 0.5);
        m.latencyP95 = quantile(sorted, 0.95);
      }
    }
    return m;
  }

  /** What RCA needs to know about the spike, from the requests it covers. */
  rcaInput(key: { host?: string; upstream?: string }): Omit<RcaInput, "nonAccessEvidence"> {
    return {
      host: key.host,
      upstream: key.upstream,
      windowStartMs: this.start,
      windowEndMs: this.end,
      statusCounts: sortedRecord(this.statusCounts),
      upstreamStatusCounts: sortedRecord(this.upstreamStatusCounts),
      upstreamAddrs: [...this.upstreamAddrs].sort(),
      requestTimes: quantiles(this.latencies),
      upstreamResponseTimes: quantiles(this.upstreamTimes),
      attemptsPerRequestMax: this.attemptsMax,
      paths501: [...this.paths501].sort(),
      noEndpointSignals: this.noEndpoint,
    };
  }

  private addRcaSignals(ev: ObservedEvent): void {
    const e = ev.e;
    const attempts = e.upstream?.attempts ?? [];
    if (attempts.length > this.attemptsMax) this.attemptsMax = attempts.length;
    let allNoPeer = true;
    for (const a of attempts) {
      if (NO_PEER.has(a.addr)) continue;
      allNoPeer = false;
      if (this.upstreamAddrs.size < MAX_ADDRS && !this.upstreamAddrs.has(a.addr)) this.upstreamAddrs.add(kept(ev, a.addr));
      if (a.responseTime !== undefined && this.upstreamTimes.length < MAX_LATENCIES) this.upstreamTimes.push(a.responseTime);
    }
    if (e.status === 503 && allNoPeer) this.noEndpoint++;
    if (e.status === 501 && lastUpstreamStatus(e) === 501 && this.paths501.size < MAX_ADDRS && !this.paths501.has(e.path)) this.paths501.add(kept(ev, e.path));
    if (attempts.length === 0) this.upstreamStatusCounts.set("-", (this.upstreamStatusCounts.get("-") ?? 0) + 1);
  }

  /**
   * Whether sample() would record the event for this reason: checked before its text is built, since an open
   * incident sees the same reasons on nearly every request (a 5xx episode, a scan hitting one class).
   */
  private wants(ev: ObservedEvent, reason: string): boolean {
    if (this.sampleReasons.has(reason)) return false;
    return this.samples.length < MAX_SAMPLES || this.samples.some((s) => s.line === ev.e.source.line && s.file === ev.e.source.file);
  }

  /** The sample the event now stands for (undefined when there is no room or the reason is taken). */
  private sample(ev: ObservedEvent, reason: string, why: string, hits?: SignatureHit[]): EvidenceSample | undefined {
    if (this.sampleReasons.has(reason)) return undefined;
    // A sample quotes the event's strings: they must stop being slices of the log chunk.
    detach(ev);
    reason = ownCopy(reason);
    why = ownCopy(why);
    const e = ev.e;
    const same = this.samples.find((s) => s.line === e.source.line && s.file === e.source.file);
    if (same) {
      this.sampleReasons.add(reason);
      same.why += `; ${why}`;
      return same;
    }
    if (this.samples.length >= MAX_SAMPLES) return undefined;
    this.sampleReasons.add(reason);
    const s = evidenceSample(ev, why, this.redact, hits);
    this.samples.push(s);
    return s;
  }
}

/** A request as an incident quotes it, credentials redacted (the caller has detached the event). */
export function evidenceSample(ev: ObservedEvent, why: string, redact: Redactor, hits?: SignatureHit[]): EvidenceSample {
  const e = ev.e;
  const s: EvidenceSample = {
    line: e.source.line,
    time: isoTime(e.ts),
    method: e.method,
    path: redact.text(e.path) + (e.query !== undefined ? `?${redact.query(e.query)}` : ""),
    status: e.status,
    why,
  };
  if (e.source.file) s.file = e.source.file;
  if (e.clientIp) s.clientIp = e.clientIp;
  if (e.via) s.via = e.via.join(", ");
  if (e.userAgent) s.userAgent = redact.text(e.userAgent);
  const us = upstreamStatuses(ev);
  if (us) s.upstreamStatus = us;
  if (e.requestTime !== undefined) s.requestTime = e.requestTime;
  if (hits?.length) s.signatures = hits.map((h) => h.cls);
  return s;
}

// Reasons recur on every request of an open incident: made once per status or class, not per request.
const FIVE_XX_REASONS = new Map<number, string>();
const SIGNATURE_REASONS = new Map<string, string>();

function fiveXxReason(status: number): string {
  let r = FIVE_XX_REASONS.get(status);
  if (r === undefined) FIVE_XX_REASONS.set(status, (r = `5xx-${status}`));
  return r;
}

function signatureReason(cls: string): string {
  let r = SIGNATURE_REASONS.get(cls);
  if (r === undefined) SIGNATURE_REASONS.set(cls, (r = `sig-${cls}`));
  return r;
}

function fiveXxImpact(status: number): string {
  return `probe caused a ${status}: impact`;
}

function upstreamStatuses(ev: ObservedEvent): string | undefined {
  const a = ev.e.upstream?.attempts;
  if (!a?.length) return undefined;
  return a.map((x) => (x.status === undefined ? "-" : String(x.status))).join(", ");
}

// Status codes as map keys, made once: every request an incident covers counts its status.
const STATUS_TEXT = Array.from({ length: 1000 }, (_, i) => String(i));

function statusText(status: number): string {
  return status >= 0 && status < 1000 && Number.isInteger(status) ? STATUS_TEXT[status] : String(status);
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/**
 * A string of the event that an incident keeps: its own copy, unless a window already detached the event (then
 * its strings are copies, shared by every incident of the rules that count it instead of one copy each).
 */
function kept(ev: ObservedEvent, s: string): string {
  return ev.detached ? s : ownCopy(s);
}

/**
 * Built from JSON text rather than by assignment: status codes are integer-like keys, and an object given "503"
 * by assignment gets a backing array as long as the largest code (about 4 KiB), where a parsed one holds a few
 * entries. Every retained incident carries two of these.
 */
function sortedRecord(m: Map<string, number>): Record<string, number> {
  return JSON.parse(JSON.stringify(Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))) as Record<string, number>;
}

function quantiles(values: number[]): { p50: number; p95: number; max: number } {
  if (!values.length) return { p50: 0, p95: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1] };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
