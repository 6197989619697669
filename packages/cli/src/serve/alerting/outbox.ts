/**
 * The alert outbox: what still has to reach each sink, in LMDB next to the incidents. It is written inside
 * the commit that changed the incident, so a crash (kill -9 included) can lose neither the change nor the
 * alert about it, and a restart resumes delivery where it stopped.
 *
 * One entry per (sink, alert): a newer state of the same alert replaces the queued one, because Alertmanager
 * only keeps an alert's latest state anyway (its identity is the label set). So a long outage queues one
 * entry per alert, not one per re-send, and nothing is sent twice after it.
 */
import type { Database } from "lmdb";
import type { Store } from "../store.js";
import type { PostableAlert } from "./alert.js";

export interface OutboxEntry {
  alert: PostableAlert;
  /** Wall-clock ms when this alert first waited in the queue (kept across replacements: it is still waiting). */
  queuedAt: number;
  attempts: number;
  /** Not before this wall-clock ms (backoff). */
  nextAt: number;
  lastError?: string;
  /** Changes on every replacement, so a delivery acknowledges only the state it sent. */
  version: number;
}

export interface Queued {
  sink: string;
  key: string;
  entry: OutboxEntry;
}

let versions = 0;

export class Outbox {
  private readonly db: Database<OutboxEntry, [string, string]>;

  constructor(private readonly store: Store) {
    this.db = store.database<OutboxEntry, [string, string]>("outbox");
  }

  /** Queues the alert's current state for the sink. Call inside store.commit(). */
  put(sink: string, key: string, alert: PostableAlert, now: number): void {
    const prev = this.db.get([sink, key]);
    this.db.putSync([sink, key], {
      alert,
      queuedAt: prev?.queuedAt ?? now,
      attempts: prev?.attempts ?? 0,
      nextAt: prev?.nextAt ?? now,
      lastError: prev?.lastError,
      version: ++versions,
    });
  }

  /** Entries of the sink whose backoff has passed, oldest first. */
  due(sink: string, now: number, limit: number): Queued[] {
    const out: Queued[] = [];
    for (const { key, value } of this.db.getRange({ start: [sink, ""], end: [sink, "\uffff"] })) {
      if (value.nextAt <= now) out.push({ sink, key: key[1], entry: value });
    }
    return out.sort((a, b) => a.entry.queuedAt - b.entry.queuedAt).slice(0, limit);
  }

  /** Removes what was delivered (or given up on), unless a newer state was queued meanwhile. */
  remove(items: Queued[]): void {
    this.store.commit(() => {
      for (const q of items) if (this.db.get([q.sink, q.key])?.version === q.entry.version) this.db.removeSync([q.sink, q.key]);
    });
  }

  /** Records a failed attempt; the entry (or its replacement) waits until `nextAt`. */
  postpone(items: Queued[], error: string, nextAt: number): void {
    this.store.commit(() => {
      for (const q of items) {
        const cur = this.db.get([q.sink, q.key]);
        if (cur) this.db.putSync([q.sink, q.key], { ...cur, attempts: cur.attempts + 1, nextAt, lastError: error });
      }
    });
  }

  /** Queue length and the age of the oldest waiting alert, per sink. */
  stats(now: number): Map<string, { queued: number; oldestAgeMs: number }> {
    const out = new Map<string, { queued: number; oldestAgeMs: number }>();
    for (const { key, value } of this.db.getRange({})) {
      const s = out.get(key[0]) ?? { queued: 0, oldestAgeMs: 0 };
      s.queued++;
      s.oldestAgeMs = Math.max(s.oldestAgeMs, now - value.queuedAt);
      out.set(key[0], s);
    }
    return out;
  }

  /** Sinks that have entries but are no longer configured. */
  sinks(): string[] {
    const names = new Set<string>();
    for (const key of this.db.getKeys({})) names.add(key[0]);
    return [...names];
  }

  /** Drops a sink's queue (it was removed from the configuration). */
  dropSink(sink: string): number {
    let n = 0;
    this.store.commit(() => {
      for (const key of this.db.getKeys({ start: [sink, ""], end: [sink, "\uffff"] })) {
        this.db.removeSync(key);
        n++;
      }
    });
    return n;
  }
}
