import { compareSameTime, type ObservedEvent } from "../event/observed-event.js";

/**
 * Holds events until the watermark (max event time seen − allowed lateness) passes them, then releases
 * them in a total order: event time, then content (compareSameTime). An event older than the watermark on
 * arrival is late: counted, not evaluated.
 *
 * Events are bucketed by timestamp: logs with second resolution put hundreds of events on one timestamp, and
 * sorting each bucket once on release is far cheaper than keeping one sorted array under insertion.
 */
export class ReorderBuffer {
  private readonly buckets = new Map<number, ObservedEvent[]>();
  /** Distinct pending timestamps, ascending. */
  private times: number[] = [];
  private head = 0;
  private count = 0;
  private maxTs = -Infinity;
  private mark = -Infinity;
  late = 0;

  constructor(private readonly latenessMs: number) {}

  get watermark(): number {
    return this.mark;
  }

  get pending(): number {
    return this.count;
  }

  /** Returns false when the event was late and dropped. */
  push(ev: ObservedEvent): boolean {
    const ts = ev.e.ts;
    if (ts < this.mark) {
      this.late++;
      return false;
    }
    const bucket = this.buckets.get(ts);
    if (bucket) bucket.push(ev);
    else {
      this.buckets.set(ts, [ev]);
      this.insertTime(ts);
    }
    this.count++;
    if (ts > this.maxTs) {
      this.maxTs = ts;
      this.raise(ts - this.latenessMs);
    }
    return true;
  }

  /** Moves the watermark forward (never back), e.g. from a caller's clock when input is idle. */
  raise(watermark: number): void {
    if (watermark > this.mark) this.mark = watermark;
  }

  /**
   * Releases events strictly older than the watermark: an event at exactly the watermark may still be
   * joined by a not-late peer with the same timestamp, so it must wait.
   */
  release(sink: (ev: ObservedEvent) => void): void {
    this.releaseWhile((ts) => ts < this.mark, sink);
  }

  /** Releases everything: end of input. */
  drain(sink: (ev: ObservedEvent) => void): void {
    this.releaseWhile(() => true, sink);
  }

  private releaseWhile(ok: (ts: number) => boolean, sink: (ev: ObservedEvent) => void): void {
    const times = this.times;
    while (this.head < times.length && ok(times[this.head])) {
      const ts = times[this.head++];
      const bucket = this.buckets.get(ts)!;
      this.buckets.delete(ts);
      this.count -= bucket.length;
      if (bucket.length > 1) bucket.sort(compareSameTime);
      for (const ev of bucket) sink(ev);
    }
    if (this.head > 1024 && this.head * 2 > times.length) {
      this.times = times.slice(this.head);
      this.head = 0;
    }
  }

  private insertTime(ts: number): void {
    const times = this.times;
    if (this.head === times.length || times[times.length - 1] < ts) {
      times.push(ts);
      return;
    }
    let lo = this.head;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    times.splice(lo, 0, ts);
  }
}
