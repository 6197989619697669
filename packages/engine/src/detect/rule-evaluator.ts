import type { ObservedEvent } from "../event/observed-event.js";
import { compileRule, describeThreshold, meets, parseMetric, type CompiledRule } from "../rules/compile.js";
import { groupFieldText, groupKeyCached, groupShapeId } from "../rules/fields.js";
import type { Rule, RulePackDoc } from "../rules/index.js";
import { classOf, KeyWindow } from "../window/key-window.js";
import { IncidentAccumulator } from "../incident/accumulator.js";
import type { Redactor } from "../incident/redact.js";
import { closenessOf, NearMissBoard, type NearMiss } from "./near-miss.js";
import { AnsweredPaths } from "./answered-paths.js";
import { isoTime } from "../util/time.js";
import { ownCopy } from "../util/own-copy.js";
import type { IncidentKey, ThresholdCheck } from "../incident/incident.js";

/** An incident while the evaluator still owns it. */
export interface IncidentDraft {
  rule: CompiledRule;
  key: IncidentKey;
  keyText: string;
  openedAt: number;
  lastHeld: number;
  closedAt?: number;
  acc: IncidentAccumulator;
  /** Most extreme value each condition reached while holding. */
  peaks: number[];
  /** Which escalation thresholds held at some moment. */
  escalated: boolean[];
}

/** One step of a traced key: what each condition observed when the window changed. */
export interface TraceStep {
  time: number;
  trigger: "event" | "expiry";
  line?: number;
  counted: boolean;
  conditions: Array<{ condition: string; observed: number; required: number; met: boolean }>;
  holds: boolean;
  state: "idle" | "opened" | "open" | "closed";
}

/** Metrics a window can compute from timestamps and status classes alone. */
const LEAN_METRICS = new Set(["count", "peakRps", "statusClass", "ratio"]);

interface KeyState {
  /** The key as a string of its own (see ownCopy): incidents and near misses quote it long after its line. */
  key: string;
  win: KeyWindow;
  inc?: IncidentDraft;
  best?: RawMiss;
  trace?: TraceStep[];
  /**
   * The window as it stands was evaluated with no incident open and its conditions did not hold, so `best`
   * already accounts for it (see RuleEvaluator.risesOnly).
   */
  settled: boolean;
  /** For share rules: the key's field values, and the next key with the same first value (see addOther). */
  parts?: string[];
  sameFirst?: KeyState;
}

/** The closest a key came while the rule never fired for it, before it is rendered as a NearMiss. */
interface RawMiss {
  closeness: number;
  t: number;
  observed: number[];
}

/**
 * Bits of the groupBy fields whose value has an open incident in some rule (see RuleSet.openMask), and `scanner`:
 * the request comes from a client under an open security incident (see Correlator.afterEvent).
 */
export const OPEN_BIT = { clientIp: 1, host: 2, upstream: 4, scanner: 8 } as const;

/** What a window holds of one request: the event, or only its time and status (see KeyWindow). */
export type WindowItem = ObservedEvent | { ts: number; status: number };

export interface RuleEvaluatorHooks {
  /** `items`: the window the incident opened on, oldest first. */
  opened(d: IncidentDraft, items: WindowItem[]): void;
  closed(d: IncidentDraft): void;
  /** Redacts credentials from everything an incident quotes. */
  redactor: Redactor;
  /** The rule starts (true) or stops needing the events its match rejects (see RuleEvaluator.listening). */
  listening?(r: RuleEvaluator, on: boolean): void;
}

/** Exact sliding-window evaluation of one rule over every key it groups by. */
export class RuleEvaluator {
  readonly compiled: CompiledRule;
  private readonly states = new Map<string, KeyState>();
  private readonly escalations: Array<{ metric: ReturnType<typeof parseMetric>; t: NonNullable<Rule["escalate"][number]["when"]> } | undefined>;
  readonly nearMisses = new NearMissBoard();
  private readonly shape: number;
  private readonly observed: number[];
  /** The signal status class when every condition reads only counts and status classes (see KeyWindow). */
  private readonly lean: number | undefined;
  /**
   * Set when every condition is an upward threshold on statusClass(c) or ratio(c) of this one class c. An
   * event of another class leaves those metrics or lowers them (an emptied window's are 0, the least), so on a
   * settled window it can neither open an incident nor bring a near miss closer, and it is not evaluated: for
   * a 5xx rule, nearly every request.
   */
  private readonly risesOnly: number | undefined;
  /** Open incidents of this rule: while zero, events the match rejects cannot matter. */
  private open = 0;
  /**
   * Open incidents by the value of the first groupBy field: an event the match rejects matters only to an open
   * incident of its key, and most events share no first field (client IP) with one, so they are dismissed
   * without building their key.
   */
  private readonly openFirst = new Map<string, number>();
  /** For rules with a share condition: keys by the value of their first groupBy field (see addOther). */
  private readonly liveFirst = new Map<string, KeyState>();
  private readonly answered: AnsweredPaths | undefined;
  private readonly firstBit: number;
  /**
   * Reliability rules leave out the requests of clients under an open security incident: a scanner's flood
   * would dilute an outage's ratio, and its own 5xx would fake one. An open incident tallies them apart.
   */
  private readonly scannerApart: boolean;
  /**
   * Whether events the match rejects can matter: while an incident is open (to its key) or a share window holds
   * events (as its other traffic). A skipAnswered rule's answers are events its signature gate lets through.
   */
  private listening = false;
  /** The last key looked up: consecutive events usually share it (one host, a few upstreams). */
  private lastKey: string | undefined;
  private lastState: KeyState | undefined;

  constructor(
    rule: Rule,
    pack: RulePackDoc,
    private readonly hooks: RuleEvaluatorHooks,
    private readonly traceKey?: (key: IncidentKey) => boolean,
  ) {
    this.compiled = compileRule(rule, pack);
    if (this.compiled.skipAnswered) this.answered = new AnsweredPaths(this.compiled);
    this.observed = this.compiled.when.map(() => 0);
    this.shape = groupShapeId(rule.groupBy);
    this.firstBit = OPEN_BIT[rule.groupBy[0]];
    this.scannerApart = rule.kind === "reliability";
    this.escalations = rule.escalate.map((e) => (e.when ? { metric: parseMetric(e.when.metric), t: e.when } : undefined));
    const metrics = [...this.compiled.when.map((c) => c.m), ...this.escalations.flatMap((e) => (e ? [e.metric] : []))];
    this.lean = metrics.every((m) => LEAN_METRICS.has(m.kind)) ? this.signalClass : undefined;
    const cls = this.signalClass;
    this.risesOnly = this.compiled.when.every((c) => (c.m.kind === "statusClass" || c.m.kind === "ratio") && c.m.cls === cls && (c.op === ">=" || c.op === ">")) ? cls : undefined;
  }

  /** The status class a rule's conditions are about (`statusClass(5xx)`, `ratio(5xx)`), if any. */
  private get signalClass(): number | undefined {
    for (const c of this.compiled.when) if (c.m.kind === "statusClass" || c.m.kind === "ratio") return c.m.cls;
    return undefined;
  }

  get activeKeys(): number {
    return this.states.size;
  }

  /**
   * `openMask` has the bit of each groupBy field whose value in this event has an open incident in some rule:
   * an event this rule does not count matters only to an open incident of its key. `candidate: false` says the
   * rule's gate rejects the event (its match cannot hold), which only a listening rule is told. Returns whether
   * the rule counted the event.
   */
  onEvent(ev: ObservedEvent, openMask: number, candidate = true): boolean {
    const c = this.compiled;
    let counted = candidate && !(this.scannerApart && openMask & OPEN_BIT.scanner) && c.match(ev);
    if (this.answered) counted = this.answered.judge(ev, counted);
    if (!counted) {
      // Traffic a share condition divides by matters only to a key whose window holds events.
      if (c.shareOf !== undefined && this.liveFirst.size > 0 && this.addOther(ev)) return false;
      if (this.open === 0 || (openMask & this.firstBit) === 0) return false;
      const first = groupFieldText(ev, c.rule.groupBy[0]);
      if (first === undefined || !this.openFirst.has(first)) return false;
    }
    const keyText = groupKeyCached(ev, this.shape, this.compiled.rule.groupBy);
    if (keyText === undefined) return counted;
    let st = keyText === this.lastKey ? this.lastState : this.states.get(keyText);
    if (!st) {
      if (!counted) return false;
      st = { key: ownCopy(keyText), win: new KeyWindow(this.compiled, this.lean), settled: false };
      if (this.traceKey?.(this.keyOf(ev))) st.trace = [];
      this.states.set(st.key, st);
      if (this.compiled.shareOf) this.linkShare(st);
    }
    this.lastKey = st.key;
    this.lastState = st;
    const t = ev.e.ts;
    this.catchUp(st, t);
    if (counted) st.win.add(ev);
    if (st.inc) st.inc.acc.add(ev, counted);
    if (counted) {
      const inert = st.settled && this.risesOnly !== undefined && classOf(ev.e.status) !== this.risesOnly && !st.trace;
      if (!inert) this.evaluate(st, t, ev);
    } else st.trace?.push({ time: t, trigger: "event", line: ev.e.source.line, counted: false, conditions: [], holds: false, state: st.inc ? "open" : "idle" });
    return counted;
  }

  /**
   * Counts an event of a share condition's other traffic into its key's window, if the key has one; true when
   * it did (and took care of the key's open incident). The key is found through its first field and compared
   * field by field, without building its text: most requests are other traffic, and nearly all of them belong
   * to no key of this rule.
   */
  private addOther(ev: ObservedEvent): boolean {
    const groupBy = this.compiled.rule.groupBy;
    const first = groupFieldText(ev, groupBy[0]);
    let st = first === undefined ? undefined : this.liveFirst.get(first);
    while (st && !sameKey(st.parts!, ev, groupBy)) st = st.sameFirst;
    if (!st || !this.compiled.shareOf!(ev)) return false;
    const t = ev.e.ts;
    this.catchUp(st, t);
    st.win.addOther();
    if (st.inc) st.inc.acc.add(ev, false);
    st.trace?.push({ time: t, trigger: "event", line: ev.e.source.line, counted: false, conditions: [], holds: false, state: st.inc ? "open" : "idle" });
    return true;
  }

  private linkShare(st: KeyState): void {
    st.parts = st.key.split("\u0000");
    st.sameFirst = this.liveFirst.get(st.parts[0]);
    this.liveFirst.set(st.parts[0], st);
    this.relisten();
  }

  private unlinkShare(st: KeyState): void {
    const first = st.parts![0];
    let s = this.liveFirst.get(first);
    if (s === st) {
      if (st.sameFirst) this.liveFirst.set(first, st.sameFirst);
      else this.liveFirst.delete(first);
    } else {
      while (s && s.sameFirst !== st) s = s.sameFirst;
      if (s) s.sameFirst = st.sameFirst;
    }
    this.relisten();
  }

  private relisten(): void {
    const on = this.open > 0 || this.liveFirst.size > 0;
    if (on === this.listening) return;
    this.listening = on;
    this.hooks.listening?.(this, on);
  }

  /** Processes the passage of event time up to `now` for every key, and forgets keys that went quiet. */
  sweep(now: number): void {
    this.answered?.forgetBefore(now);
    for (const st of this.states.values()) {
      this.catchUp(st, now);
      if (st.win.size === 0 && !st.inc) this.forget(st);
    }
  }

  /** End of input: keys are settled at `now`; incidents still inside their cooldown stay open. */
  finish(now: number): IncidentDraft[] {
    const open: IncidentDraft[] = [];
    for (const st of this.states.values()) {
      this.catchUp(st, now);
      if (st.inc) open.push(st.inc);
      else this.offerMiss(st);
    }
    return open;
  }

  openDrafts(): IncidentDraft[] {
    const out: IncidentDraft[] = [];
    for (const st of this.states.values()) if (st.inc) out.push(st.inc);
    return out;
  }

  traces(): Array<{ key: string; steps: TraceStep[]; nearMiss?: NearMiss }> {
    const out: Array<{ key: string; steps: TraceStep[]; nearMiss?: NearMiss }> = [];
    for (const [key, st] of this.states) if (st.trace) out.push({ key, steps: st.trace, nearMiss: this.renderMiss(key, st.best) });
    for (const t of this.forgottenTraces) out.push(t);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private readonly forgottenTraces: Array<{ key: string; steps: TraceStep[]; nearMiss?: NearMiss }> = [];

  private forget(st: KeyState): void {
    this.offerMiss(st);
    if (st.trace) this.forgottenTraces.push({ key: st.key, steps: st.trace, nearMiss: this.renderMiss(st.key, st.best) });
    this.states.delete(st.key);
    if (this.compiled.shareOf) this.unlinkShare(st);
    if (this.lastState === st) this.lastKey = this.lastState = undefined;
  }

  private offerMiss(st: KeyState): void {
    if (st.best && st.best.closeness >= this.nearMisses.minCloseness) this.nearMisses.offer(this.renderMiss(st.key, st.best)!);
  }

  private renderMiss(keyText: string, raw: RawMiss | undefined): NearMiss | undefined {
    if (!raw) return undefined;
    return {
      ruleId: this.compiled.rule.id,
      pack: this.compiled.pack.name,
      key: this.keyOfText(keyText),
      time: isoTime(raw.t),
      closeness: Math.round(raw.closeness * 1000) / 1000,
      conditions: this.checks(raw.observed),
    };
  }

  private catchUp(st: KeyState, t: number): void {
    const w = this.compiled.windowMs;
    let oldest = st.win.oldestTs;
    while (oldest !== undefined && oldest <= t - w) {
      const expiry = oldest + w;
      this.closeIfCooled(st, expiry);
      st.win.expireThrough(oldest);
      if (st.win.size) this.evaluate(st, expiry);
      oldest = st.win.oldestTs;
    }
    this.closeIfCooled(st, t);
  }

  private closeIfCooled(st: KeyState, t: number): void {
    const inc = st.inc;
    if (!inc || t <= inc.lastHeld + this.compiled.cooldownMs) return;
    inc.closedAt = inc.lastHeld + this.compiled.cooldownMs;
    st.inc = undefined;
    this.open--;
    const first = inc.key[this.compiled.rule.groupBy[0]]!;
    const n = this.openFirst.get(first)!;
    if (n > 1) this.openFirst.set(first, n - 1);
    else this.openFirst.delete(first);
    st.trace?.push({ time: inc.closedAt, trigger: "expiry", counted: false, conditions: [], holds: false, state: "closed" });
    this.hooks.closed(inc);
    this.relisten();
  }

  private evaluate(st: KeyState, t: number, ev?: ObservedEvent): void {
    const when = this.compiled.when;
    const observed = this.observed;
    let holds = true;
    for (let i = 0; i < when.length; i++) {
      observed[i] = st.win.metric(when[i].m, t);
      if (!meets(observed[i], when[i])) holds = false;
    }

    let state: TraceStep["state"] = st.inc ? "open" : "idle";
    if (holds) {
      if (!st.inc) {
        st.inc = this.openIncident(st, t);
        this.open++;
        const first = st.inc.key[this.compiled.rule.groupBy[0]]!;
        this.openFirst.set(first, (this.openFirst.get(first) ?? 0) + 1);
        this.relisten();
        // A miss only counts while the rule never fired for the key.
        st.best = undefined;
        state = "opened";
      }
      const inc = st.inc;
      inc.lastHeld = t;
      for (let i = 0; i < when.length; i++) {
        const up = when[i].op === ">=" || when[i].op === ">";
        if (up ? observed[i] > inc.peaks[i] : observed[i] < inc.peaks[i]) inc.peaks[i] = observed[i];
      }
      for (let i = 0; i < this.escalations.length; i++) {
        const e = this.escalations[i];
        if (e && meets(st.win.metric(e.metric, t), e.t)) inc.escalated[i] = true;
      }
    } else if (!st.inc) {
      let closeness = 1;
      for (let i = 0; i < when.length; i++) closeness = Math.min(closeness, closenessOf(observed[i], when[i].value, when[i].op));
      // Kept raw: most keys never come close, and rendering a miss for each would cost more than the window.
      if (!st.best || closeness > st.best.closeness) st.best = { closeness, t, observed: observed.slice(0, when.length) };
    }
    st.settled = !holds && !st.inc;
    st.trace?.push({
      time: t,
      trigger: ev ? "event" : "expiry",
      line: ev?.e.source.line,
      counted: ev !== undefined,
      conditions: this.checks(observed),
      holds,
      state,
    });
  }

  private openIncident(st: KeyState, t: number): IncidentDraft {
    // A 5xx spike starts at its first 5xx, not at the oldest healthy request still in the window; thresholds
    // that hold without any 5xx (`statusClass(5xx) >= 0`) start it at the window's start.
    let items = [...st.win.replay(this.signalClass)];
    if (!items.length) items = [...st.win.replay(undefined)];
    const acc = this.accumulate(items);
    const draft: IncidentDraft = {
      rule: this.compiled,
      key: this.keyOfText(st.key),
      keyText: st.key,
      openedAt: t,
      lastHeld: t,
      acc,
      peaks: this.compiled.when.map((c) => (c.op === ">=" || c.op === ">" ? -Infinity : Infinity)),
      escalated: this.escalations.map(() => false),
    };
    this.hooks.opened(draft, items);
    return draft;
  }

  /** The window an incident opened on (never empty: it holds the request that made the condition hold), as its accumulator. */
  private accumulate(items: WindowItem[]): IncidentAccumulator {
    const first = items[0];
    const acc = new IncidentAccumulator(this.compiled.pack.name, this.compiled.rule.kind, "e" in first ? first.e.ts : first.ts, this.hooks.redactor);
    for (const item of items) {
      if ("e" in item) acc.add(item, true);
      else acc.addSummary(item.ts, item.status);
    }
    return acc;
  }

  private checks(observed: number[]): TraceStep["conditions"] {
    return this.compiled.when.map((c, i) => ({
      condition: describeThreshold(c, this.compiled.windowMs),
      observed: round(observed[i]),
      required: c.value,
      met: meets(observed[i], c),
    }));
  }

  private keyOf(ev: ObservedEvent): IncidentKey {
    const key: IncidentKey = {};
    for (const f of this.compiled.rule.groupBy) key[f] = f === "upstream" ? ev.e.upstream?.name : ev.e[f];
    return key;
  }

  private keyOfText(keyText: string): Record<string, string> {
    const parts = keyText.split("\u0000");
    const key: Record<string, string> = {};
    this.compiled.rule.groupBy.forEach((f, i) => (key[f] = parts[i]));
    return key;
  }
}

export function thresholdChecks(d: IncidentDraft): ThresholdCheck[] {
  return d.rule.when.map((c, i) => ({
    condition: describeThreshold(c, d.rule.windowMs),
    observed: round(d.peaks[i]),
    required: c.value,
    op: c.op,
    met: meets(d.peaks[i], c),
  }));
}

function sameKey(parts: string[], ev: ObservedEvent, groupBy: ReadonlyArray<"clientIp" | "host" | "upstream">): boolean {
  for (let i = 1; i < groupBy.length; i++) if (groupFieldText(ev, groupBy[i]) !== parts[i]) return false;
  return true;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
