import type { HTTPEvent, LogFormat } from "../event/http-event.js";
import type { ObservedEvent } from "../event/observed-event.js";
import { dateLine, parseDated, parseLine, parseNonAccessLine, type CompiledFormat, type DatedLine, type ParseContext, type W3cState } from "../parse/index.js";
import type { RcaInput } from "../rca/rca-input.js";
import { SignatureMatcher, type RulePackDoc } from "../rules/index.js";
import { compileGate, compileMatch } from "../rules/compile.js";
import { GateIndex } from "../rules/match-gate.js";
import { ReorderBuffer } from "../window/reorder-buffer.js";
import type { IncidentDraft, TraceStep } from "../detect/rule-evaluator.js";
import type { NearMiss } from "../detect/near-miss.js";
import type { Incident, IncidentKey, Rca } from "../incident/incident.js";
import { LineSplitter, type LineSink } from "./line-splitter.js";
import { renderStats, type RunStats } from "./stats.js";
import { ClientResolver, ProxyHintCounter, parseTrustedProxies, type ClientIpOptions } from "../event/client-identity.js";
import { createRedactor, DEFAULT_REDACTOR, DEFAULT_SECRET_PARAMS, type Redactor } from "../incident/redact.js";
import { RuleSet } from "./rule-set.js";
import { IncidentLog, sortIncidents, linkRelated, type IncidentChange } from "./incident-log.js";
import { Waiting, type SourceRef } from "./waiting.js";

export type { IncidentChange };

/** Options of {@link Pipeline}; {@link createEngine} sets the common ones. */
export interface PipelineOptions {
  packs: RulePackDoc[];
  /** Default 5 s: arrival order within it never changes results. */
  allowedLatenessMs?: number;
  format?: "auto" | LogFormat;
  /** The user's own format (compileLogFormat), read instead of the built-in ones. */
  customFormat?: CompiledFormat;
  /** Host for lines whose format does not carry one. */
  host?: string;
  /**
   * The host behind an upstream name (e.g. from a Kubernetes snapshot's Ingress rules), for lines that carry no
   * host and were given none by a stream label or `host`; undefined leaves the host unknown.
   */
  hostOfUpstream?: (upstream: string) => string | undefined;
  since?: number;
  until?: number;
  /** Record the full condition timeline of keys matching this (for `explain`). */
  explain?: IncidentKey;
  /** Called with every parsed event (before --since/--until and lateness), e.g. for request-rate counters. */
  onEvent?: (e: HTTPEvent) => void;
  /**
   * Keep closed incidents for snapshot()/flush() (default). A long-running caller that takes closed
   * incidents from drainChanges() sets false so memory stays bounded by what is open.
   */
  retainClosed?: boolean;
  /**
   * Record each opening and closing, rendered as it happens, for drainChanges() (default false: a batch run
   * reads flush() and would only pay for rendering every incident twice and keeping the renderings).
   */
  changes?: boolean;
  /** Extra query-parameter names whose values are credentials, on top of DEFAULT_SECRET_PARAMS. */
  secretParams?: string[];
  /** Where the client address comes from (default: the connecting address). */
  clientIp?: ClientIpOptions;
  /** Root-cause analysis for reliability incidents, e.g. `analyzeReliability` against a Kubernetes snapshot. */
  rca?: (input: RcaInput) => Rca | undefined;
  /**
   * Quiet time after which a client's next finding on a host opens a new incident instead of joining its
   * current one (default: the longest cooldown among the incident's findings).
   */
  actorGapMs?: number;
}

export type { SourceRef };

// Error-log and klog lines kept as RCA evidence; bounded so a noisy controller cannot grow memory.
const MAX_NON_ACCESS = 5000;

// Sweeping every key is O(keys); doing it once per this much event time keeps quiet keys from piling up.
const SWEEP_EVERY_MS = 10_000;

/**
 * The engine end to end: text → HTTPEvents → ordered by event time → every rule's windows → incidents.
 * Pure: the caller supplies text and, if it wants, watermark advances; nothing here reads a clock.
 */
export class Pipeline {
  private readonly buffer: ReorderBuffer;
  private readonly waiting = new Waiting();
  /**
   * Lines wait in the reorder buffer as text and are parsed on release, so an event's objects live for the
   * instant it is evaluated instead of the whole allowed lateness (which made nearly all of them survive into
   * the old generation). Not with onEvent, whose callers want events as they arrive.
   */
  private readonly parseOnRelease: boolean;
  private readonly rules: RuleSet;
  private readonly log: IncidentLog;
  /** Every pack's signatures in one matcher: one scan of each field per event, whatever the number of packs. */
  private readonly matcher: SignatureMatcher | undefined;
  /**
   * Every pack's exclusions: an event one of them holds for reaches no security rule. Indexed by their gates:
   * an application whitelist names its method, statuses and paths, so nearly every request is tested by none.
   */
  private readonly exclusions: GateIndex<{ id: string; test: (ev: ObservedEvent) => boolean }>;
  private readonly splitters = new Map<string, LineSplitter>();
  /** Release order of the next event (ObservedEvent.seq). */
  private seq = 0;
  private lastReleased = -Infinity;
  private firstReleased: number | undefined;
  private nextSweep = -Infinity;
  private finished: Incident[] | undefined;
  private nonAccess: NonNullable<RcaInput["nonAccessEvidence"]> = [];
  private readonly counters: RunStats = { lines: 0, events: 0, rejected: {}, rejectedSamples: {}, late: 0, outOfRange: 0, byFormat: {} };

  /** Run statistics so far; the event-time span is rendered on read, not per event. */
  get stats(): RunStats {
    const hint = this.proxyHint.hint();
    if (hint) this.counters.proxyHint = hint;
    return renderStats(this.counters, this.firstReleased, this.lastReleased);
  }

  /** Event time before which a new event is late: the newest event time − allowed lateness, or an advance()'s. */
  get watermark(): number {
    return this.buffer.watermark;
  }

  private readonly redactor: Redactor;
  private readonly resolver: ClientResolver | undefined;
  private readonly proxyHint = new ProxyHintCounter();

  constructor(private readonly opts: PipelineOptions) {
    this.ctx.format = opts.format;
    this.ctx.host = opts.host;
    this.ctx.custom = opts.customFormat;
    this.redactor = opts.secretParams?.length ? createRedactor([...DEFAULT_SECRET_PARAMS, ...opts.secretParams]) : DEFAULT_REDACTOR;
    this.buffer = new ReorderBuffer(opts.allowedLatenessMs ?? 5000);
    this.resolver = clientResolver(opts.clientIp);
    this.parseOnRelease = opts.onEvent === undefined;
    this.exclusions = new GateIndex(
      opts.packs.flatMap((p) => p.exclusions.map((x) => ({ item: { id: `${p.name}/${x.id}`, test: compileMatch(x.match, p.name) }, gate: compileGate(x.match, p.name) }))),
    );
    const matcher = new SignatureMatcher(opts.packs);
    this.matcher = matcher.size > 0 ? matcher : undefined;
    const log = (this.log = new IncidentLog({ retainClosed: opts.retainClosed !== false, changes: opts.changes === true, rca: opts.rca && ((d) => this.rca(d)) }));
    const explain = opts.explain;
    const traceKey = explain
      ? (k: IncidentKey) => (Object.keys(explain) as Array<keyof IncidentKey>).every((f) => explain[f] === undefined || k[f] === explain[f])
      : undefined;
    this.rules = new RuleSet(
      opts.packs,
      {
        redactor: this.redactor,
        actorOpened: (a) => log.actorOpened(a),
        actorClosed: (a) => log.actorClosed(a),
        reliabilityOpened: (d) => log.reliabilityOpened(d),
        reliabilityClosed: (d) => log.reliabilityClosed(d),
        volumetricOpened: (d) => log.volumetricOpened(d),
        volumetricClosed: (d) => log.volumetricClosed(d),
      },
      { traceKey, actorGapMs: opts.actorGapMs },
    );
  }

  /** Streams text from one source; chunk boundaries may fall anywhere. */
  pushText(chunk: string, source: SourceRef = {}): void {
    const id = source.file ?? "";
    let sp = this.splitters.get(id);
    if (!sp) this.splitters.set(id, (sp = new LineSplitter()));
    sp.push(chunk, this.sinkFor(source));
    this.release();
  }

  /** The source ended: its last unterminated line is a line too. */
  endText(source: SourceRef = {}): void {
    this.splitters.get(source.file ?? "")?.end(this.sinkFor(source));
    this.release();
  }

  private sinkFor(source: SourceRef): LineSink {
    return (text, start, end, lineNo) => this.take(text, start, end, lineNo, source);
  }

  /** One line with its own position, e.g. from Loki where the caller numbers entries. */
  pushLine(text: string, lineNo: number, source: SourceRef = {}): void {
    this.take(text, 0, text.length, lineNo, source);
  }

  /** The line text[start, end): held as those bounds, so a line waiting in the buffer costs no string. */
  private take(chunk: string, start: number, end: number, lineNo: number, source: SourceRef): void {
    this.counters.lines++;
    const text = start === 0 && end === chunk.length ? chunk : chunk.slice(start, end);
    // A custom format has no CLF head to date a line by: its lines are parsed on arrival.
    const dated = this.opts.customFormat ? undefined : dateLine(text, this.opts.format);
    // A late or out-of-range line is parsed now, so it is counted exactly as before (an event, late or
    // out of range, or a rejected line).
    if (this.parseOnRelease && dated && dated.ts >= this.buffer.watermark && this.inRange(dated.ts)) {
      const slot = this.buffer.push(dated.ts, chunk, start, end, source.file, lineNo);
      const w = this.hold(slot);
      w.source[slot] = source;
      w.body[slot] = dated.line !== text ? dated.line : undefined;
      w.tl[slot] = dated.tl;
      w.reqStart[slot] = dated.reqStart;
      this.release();
      return;
    }
    const e = this.parse(text, lineNo, source, dated);
    if (e) return this.pushEvent(e, text);
    // A line with a proxy's head but a malformed rest still carries the proxy's clock; dated on release or
    // here, it moves event time the same way.
    if (dated && this.inRange(dated.ts)) {
      this.buffer.witness(dated.ts);
      this.release();
    }
  }

  /** An event parsed elsewhere; `raw` is its log line, which orders events that share a timestamp. */
  pushEvent(e: HTTPEvent, raw = ""): void {
    this.withHost(e);
    this.counters.events++;
    this.identify(e);
    this.opts.onEvent?.(e);
    this.countFormat(e);
    if (!this.inRange(e.ts)) {
      this.counters.outOfRange++;
      return;
    }
    const ev = this.observe(e);
    const slot = this.buffer.push(e.ts, raw, 0, raw.length, e.source.file, e.source.line);
    if (slot < 0) {
      this.counters.late = this.buffer.late;
      return;
    }
    this.hold(slot).ev[slot] = ev;
    this.release();
  }

  private hold(slot: number): Waiting {
    return this.waiting.hold(slot);
  }

  private inRange(ts: number): boolean {
    return (this.opts.since === undefined || ts >= this.opts.since) && (this.opts.until === undefined || ts < this.opts.until);
  }

  /** The client behind trusted proxies, once per event before anything reads its key. */
  private identify(e: HTTPEvent): void {
    this.resolver?.apply(e);
    this.proxyHint.observe(e);
  }

  private countFormat(e: HTTPEvent): void {
    const f = this.counters.byFormat;
    f[e.source.format] = (f[e.source.format] ?? 0) + 1;
  }

  /** The head a released line was dated by, refilled per line like ctx. */
  private readonly head: DatedLine = { line: "", tl: 0, ts: 0, reqStart: 0 };
  private readonly ctx: ParseContext = { line: 0, file: undefined, labels: undefined, format: undefined, host: undefined, custom: undefined, w3c: undefined };
  /** Each file's `#Fields:` header; lines that are not dated are parsed on arrival, in each file's order. */
  private readonly w3c = new Map<string, W3cState>();

  /** Fills an unknown host from the upstream, when a resolver was given. */
  private withHost(e: HTTPEvent): HTTPEvent {
    const up = e.upstream?.name;
    if (e.host === "-" && up !== undefined && this.opts.hostOfUpstream) {
      const host = this.opts.hostOfUpstream(up);
      if (host !== undefined) e.host = host;
    }
    return e;
  }

  /** The line's event, or undefined after counting why it has none. */
  private parse(text: string, lineNo: number, source: SourceRef, dated: DatedLine | undefined): HTTPEvent | undefined {
    // One context, refilled per line: the parsers copy what they keep out of it.
    const ctx = this.ctx;
    ctx.line = lineNo;
    ctx.file = source.file;
    ctx.labels = source.labels;
    let r;
    if (dated) r = parseDated(dated, text, ctx);
    else {
      const id = source.file ?? "";
      let w = this.w3c.get(id);
      if (!w) this.w3c.set(id, (w = {}));
      ctx.w3c = w;
      r = parseLine(text, ctx);
    }
    if (r.ok) return this.withHost(r.event);
    const { reason } = r.rejected;
    if (reason === "not-access-log") this.keepNonAccess(text);
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    if (!this.counters.rejectedSamples[reason]) {
      this.counters.rejectedSamples[reason] = { line: lineNo, file: source.file, sample: this.redactor.text(r.rejected.sample), detail: r.rejected.detail };
    }
    return undefined;
  }

  /**
   * Declares that no event older than `watermark` will come (e.g. the caller's clock, when input is idle):
   * releases what it passes and lets every key's windows and cooldowns catch up to it, so quiet incidents close.
   */
  advance(watermark: number): void {
    this.buffer.raise(watermark);
    this.release();
    const mark = this.buffer.watermark;
    // Any event still to come is at or after the watermark, so settling keys up to it cannot change them.
    if (mark > this.lastReleased && mark > -Infinity) this.rules.sweep(mark);
  }

  /** Incident changes since the last call, in the order they happened (recorded with `changes: true`). */
  drainChanges(): IncidentChange[] {
    return this.log.drainChanges();
  }

  /** The open incidents, rendered at this moment. */
  openIncidents(): Incident[] {
    return linkRelated(sortIncidents(this.log.render(this.rules.open())));
  }

  /** Incidents as they stand now: closed ones plus the open ones rendered at this moment. */
  snapshot(): Incident[] {
    if (this.finished) return this.finished;
    return this.log.all(this.rules.open());
  }

  /** End of input: releases everything and settles every key at the last event time. */
  flush(): Incident[] {
    if (this.finished) return this.finished;
    for (const sp of this.splitters.keys()) this.endText({ file: sp || undefined });
    this.buffer.drain(this.dispatchFn);
    const end = this.lastReleased;
    this.finished = this.log.all(end > -Infinity ? this.rules.finish(end) : { actors: [], reliability: [], volumetric: [] });
    return this.finished;
  }

  /** For each rule, the closest keys came to firing without firing (`nearMisses` in `edgeproof run --format json`). */
  nearMisses(): NearMiss[] {
    return this.rules.nearMisses();
  }

  /** The condition timelines recorded for the keys matching `explain` (what `edgeproof explain` prints). */
  traces(): Array<{ ruleId: string; pack: string; key: string; steps: TraceStep[]; nearMiss?: NearMiss }> {
    return this.rules.traces();
  }

  /** Keys currently held across all rules: what bounds memory. */
  get activeKeys(): number {
    return this.rules.activeKeys;
  }

  private observe(e: HTTPEvent): ObservedEvent {
    // The hits map is memoised per field value and shared by every request that matched alike.
    const signatures = this.matcher?.hits(e);
    // `detached` is in the literal so that detaching later does not change the object's shape.
    return { e, isStatic: undefined, signatures, keyShape: -1, key: null, detached: false, seq: -1 };
  }

  /** The watermark the buffer was last released at: nothing new can pass before it rises (later pushes are at or above it). */
  private releasedAt = -Infinity;

  private release(): void {
    const mark = this.buffer.watermark;
    if (mark === this.releasedAt) return;
    this.releasedAt = mark;
    this.buffer.release(this.dispatchFn);
  }

  private readonly dispatchFn = (slot: number, ts: number) => {
    const w = this.waiting;
    const ev = w.ev[slot];
    if (ev) {
      w.ev[slot] = undefined;
      return this.dispatch(ev);
    }
    // Dated on arrival, parsed now: the same parser gives the same time, so only the counting moves here.
    const source = w.source[slot]!;
    const body = w.body[slot];
    w.source[slot] = w.body[slot] = undefined;
    const raw = this.buffer.raw(slot);
    const head = this.head;
    head.line = body ?? raw;
    head.tl = w.tl[slot];
    head.ts = ts;
    head.reqStart = w.reqStart[slot];
    const e = this.parse(raw, this.buffer.lineOf(slot), source, head);
    if (!e) return;
    this.counters.events++;
    this.identify(e);
    this.countFormat(e);
    this.dispatch(this.observe(e));
  };

  /** Whether an exclusion holds for the event, counted per exclusion (the first that holds). */
  private excludedBy(ev: ObservedEvent): boolean {
    const x = this.exclusions.select(ev).find((x) => x.test(ev));
    if (!x) return false;
    const counts = (this.counters.excluded ??= {});
    counts[x.id] = (counts[x.id] ?? 0) + 1;
    return true;
  }

  private dispatch(ev: ObservedEvent): void {
    const t = ev.e.ts;
    if (this.firstReleased === undefined) this.firstReleased = t;
    this.lastReleased = t;
    ev.seq = this.seq++;
    this.rules.onEvent(ev, this.exclusions.size > 0 && this.excludedBy(ev));
    if (t >= this.nextSweep) {
      this.rules.sweep(t);
      this.nextSweep = t + SWEEP_EVERY_MS;
    }
  }

  /** RCA of a reliability incident, with the error-log and klog lines around its window. */
  private rca(d: IncidentDraft): Rca | undefined {
    const input: RcaInput = d.acc.rcaInput(d.key);
    const evidence = this.nonAccess.filter((x) => x.ts === undefined || (x.ts >= input.windowStartMs - 600_000 && x.ts <= input.windowEndMs));
    if (evidence.length) input.nonAccessEvidence = evidence;
    const surges = this.log.surgesDuring(d);
    if (surges.length) input.demandSurges = surges;
    return this.opts.rca!(input);
  }

  private keepNonAccess(text: string): void {
    const x = parseNonAccessLine(text);
    if (!x?.reason || x.reason === "other" || this.nonAccess.length >= MAX_NON_ACCESS) return;
    const item: NonNullable<RcaInput["nonAccessEvidence"]>[number] = { kind: x.kind, reason: x.reason, message: x.message };
    if (x.ts !== undefined) item.ts = x.ts;
    if (x.service !== undefined) item.service = x.service;
    this.nonAccess.push(item);
  }
}

function clientResolver(o: ClientIpOptions | undefined): ClientResolver | undefined {
  if (!o || o.from === "remote") return undefined;
  const ranges = parseTrustedProxies(o.trustedProxies);
  if ("invalid" in ranges) throw new Error(`trusted proxy "${ranges.invalid}" is not an IP address or CIDR range`);
  return ranges.length ? new ClientResolver(ranges) : undefined;
}
