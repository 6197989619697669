/**
 * Empties the outbox into the sinks. Alertmanager down, refusing (5xx, 429) or slow (timeout): the entries
 * stay and are retried with a deterministic backoff (Retry-After obeyed). Any other answer means the alert
 * itself is wrong for that receiver (a bad label, bad credentials): retrying cannot help, so the entry is
 * dropped and the failure is reported (log, /metrics, /api/capabilities). Firing alerts are queued again on
 * the next re-send, so a fixed receiver recovers without anything being retried forever.
 */
import { backoffDelayMs, parseRetryAfterMs } from "@edgeproof/loki-adapter";
import type { Outbox, Queued } from "./outbox.js";
import type { Sink } from "./sinks.js";

export interface DeliveryOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Alerts per Alertmanager request (webhooks get one message per alert). */
  batch: number;
}

export interface SinkReport {
  sent: number;
  /** Alerts given up on (permanent errors). */
  failed: number;
  /** Attempts that failed and will be retried. */
  retried: number;
  up: boolean;
  lastError?: { at: string; message: string; permanent: boolean };
}

export class Delivery {
  readonly reports = new Map<string, SinkReport>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly outbox: Outbox,
    readonly sinks: Sink[],
    private readonly log: (msg: string) => void,
    private readonly o: DeliveryOptions,
  ) {
    for (const s of sinks) this.reports.set(s.id, { sent: 0, failed: 0, retried: 0, up: true });
  }

  /** Sends what is due to every sink that is not already busy; resolves when those requests are answered. */
  async tick(now: number): Promise<void> {
    await Promise.all(
      this.sinks.map(async (sink) => {
        if (this.busy.has(sink.id)) return;
        this.busy.add(sink.id);
        try {
          const due = this.outbox.due(sink.id, now, this.o.batch);
          if (sink.kind === "webhook") for (const q of due) await this.deliver(sink, [q], now);
          else if (due.length) await this.deliver(sink, due, now);
        } finally {
          this.busy.delete(sink.id);
        }
      }),
    );
  }

  private async deliver(sink: Sink, items: Queued[], now: number): Promise<void> {
    const r = this.reports.get(sink.id)!;
    let answer;
    try {
      answer = await sink.send(items.map((q) => q.entry.alert));
    } catch (err) {
      return this.retry(sink, r, items, `${sink.url}: ${(err as Error).message}`, undefined, now);
    }
    if (answer.status >= 200 && answer.status < 300) {
      this.outbox.remove(items);
      r.sent += items.length;
      if (!r.up) this.log(`alerting: ${sink.url} answers again; ${items.length} queued alert(s) delivered`);
      r.up = true;
      return;
    }
    const message = `${sink.url} answered ${answer.status}: ${answer.body.trim().slice(0, 300)}`;
    if (answer.status === 429 || answer.status >= 500) return this.retry(sink, r, items, message, parseRetryAfterMs(answer.retryAfter, now), now);
    // One bad alert makes Alertmanager refuse the whole request: send each alone to find it.
    if (items.length > 1) {
      for (const q of items) await this.deliver(sink, [q], now);
      return;
    }
    this.outbox.remove(items);
    r.failed += items.length;
    r.lastError = { at: new Date(now).toISOString(), message, permanent: true };
    this.log(`alerting: gave up on alert ${items[0].key} for ${sink.url}, not retried: ${message}`);
  }

  private retry(sink: Sink, r: SinkReport, items: Queued[], message: string, retryAfterMs: number | undefined, now: number): void {
    const attempts = Math.max(...items.map((q) => q.entry.attempts));
    const wait = retryAfterMs !== undefined ? Math.min(retryAfterMs, this.o.maxDelayMs) : backoffDelayMs({ initialDelayMs: this.o.initialDelayMs, multiplier: 2, maxDelayMs: this.o.maxDelayMs, maxAttempts: 1, maxRetryAfterMs: this.o.maxDelayMs }, attempts);
    this.outbox.postpone(items, message, now + wait);
    r.retried += items.length;
    r.lastError = { at: new Date(now).toISOString(), message, permanent: false };
    if (r.up) this.log(`alerting: ${message}; ${items.length} alert(s) kept in the outbox, retrying with backoff`);
    r.up = false;
  }
}
