import type { SourceStatus } from "./sources.js";

/**
 * How long a delivery delay is remembered: several flushes of any log shipper (Fluent Bit, Vector and
 * Promtail flush every 1–10 s), yet short enough that one old batch does not hold progress back for long.
 */
const DELAY_MEMORY_MS = 300_000;
/** Lag beyond the lateness on every delivery for this long is reported (once per source). */
const LAG_WARN_AFTER_MS = 10_000;

/**
 * One source's event time as the server sees it arrive: the newest event time, when the last event came,
 * how late deliveries are, and late events. It decides how far idle time may move the watermark for this
 * source (see horizon) and feeds the lag reported in /metrics and /api/capabilities.
 *
 * Everything is relative to the source's own events, never to the server clock as such, so a producer whose
 * clock is off by a constant drops nothing: only wall time *elapsed* counts.
 */
export class EventClock {
  private newest = -Infinity;
  /** Server clock when the last event of this source arrived. */
  private lastArrival = 0;
  late = 0;
  private inPoll = { events: 0, live: 0, oldest: Infinity };
  /** The last poll found the source caught up and nothing new (false until the first such poll). */
  private quiet = false;
  /** Delivery delays (arrival − oldest event of the delivery) as a sliding maximum: delays decrease along it. */
  private readonly delays: Array<{ at: number; ms: number }> = [];
  private lagOverSince: number | undefined;
  private warned = false;

  constructor(
    private readonly name: string,
    private readonly latenessMs: number,
    private readonly warn: (msg: string) => void,
  ) {}

  /** An event the source delivered; `late` when it fell behind the watermark and was not evaluated. */
  event(ts: number, live: boolean, late: boolean): void {
    const p = this.inPoll;
    p.events++;
    if (late) this.late++;
    if (ts > this.newest) this.newest = ts;
    if (!live) return;
    p.live++;
    if (ts < p.oldest) p.oldest = ts;
  }

  /**
   * After each poll of the source. A delivery counts as a delivery delay sample only when it came while the
   * source was caught up (the previous poll found nothing) and this poll read all of it: lines read while
   * catching up on a backlog or a replay are late because of the reader, not the producer.
   */
  endPoll(now: number, busy: boolean): void {
    const p = this.inPoll;
    this.inPoll = { events: 0, live: 0, oldest: Infinity };
    if (p.events > 0) this.lastArrival = now;
    if (p.live > 0) {
      if (this.quiet && !busy) this.noteDelay(now, now - p.oldest);
      if (!busy) this.checkLag(now);
    }
    this.quiet = p.events === 0 && !busy;
  }

  /**
   * While the source is idle: the event time its next events are expected at or after. That is the newest
   * event time plus the wall time since the last event arrived (a quiet period moves time on at the wall
   * clock's pace), but no further than the server clock minus the longest recent delivery delay (a shipper
   * that flushes every 10 s delivers events 10 s old), nor than `settledBefore`, when the source knows it (a
   * Loki cursor: entries before it are read). +Infinity when the source has given no event yet.
   */
  horizon(now: number, settledBefore?: number): number {
    if (this.newest === -Infinity) return Infinity;
    const idle = this.newest + (now - this.lastArrival);
    if (settledBefore !== undefined) return Math.min(idle, settledBefore);
    const delay = this.maxDelay(now);
    return delay === undefined ? idle : Math.min(idle, now - delay);
  }

  /** What /api/capabilities, /readyz and /metrics report for the source. */
  status(now: number): Pick<SourceStatus, "newestEvent" | "eventLagSeconds" | "deliveryDelaySeconds" | "late"> {
    const out: ReturnType<EventClock["status"]> = { late: this.late };
    if (this.newest > -Infinity) {
      out.newestEvent = new Date(this.newest).toISOString();
      out.eventLagSeconds = seconds(now - this.newest);
    }
    const delay = this.maxDelay(now);
    if (delay !== undefined) out.deliveryDelaySeconds = seconds(delay);
    return out;
  }

  /** The longest delivery delay remembered, if any. */
  private maxDelay(now: number): number | undefined {
    const d = this.delays;
    while (d.length && d[0].at < now - DELAY_MEMORY_MS) d.shift();
    return d.length ? d[0].ms : undefined;
  }

  private noteDelay(now: number, ms: number): void {
    const d = this.delays;
    while (d.length && d[d.length - 1].ms <= ms) d.pop();
    d.push({ at: now, ms });
  }

  /** Lag measured as events arrive (not while the source is quiet, when it grows by itself). */
  private checkLag(now: number): void {
    const lag = now - this.newest;
    if (Math.abs(lag) <= this.latenessMs) {
      this.lagOverSince = undefined;
      return;
    }
    this.lagOverSince ??= now;
    if (this.warned || now - this.lagOverSince < LAG_WARN_AFTER_MS) return;
    this.warned = true;
    const s = (ms: number) => `${Math.round(Math.abs(ms) / 100) / 10} s`;
    const where = lag > 0 ? "behind" : "ahead of";
    this.warn(
      `warning: ${this.name}: events arrive ${s(lag)} ${where} the server clock (more than the lateness of ${s(this.latenessMs)}, for ${s(now - this.lagOverSince)}). ` +
        `Results do not depend on it, but "last 24h" views and alert timing do: fix the producer's clock (NTP) or its shipping delay; ` +
        `if its lines also arrive out of order by more than ${s(this.latenessMs)}, raise --lateness.`,
    );
  }
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}
