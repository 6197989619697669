import type { ObservedEvent } from "../event/observed-event.js";
import { detach } from "../event/detach.js";
import type { CompiledRule, MetricName } from "../rules/compile.js";
import { fieldReader, type FieldReader } from "../rules/fields.js";
import type { EventField } from "../rules/schema.js";
import { grown } from "../util/grown.js";

const PEAK_SPAN_MS = 1000;

/**
 * The events of one key inside a rule's window, with counters kept incrementally so every condition is
 * O(1) to evaluate (percentiles excepted). The window is (t − W, t]: callers expire events with ts ≤ t − W.
 *
 * Timestamps and statuses are kept in typed columns used as a queue of slots (head..tail); the events
 * themselves only where a metric or the incident needs them. A rule whose conditions read only counts and
 * status classes ("lean", e.g. 5xx ratio over all traffic) keeps only its signal-class events (the 5xx), and
 * consecutive requests with the same time and status share one slot: at second resolution most of a busy
 * host's second is a few runs of 200s, so its five minutes cost a few bytes per request instead of a retained
 * object graph. An incident opened now learns their count and status only.
 *
 * Each slot records the running total of events added through it (`cum`), so any range's event count is one
 * subtraction and slots of several events need no separate bookkeeping when they expire or leave the last second.
 */
export class KeyWindow {
  private ts = new Float64Array(4);
  private status = new Int32Array(4);
  private cum = new Float64Array(4);
  private head = 0;
  private tail = 0;
  private rpsHead = 0;
  /** Events ever added, and the running total through the last expired slot. */
  private added = 0;
  private expiredCum = 0;
  /** Full windows: the event of every slot, indexed like the columns. Lean windows: the signal events, in order. */
  private evs: ObservedEvent[] = [];
  private evsHead = 0;
  /** Per distinct-counted field: its reader and the count of each value in the window. */
  private readonly distinct: Array<{ read: FieldReader; counts: Map<string, number> }>;
  private readonly sigCounts = new Map<string, number>();
  private sigTotal = 0;
  private readonly statusClass = [0, 0, 0, 0, 0, 0];
  /**
   * For a share condition: the key's other traffic (events passing its `of` but not the rule's match) that
   * arrived after the oldest event still in the window, in the pipeline's order, as pairs (events added before
   * it arrived, how many arrived then) from otherHead on. Expiring the oldest event drops exactly the others
   * that preceded the new oldest. A plain array, made on first use: most keys hold one or two pairs.
   */
  private otherRuns: number[] | undefined;
  private otherHead = 0;
  private others = 0;

  constructor(
    private readonly rule: CompiledRule,
    /** Set for lean rules: the status class (5 for 5xx) whose first occurrence starts an incident. */
    private readonly leanSignal?: number,
  ) {
    this.distinct = rule.distinctFields.map((f) => ({ read: fieldReader(f, rule.pack.name), counts: new Map() }));
  }

  get size(): number {
    return this.added - this.expiredCum;
  }

  get oldestTs(): number | undefined {
    return this.head < this.tail ? this.ts[this.head] : undefined;
  }

  /** Events currently kept inside the window, oldest first. */
  *contents(): Iterable<ObservedEvent> {
    for (let i = this.evsHead; i < this.evs.length; i++) yield this.evs[i];
  }

  /**
   * Everything in the window from the first event of `fromClass` on (all of it when undefined), as kept:
   * full events, or timestamp and status for the requests a lean window did not keep.
   */
  *replay(fromClass: number | undefined): Iterable<ObservedEvent | { ts: number; status: number }> {
    let i = this.head;
    if (fromClass !== undefined) while (i < this.tail && classOf(this.status[i]) !== fromClass) i++;
    let k = this.evsHead;
    // Full windows keep one event per slot, so the slot index is the event index.
    if (this.leanSignal === undefined) k += i - this.head;
    for (; i < this.tail; i++) {
      const keptHere = this.leanSignal === undefined || classOf(this.status[i]) === this.leanSignal;
      for (let n = this.cum[i] - (i > this.head ? this.cum[i - 1] : this.expiredCum); n > 0; n--) {
        yield keptHere ? this.evs[k++] : { ts: this.ts[i], status: this.status[i] };
      }
    }
  }

  add(ev: ObservedEvent): void {
    const { ts, status } = ev.e;
    const c = classOf(status);
    this.added++;
    const last = this.tail - 1;
    if (this.leanSignal !== undefined && last >= this.head && this.ts[last] === ts && this.status[last] === status) this.cum[last] = this.added;
    else {
      if (this.tail === this.ts.length) this.makeRoom();
      this.ts[this.tail] = ts;
      this.status[this.tail] = status;
      this.cum[this.tail] = this.added;
      this.tail++;
    }
    if (this.leanSignal === undefined) {
      detach(ev);
      this.evs.push(ev);
      this.apply(ev, 1);
    } else if (c === this.leanSignal) {
      detach(ev);
      this.evs.push(ev);
    }
    if (c >= 1 && c <= 5) this.statusClass[c]++;
  }

  /** Counts a request of the key's other traffic; only while the window holds events (see otherRuns). */
  addOther(): void {
    if (this.size === 0) return;
    this.others++;
    const runs = (this.otherRuns ??= []);
    if (runs.length > this.otherHead && runs[runs.length - 2] === this.added) runs[runs.length - 1]++;
    else runs.push(this.added, 1);
  }

  /** Drops the other traffic that arrived before the oldest event left (all of it once the window is empty). */
  private expireOthers(): void {
    const runs = this.otherRuns!;
    while (this.otherHead < runs.length && runs[this.otherHead] <= this.expiredCum) {
      this.others -= runs[this.otherHead + 1];
      this.otherHead += 2;
    }
    if (this.otherHead === runs.length) {
      runs.length = 0;
      this.otherHead = 0;
    } else if (this.otherHead > 32 && this.otherHead * 2 > runs.length) {
      this.otherRuns = runs.slice(this.otherHead);
      this.otherHead = 0;
    }
  }

  /** Removes events with ts ≤ cutoff. */
  expireThrough(cutoff: number): void {
    while (this.head < this.tail && this.ts[this.head] <= cutoff) {
      const n = this.cum[this.head] - this.expiredCum;
      this.expiredCum = this.cum[this.head];
      const c = classOf(this.status[this.head++]);
      if (c >= 1 && c <= 5) this.statusClass[c] -= n;
      if (this.leanSignal === undefined) this.apply(this.evs[this.evsHead++], -1);
      else if (c === this.leanSignal) this.evsHead += n;
    }
    if (this.head === this.tail) {
      this.head = this.tail = this.rpsHead = 0;
      this.evs = [];
      this.evsHead = 0;
    } else if (this.evsHead > 32 && this.evsHead * 2 > this.evs.length) {
      // Expired events are let go early (each copy is paid for by the expiries before it).
      this.evs = this.evs.slice(this.evsHead);
      this.evsHead = 0;
    }
    if (this.others) this.expireOthers();
  }

  /** At a full column: slide the live slots to the front when at most half are live, else double. */
  private makeRoom(): void {
    const live = this.tail - this.head;
    if (live * 2 <= this.ts.length) {
      this.ts.copyWithin(0, this.head, this.tail);
      this.status.copyWithin(0, this.head, this.tail);
      this.cum.copyWithin(0, this.head, this.tail);
    } else {
      this.ts = grown(this.ts, this.head, this.tail);
      this.status = grown(this.status, this.head, this.tail);
      this.cum = grown(this.cum, this.head, this.tail);
    }
    this.rpsHead = Math.max(0, this.rpsHead - this.head);
    this.head = 0;
    this.tail = live;
  }

  metric(m: MetricName, now: number): number {
    switch (m.kind) {
      case "count":
        return this.size;
      case "peakRps":
        return this.trailingSecond(now);
      case "signatureHits":
        return m.cls === undefined ? this.sigTotal : this.sigCounts.get(m.cls) ?? 0;
      case "distinct":
        return this.distinct[this.rule.distinctFields.indexOf(m.field)].counts.size;
      case "statusClass":
        return this.statusClass[m.cls];
      case "ratio":
        return this.size ? this.statusClass[m.cls] / this.size : 0;
      case "share":
        return this.size ? this.size / (this.size + this.others) : 0;
      case "percentile":
        return this.percentile(m.field, m.p);
    }
  }

  /** Events in (now − 1 s, now]: a threshold on it holds at some moment iff the window's 1 s peak reaches it. */
  private trailingSecond(now: number): number {
    if (this.rpsHead < this.head) this.rpsHead = this.head;
    while (this.rpsHead < this.tail && this.ts[this.rpsHead] <= now - PEAK_SPAN_MS) this.rpsHead++;
    return this.added - (this.rpsHead > this.head ? this.cum[this.rpsHead - 1] : this.expiredCum);
  }

  private percentile(field: EventField, p: number): number {
    const read = fieldReader(field, this.rule.pack.name);
    const values: number[] = [];
    for (const ev of this.contents()) {
      const v = read(ev);
      if (typeof v === "number") values.push(v);
    }
    if (!values.length) return 0;
    values.sort((a, b) => a - b);
    return values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
  }

  private apply(ev: ObservedEvent, delta: 1 | -1): void {
    const hits = ev.signatures?.get(this.rule.pack.name);
    if (hits) {
      this.sigTotal += delta;
      for (const h of hits) this.sigCounts.set(h.cls, (this.sigCounts.get(h.cls) ?? 0) + delta);
    }
    for (const { read, counts } of this.distinct) {
      const v = read(ev);
      if (v === undefined) continue;
      const k = String(v);
      const n = (counts.get(k) ?? 0) + delta;
      if (n === 0) counts.delete(k);
      else counts.set(k, n);
    }
  }
}

/** 5 for 503: the class a window counts a status under. */
export function classOf(status: number): number {
  return Math.floor(status / 100);
}
