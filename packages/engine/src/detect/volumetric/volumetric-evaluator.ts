import type { ObservedEvent } from "../../event/observed-event.js";
import { isStaticEvent } from "../../event/observed-event.js";
import { detach } from "../../event/detach.js";
import type { RulePackDoc, VolumetricRule } from "../../rules/index.js";
import type { EvidenceSample, IncidentKey } from "../../incident/incident.js";
import type { TraceStep } from "../rule-evaluator.js";
import type { VolumetricEvidence } from "../../incident/volumetric-schema.js";
import { evidenceSample } from "../../incident/accumulator.js";
import type { Redactor } from "../../incident/redact.js";
import { RateBaseline, emptyFigures, type WindowFigures } from "../../window/rate-baseline.js";
import { HashedValues, shortHash, valueHash } from "../../window/hashed-values.js";
import { ValueMemo } from "../../rules/value-memo.js";
import { SurgeDetail } from "../../window/surge-detail.js";
import { SourceWindows } from "../../window/source-windows.js";
import { queryWithoutTracking } from "./tracking-params.js";
import { parseDuration } from "../../util/duration.js";
import { ownCopy } from "../../util/own-copy.js";
import { isoTime } from "../../util/time.js";
import { isBrowserAgent } from "./browser-agent.js";
import { classifySurge } from "./classify.js";
import { measureSurge, volumetricEvidence } from "./surge-evidence.js";

/**
 * Exact evaluation of one volumetric rule over every key (host or upstream) it groups by. Requests are counted
 * in aligned windows of event time; a window's count at or above `max(minRequests, factor × median of the
 * baseline's windows)` opens an incident at the request that crossed it, once the baseline holds the warm-up.
 * Windows under an open incident stay out of the baseline (a flood does not become the normal it is compared
 * with). An incident closes only when a window rolls over, so when a sweep notices never changes the result.
 *
 * Memory, per key: the baseline's figures (a dozen numbers a window); its sources as typed arrays, 8 bytes per
 * prefix and per client of each window (see SourceWindows), 16 bytes per user agent and per path of each window
 * (see HashedValues); names of values, query strings, statuses and methods only from half the threshold of the
 * window in progress and during a surge (at most MAX_VALUES names and MAX_QUERIES query strings a field).
 * A key quiet for a whole baseline is forgotten.
 */

/**
 * Sources, user agents and paths are counted in every fifth window of the baseline (6 of 30), all of the
 * window that may become a surge from half its threshold on, and all of a surge: the value shares of the
 * baseline are exact over those windows, at a fifth of the cost per request (what keeps the rule within its
 * time budget on busy hosts), and so are static assets and browsers. Rates and statuses are counted in every window.
 */
const VALUE_STRIDE = 5;
const MAX_VALUES = 20_000;
const MAX_SURGE_CLIENTS = 1_000_000;
const MAX_QUERIES = 20_000;
const MAX_DETAIL = 1000;
const MAX_SAMPLES = 6;
// Windows of the surge listed in the timeline (the baseline's are all listed).
const MAX_SURGE_TIMELINE = 60;

/** What a key holds of its traffic: the baseline, the window in progress and the values of both. */
export interface KeyTraffic {
  key: string;
  baseline: RateBaseline;
  window: number;
  cur: WindowFigures;
  detail: SurgeDetail;
  /** The window in progress reached the open incident's threshold. */
  held: boolean;
  threshold: number;
  sources: SourceWindows;
  agents: HashedValues;
  paths: HashedValues;
  /** Timestamps of the trailing second (from head on), for the peak rate. */
  recent: number[];
  head: number;
  /** The most requests in one second of the window in progress. */
  peakRps: number;
  inc?: VolumetricDraft;
  /** For `explain`: each completed window's rate against the threshold. */
  trace?: TraceStep[];
}

/** A volumetric incident while its evaluator owns it. */
export interface VolumetricDraft {
  rule: VolumetricRule;
  pack: RulePackDoc;
  windowMs: number;
  warmupWindows: number;
  key: IncidentKey;
  keyText: string;
  openedAt: number;
  openWindow: number;
  /** End of the latest window that held. */
  lastHeld: number;
  closedAt?: number;
  threshold: number;
  median: number;
  baselineWithTraffic: number;
  baselineCounts: number[];
  /** The baseline's figures as they stood when the surge opened (the baseline is frozen while it lasts). */
  base: WindowFigures;
  maxPerWindowBaseline: number;
  /** Every request from the opening window's first on. */
  figures: WindowFigures;
  detail: SurgeDetail;
  peakRps: number;
  traffic: KeyTraffic;
  /** Completed windows of the surge, and the one in progress. */
  timeline: Array<{ start: number; requests: number; surge: boolean }>;
  current: { start: number; requests: number; surge: boolean } | undefined;
  /** The newest request of a window that held: the incident's window ends there. */
  lastRequestAt: number;
  peak: { requests: number; at: number };
  /** The verdict and its signals, judged on the requests up to the one that crossed the threshold. */
  classified: Pick<VolumetricEvidence, "verdict" | "signals" | "classifiedAt" | "classifiedOn">;
  samples: EvidenceSample[];
  sampleReasons: Set<string>;
  /** The evidence and distinct paths at closing: the key's tallies move on afterwards. */
  final?: VolumetricEvidence;
  finalPaths?: number;
}

export interface VolumetricHooks {
  opened(d: VolumetricDraft): void;
  closed(d: VolumetricDraft): void;
  redactor: Redactor;
}

export class VolumetricEvaluator {
  private readonly states = new Map<string, KeyTraffic>();
  private readonly forgottenTraces: Array<{ key: string; steps: TraceStep[] }> = [];
  private readonly windowMs: number;
  private readonly baselineWindows: number;
  private readonly warmupWindows: number;
  private readonly cooldownMs: number;
  private readonly field: "host" | "upstream";
  private lastKey: string | undefined;
  private lastState: KeyTraffic | undefined;

  constructor(
    readonly rule: VolumetricRule,
    readonly pack: RulePackDoc,
    private readonly hooks: VolumetricHooks,
    private readonly traceKey?: (key: IncidentKey) => boolean,
  ) {
    this.windowMs = parseDuration(rule.window)!;
    this.baselineWindows = parseDuration(rule.baseline.window)! / this.windowMs;
    this.warmupWindows = Math.ceil(parseDuration(rule.baseline.warmup)! / this.windowMs);
    // Whole windows: a closing is decided when a window rolls over.
    this.cooldownMs = Math.ceil((rule.cooldown ? parseDuration(rule.cooldown)! : 5 * this.windowMs) / this.windowMs) * this.windowMs;
    this.field = rule.groupBy[0];
  }

  get activeKeys(): number {
    return this.states.size;
  }

  onEvent(ev: ObservedEvent): void {
    const e = ev.e;
    const keyText = this.field === "host" ? e.host : e.upstream?.name;
    if (keyText === undefined || keyText === "-" || keyText === "") return;
    let st = keyText === this.lastKey ? this.lastState : this.states.get(keyText);
    const w = Math.floor(e.ts / this.windowMs);
    if (!st) {
      this.states.set(keyText, (st = this.newKey(ownCopy(keyText), w)));
      if (this.traceKey?.({ [this.field]: st.key })) st.trace = [];
    }
    this.lastKey = st.key;
    this.lastState = st;
    if (w > st.window) this.roll(st, w);

    const inc = st.inc;
    const cur = st.cur;
    cur.requests++;
    // Names, query strings, statuses and the per-second peak are only of use once the window may become a surge.
    const naming = inc !== undefined || cur.requests * 2 >= st.threshold;
    let byClient = 0;
    let browser = false;
    let asset = false;
    if (naming || w % VALUE_STRIDE === 0) {
      const ua = e.userAgent ?? "";
      const agent = this.agentOf(ua);
      browser = agent.browser;
      asset = isStaticEvent(ev);
      cur.valued++;
      byClient = st.sources.add(e.clientIp);
      if (byClient > cur.maxClientRequests) cur.maxClientRequests = byClient;
      st.agents.add(agent.h, ua, naming);
      const query = naming && e.query !== undefined ? queryWithoutTracking(e.query) : undefined;
      st.paths.add(valueHash(e.path), e.path, naming, query);
    }
    const host = this.field === "host" ? st.key : e.host;
    const external = host !== "-" && e.referer !== undefined ? externalHost(e.referer, host) : undefined;
    countInto(cur, ev, browser, asset, external, host !== "-");
    if (!naming) return;
    const peak = this.countSecond(st, e.ts);

    if (inc) {
      const f = inc.figures;
      f.requests++;
      f.valued++;
      if (byClient > f.maxClientRequests) f.maxClientRequests = byClient;
      countInto(f, ev, browser, asset, external, host !== "-");
      inc.detail.add(ev, external || undefined, this.field === "host");
      if (peak > inc.peakRps) inc.peakRps = peak;
      inc.current!.requests = cur.requests;
      if (!st.held && cur.requests >= inc.threshold) st.held = inc.current!.surge = true;
      if (st.held) {
        inc.lastRequestAt = e.ts;
        if (cur.requests > inc.peak.requests) inc.peak = { requests: cur.requests, at: st.window * this.windowMs };
      }
      this.sampleDuring(inc, ev);
      return;
    }
    st.detail.add(ev, external || undefined, this.field === "host");
    if (peak > st.peakRps) st.peakRps = peak;
    if (cur.requests >= st.threshold) this.open(st, ev);
  }

  /**
   * A user agent's hash and whether it is a browser's, worked out once per distinct user agent: most requests
   * repeat one, and the memo finds it without hashing the whole string.
   */
  private agentOf(ua: string): { h: number; browser: boolean } {
    let a = this.agents.get(ua);
    if (!a) this.agents.set(ownCopy(ua), (a = { h: shortHash(ua), browser: isBrowserAgent(ua) }));
    return a;
  }

  private readonly agents = new ValueMemo<{ h: number; browser: boolean }>(MAX_VALUES);

  private newKey(key: string, w: number): KeyTraffic {
    const b = this.baselineWindows;
    return {
      key,
      baseline: new RateBaseline(b),
      window: w,
      cur: emptyFigures(),
      detail: new SurgeDetail(MAX_DETAIL),
      held: false,
      threshold: Infinity,
      sources: new SourceWindows(b, MAX_SURGE_CLIENTS),
      agents: new HashedValues(b, MAX_VALUES, MAX_QUERIES),
      paths: new HashedValues(b, MAX_VALUES, MAX_QUERIES),
      recent: [],
      head: 0,
      peakRps: 0,
    };
  }

  /** Event time reached `now`: windows before it are complete, incidents cooled past them close, quiet keys go. */
  sweep(now: number): void {
    const w = Math.floor(now / this.windowMs);
    for (const st of this.states.values()) {
      if (w > st.window) this.roll(st, w);
      if (!st.inc && st.baseline.length === 0 && st.cur.requests === 0) this.forget(st);
    }
  }

  /** End of input at `now`: windows are settled; incidents still inside their cooldown stay open. */
  finish(now: number): VolumetricDraft[] {
    this.sweep(now);
    return this.openDrafts();
  }

  openDrafts(): VolumetricDraft[] {
    const out: VolumetricDraft[] = [];
    for (const st of this.states.values()) if (st.inc) out.push(st.inc);
    return out;
  }

  /** The window-by-window timelines recorded for the keys `traceKey` chose. */
  traces(): Array<{ key: string; steps: TraceStep[] }> {
    const out = [...this.forgottenTraces];
    for (const st of this.states.values()) if (st.trace) out.push({ key: st.key, steps: st.trace });
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private forget(st: KeyTraffic): void {
    if (st.trace) this.forgottenTraces.push({ key: st.key, steps: st.trace });
    this.states.delete(st.key);
    if (this.lastState === st) this.lastKey = this.lastState = undefined;
  }

  /** Requests in the trailing second, this one included. */
  private countSecond(st: KeyTraffic, ts: number): number {
    const recent = st.recent;
    recent.push(ts);
    while (recent[st.head] <= ts - 1000) st.head++;
    const n = recent.length - st.head;
    if (st.head > 1024) {
      st.recent = recent.slice(st.head);
      st.head = 0;
    }
    return n;
  }

  /** The window in progress is complete: it joins the surge or the baseline, and the threshold follows. */
  private roll(st: KeyTraffic, w: number): void {
    const inc = st.inc;
    if (st.trace) this.traceWindow(st);
    const gap = w - st.window - 1;
    if (inc) {
      if (inc.timeline.length < MAX_SURGE_TIMELINE) inc.timeline.push(inc.current!);
      if (st.held) inc.lastHeld = (st.window + 1) * this.windowMs;
      st.sources.roll(false);
      for (const t of [st.agents, st.paths]) t.roll(false);
    } else {
      st.baseline.push(st.cur);
      st.baseline.pushEmpty(gap);
      st.sources.roll(true);
      st.sources.pushEmpty(gap);
      for (const t of [st.agents, st.paths]) {
        t.roll(true);
        t.pushEmpty(gap);
      }
      st.detail = new SurgeDetail(MAX_DETAIL);
    }
    st.window = w;
    st.cur = emptyFigures();
    st.held = false;
    st.peakRps = 0;
    if (inc) {
      inc.current = { start: w * this.windowMs, requests: 0, surge: false };
      if (w * this.windowMs >= inc.lastHeld + this.cooldownMs) this.close(st, inc);
    }
    if (!st.inc) st.threshold = this.thresholdOf(st.baseline);
  }

  private traceWindow(st: KeyTraffic): void {
    const inc = st.inc;
    const required = inc ? inc.threshold : st.threshold;
    const warm = `baseline windows with traffic (warm-up ${this.warmupWindows})`;
    st.trace!.push({
      time: st.window * this.windowMs,
      trigger: "expiry",
      counted: false,
      conditions: [
        { condition: `requests per ${this.rule.window} >= max(${this.rule.when.minRequests}, ${this.rule.when.factor} × median ${st.baseline.median()})`, observed: st.cur.requests, required: Number.isFinite(required) ? required : this.rule.when.minRequests, met: st.cur.requests >= required },
        { condition: warm, observed: st.baseline.windowsWithTraffic, required: this.warmupWindows, met: st.baseline.windowsWithTraffic >= this.warmupWindows },
      ],
      holds: st.cur.requests >= required,
      state: inc ? (inc.openWindow === st.window ? "opened" : "open") : "idle",
    });
  }

  private thresholdOf(b: RateBaseline): number {
    if (b.windowsWithTraffic < this.warmupWindows) return Infinity;
    return Math.max(this.rule.when.minRequests, Math.ceil(this.rule.when.factor * b.median()));
  }

  private open(st: KeyTraffic, ev: ObservedEvent): void {
    const b = st.baseline;
    const start = st.window * this.windowMs;
    const inc: VolumetricDraft = {
      rule: this.rule,
      pack: this.pack,
      windowMs: this.windowMs,
      warmupWindows: this.warmupWindows,
      key: { [this.field]: st.key },
      keyText: st.key,
      openedAt: ev.e.ts,
      openWindow: st.window,
      lastHeld: start + this.windowMs,
      threshold: st.threshold,
      median: b.median(),
      baselineWithTraffic: b.windowsWithTraffic,
      baselineCounts: b.counts(),
      base: { ...b.sum },
      maxPerWindowBaseline: b.maxClientRequests(),
      figures: { ...st.cur },
      detail: st.detail,
      peakRps: st.peakRps,
      traffic: st,
      timeline: [],
      current: { start, requests: st.cur.requests, surge: true },
      lastRequestAt: ev.e.ts,
      peak: { requests: st.cur.requests, at: start },
      classified: { verdict: "organic", signals: [], classifiedAt: isoTime(ev.e.ts), classifiedOn: st.cur.requests },
      samples: [],
      sampleReasons: new Set(),
    };
    st.inc = inc;
    st.held = true;
    // The window that crossed is part of the surge from its first request.
    st.sources.openSurge();
    for (const t of [st.agents, st.paths]) t.openSurge();
    const { verdict, signals } = classifySurge(measureSurge(inc), this.rule.classify);
    inc.classified.verdict = verdict;
    inc.classified.signals = signals;
    this.sample(inc, ev, "crossing", `request ${st.cur.requests} of the window: the rate reached ${st.threshold} (${this.rule.when.factor}× the baseline median ${inc.median}, floor ${this.rule.when.minRequests})`);
    this.hooks.opened(inc);
  }

  private sampleDuring(inc: VolumetricDraft, ev: ObservedEvent): void {
    const s = ev.e.status;
    if (s >= 500 && !inc.sampleReasons.has("5xx")) this.sample(inc, ev, "5xx", `first ${s} during the surge`);
    else if (s === 429 && !inc.sampleReasons.has("429")) this.sample(inc, ev, "429", "first 429 during the surge: a rate limit answered");
  }

  private sample(inc: VolumetricDraft, ev: ObservedEvent, reason: string, why: string): void {
    if (inc.samples.length >= MAX_SAMPLES) return;
    inc.sampleReasons.add(reason);
    detach(ev);
    inc.samples.push(evidenceSample(ev, ownCopy(why), this.hooks.redactor));
  }

  private close(st: KeyTraffic, inc: VolumetricDraft): void {
    inc.closedAt = inc.lastHeld + this.cooldownMs;
    inc.current = undefined;
    inc.final = volumetricEvidence(inc);
    inc.finalPaths = st.paths.surge?.size ?? 0;
    st.inc = undefined;
    st.sources.closeSurge();
    for (const t of [st.agents, st.paths]) t.closeSurge();
    st.detail = new SurgeDetail(MAX_DETAIL);
    this.hooks.closed(inc);
  }
}

/** The host a referer names when it is not `host` (a link followed from another site); false when it is `host`. */
function externalHost(ref: string, host: string): string | false | undefined {
  const at = ref.indexOf("://");
  if (at < 0) return undefined;
  const start = at + 3;
  let end = start;
  while (end < ref.length) {
    const c = ref.charCodeAt(end);
    if (c === 47 || c === 58 || c === 63 || c === 35) break;
    end++;
  }
  if (end - start === host.length && ref.startsWith(host, start)) return false;
  return ref.slice(start, end).toLowerCase();
}

/** Adds one request to a window's (or a surge's) figures. */
function countInto(f: WindowFigures, ev: ObservedEvent, browser: boolean, asset: boolean, external: string | false | undefined, judged: boolean): void {
  const e = ev.e;
  if (asset) f.staticAssets++;
  if (browser) f.browser++;
  const s = e.status;
  if (s >= 500) {
    f.fiveXx++;
    if (s === 503) f.unavailable++;
  } else if (s === 429) f.tooMany++;
  if (judged) {
    f.refererJudged++;
    if (external) f.externalReferer++;
  }
  if (e.requestTime !== undefined) {
    f.requestTimeSum += e.requestTime;
    f.requestTimes++;
  }
}
