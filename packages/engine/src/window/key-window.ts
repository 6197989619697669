import type { ObservedEvent } from "../event/observed-event.js";
import { detach } from "../event/detach.js";
import type { CompiledRule, MetricName } from "../rules/compile.js";
import { fieldReader, type FieldReader } from "../rules/fields.js";
import type { EventField } from "../rules/schema.js";

const PEAK_SPAN_MS = 1000;

/**
 * The events of one key inside a rule's window, with counters kept incrementally so every condition is
 * O(1) to evaluate (percentiles excepted). The window is (t − W, t]: callers expire events with ts ≤ t − W.
 *
 * Timestamps and statuses are kept for every event; the events themselves only where a metric or the
 * incident needs them. A rule whose conditions read only counts and status classes ("lean", e.g. 5xx ratio
 * over all traffic) keeps only its signal-class events (the 5xx): the requests around them cost two numbers
 * each instead of a retained object graph, and an incident opened now learns their count and status only.
 */
export class KeyWindow {
  private ts: number[] = [];
  private status: number[] = [];
  private evs: Array<ObservedEvent | undefined> = [];
  private head = 0;
  private rpsHead = 0;
  /** Per distinct-counted field: its reader and the count of each value in the window. */
  private readonly distinct: Array<{ read: FieldReader; counts: Map<string, number> }>;
  private readonly sigCounts = new Map<string, number>();
  private sigTotal = 0;
  private readonly statusClass = [0, 0, 0, 0, 0, 0];

  constructor(
    private readonly rule: CompiledRule,
    /** Set for lean rules: the status class (5 for 5xx) whose first occurrence starts an incident. */
    private readonly leanSignal?: number,
  ) {
    this.distinct = rule.distinctFields.map((f) => ({ read: fieldReader(f, rule.pack.name), counts: new Map() }));
  }

  get size(): number {
    return this.ts.length - this.head;
  }

  get oldestTs(): number | undefined {
    return this.head < this.ts.length ? this.ts[this.head] : undefined;
  }

  /** Events currently kept inside the window, oldest first. */
  *contents(): Iterable<ObservedEvent> {
    for (let i = this.head; i < this.evs.length; i++) {
      const ev = this.evs[i];
      if (ev) yield ev;
    }
  }

  /**
   * Everything in the window from the first event of `fromClass` on (all of it when undefined), as kept:
   * full events, or timestamp and status for the requests a lean window did not keep.
   */
  *replay(fromClass: number | undefined): Iterable<ObservedEvent | { ts: number; status: number }> {
    let i = this.head;
    if (fromClass !== undefined) while (i < this.ts.length && Math.floor(this.status[i] / 100) !== fromClass) i++;
    for (; i < this.ts.length; i++) yield this.evs[i] ?? { ts: this.ts[i], status: this.status[i] };
  }

  add(ev: ObservedEvent): void {
    const c = Math.floor(ev.e.status / 100);
    this.ts.push(ev.e.ts);
    this.status.push(ev.e.status);
    if (this.leanSignal === undefined) {
      detach(ev);
      this.evs.push(ev);
      this.apply(ev, 1);
    } else if (c === this.leanSignal) {
      detach(ev);
      this.evs.push(ev);
    } else this.evs.push(undefined);
    if (c >= 1 && c <= 5) this.statusClass[c]++;
  }

  /** Removes events with ts ≤ cutoff. */
  expireThrough(cutoff: number): void {
    const ts = this.ts;
    while (this.head < ts.length && ts[this.head] <= cutoff) {
      const i = this.head++;
      const c = Math.floor(this.status[i] / 100);
      if (c >= 1 && c <= 5) this.statusClass[c]--;
      if (this.leanSignal === undefined) this.apply(this.evs[i]!, -1);
      this.evs[i] = undefined;
    }
    if (this.head === ts.length) {
      this.ts = [];
      this.status = [];
      this.evs = [];
      this.head = 0;
      this.rpsHead = 0;
    } else if (this.head > 32 && this.head * 2 > ts.length) {
      // Thousands of keys each hold a window: expired slots are given back early (each copy is paid for by
      // the expiries before it), or dead slots would outweigh the live ones.
      this.ts = ts.slice(this.head);
      this.status = this.status.slice(this.head);
      this.evs = this.evs.slice(this.head);
      this.rpsHead = Math.max(0, this.rpsHead - this.head);
      this.head = 0;
    }
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
      case "percentile":
        return this.percentile(m.field, m.p);
    }
  }

  /** Events in (now − 1 s, now]: a threshold on it holds at some moment iff the window's 1 s peak reaches it. */
  private trailingSecond(now: number): number {
    const ts = this.ts;
    if (this.rpsHead < this.head) this.rpsHead = this.head;
    while (this.rpsHead < ts.length && ts[this.rpsHead] <= now - PEAK_SPAN_MS) this.rpsHead++;
    return ts.length - this.rpsHead;
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
