import type { ObservedEvent } from "../event/observed-event.js";
import type { CompiledRule, MetricName } from "../rules/compile.js";
import { getField } from "../rules/fields.js";

const PEAK_SPAN_MS = 1000;

/**
 * The events of one key inside a rule's window, with counters kept incrementally so every condition is
 * O(1) to evaluate (percentiles excepted). The window is (t − W, t]: callers expire events with ts ≤ t − W.
 */
export class KeyWindow {
  private events: ObservedEvent[] = [];
  private head = 0;
  private rpsHead = 0;
  private readonly distinct: Map<string, Map<string, number>>;
  private readonly sigCounts = new Map<string, number>();
  private sigTotal = 0;
  private readonly statusClass = [0, 0, 0, 0, 0, 0];

  constructor(private readonly rule: CompiledRule) {
    this.distinct = new Map(rule.distinctFields.map((f) => [f, new Map()]));
  }

  get size(): number {
    return this.events.length - this.head;
  }

  get oldestTs(): number | undefined {
    return this.head < this.events.length ? this.events[this.head].e.ts : undefined;
  }

  /** Events currently inside the window, oldest first. */
  *contents(): Iterable<ObservedEvent> {
    for (let i = this.head; i < this.events.length; i++) yield this.events[i];
  }

  add(ev: ObservedEvent): void {
    this.events.push(ev);
    this.apply(ev, 1);
  }

  /** Removes events with ts ≤ cutoff. */
  expireThrough(cutoff: number): void {
    const evs = this.events;
    while (this.head < evs.length && evs[this.head].e.ts <= cutoff) this.apply(evs[this.head++], -1);
    if (this.head === evs.length) {
      this.events = [];
      this.head = 0;
      this.rpsHead = 0;
    } else if (this.head > 1024 && this.head * 2 > evs.length) {
      this.events = evs.slice(this.head);
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
        return this.distinct.get(m.field)!.size;
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
    const evs = this.events;
    if (this.rpsHead < this.head) this.rpsHead = this.head;
    while (this.rpsHead < evs.length && evs[this.rpsHead].e.ts <= now - PEAK_SPAN_MS) this.rpsHead++;
    return evs.length - this.rpsHead;
  }

  private percentile(field: Parameters<typeof getField>[1], p: number): number {
    const values: number[] = [];
    for (const ev of this.contents()) {
      const v = getField(ev, field, this.rule.pack.name);
      if (typeof v === "number") values.push(v);
    }
    if (!values.length) return 0;
    values.sort((a, b) => a - b);
    return values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
  }

  private apply(ev: ObservedEvent, delta: 1 | -1): void {
    const cls = Math.floor(ev.e.status / 100);
    if (cls >= 1 && cls <= 5) this.statusClass[cls] += delta;
    const hits = ev.signatures?.get(this.rule.pack.name);
    if (hits) {
      this.sigTotal += delta;
      for (const h of hits) this.sigCounts.set(h.cls, (this.sigCounts.get(h.cls) ?? 0) + delta);
    }
    for (const [field, counts] of this.distinct) {
      const v = getField(ev, field as Parameters<typeof getField>[1], this.rule.pack.name);
      if (v === undefined) continue;
      const k = String(v);
      const n = (counts.get(k) ?? 0) + delta;
      if (n === 0) counts.delete(k);
      else counts.set(k, n);
    }
  }
}
