import { compareObserved, type ObservedEvent } from "../event/observed-event.js";

/**
 * Holds events until the watermark (max event time seen − allowed lateness) passes them, then releases
 * them in a total order. An event older than the watermark on arrival is late: counted, not evaluated.
 */
export class ReorderBuffer {
  private buf: ObservedEvent[] = [];
  private head = 0;
  private maxTs = -Infinity;
  private mark = -Infinity;
  late = 0;

  constructor(private readonly latenessMs: number) {}

  get watermark(): number {
    return this.mark;
  }

  get pending(): number {
    return this.buf.length - this.head;
  }

  /** Returns false when the event was late and dropped. */
  push(ev: ObservedEvent): boolean {
    if (ev.e.ts < this.mark) {
      this.late++;
      return false;
    }
    const buf = this.buf;
    if (this.head === buf.length || compareObserved(buf[buf.length - 1], ev) <= 0) {
      buf.push(ev);
    } else {
      let lo = this.head;
      let hi = buf.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareObserved(buf[mid], ev) <= 0) lo = mid + 1;
        else hi = mid;
      }
      buf.splice(lo, 0, ev);
    }
    if (ev.e.ts > this.maxTs) {
      this.maxTs = ev.e.ts;
      this.raise(this.maxTs - this.latenessMs);
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
    const buf = this.buf;
    while (this.head < buf.length && buf[this.head].e.ts < this.mark) sink(buf[this.head++]);
    this.compact();
  }

  /** Releases everything: end of input. */
  drain(sink: (ev: ObservedEvent) => void): void {
    const buf = this.buf;
    while (this.head < buf.length) sink(buf[this.head++]);
    this.compact();
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
  }
}
