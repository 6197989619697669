import { LokiCursorSchema, toNs, type LokiClient, type LokiCursor } from "@edgeproof/loki-adapter";
import type { LineSink, Source, SourceState, SourceStatus } from "./sources.js";

export interface LokiSourceOptions {
  queries: string[];
  /** Stream label that carries the virtual host. */
  hostLabel: string;
  /** How often to ask Loki for new entries. */
  intervalMs: number;
  /** Entries younger than this are left for the next poll: Loki may still be ingesting them. */
  delayMs: number;
  /** Where the very first pull starts, before any cursor exists. */
  initialLookbackMs: number;
  /** After a restart, how far before the saved cursor to re-read so rule windows are whole again. */
  replayMs: number;
}

/**
 * Polls Loki with the adapter's cursor. Pulls are [cursor, now − delay); the adapter only emits whole
 * timestamps, so the cursor is exact. After a restart, the pull starts `replayMs` before the saved cursor
 * and everything before the cursor is replayed (`live = false`).
 */
export class LokiSource implements Source {
  readonly id: string;
  private current: LokiCursor | undefined;
  private replayBeforeNs = 0n;
  private nextPollMs = 0;
  private lineNo = 0;
  private linesRead = 0;
  private state: SourceState = "catching-up";
  private lastError: string | undefined;
  private polled = false;
  private restartFromNs: bigint | undefined;
  /** Where the next pull resumes: the cursor of the last batch consumed (during a replay, behind `current`). */
  private progress: LokiCursor | undefined;

  constructor(
    private readonly client: LokiClient,
    private readonly o: LokiSourceOptions,
    saved: unknown,
  ) {
    this.id = `loki:${o.queries.join(" | ")}`;
    const parsed = LokiCursorSchema.safeParse(saved);
    if (parsed.success && sameQueries(parsed.data.queries, o.queries)) {
      this.current = parsed.data;
      this.replayBeforeNs = BigInt(parsed.data.nextNs);
      this.restartFromNs = this.replayBeforeNs - BigInt(o.replayMs) * 1_000_000n;
      this.state = "replaying";
    }
  }

  get ready(): boolean {
    return this.polled;
  }

  get busy(): boolean {
    return false;
  }

  /** Entries before the resume point have been read: the adapter's cursor is exact. */
  settledBeforeMs(): number | undefined {
    return this.progress ? Number(BigInt(this.progress.nextNs) / 1_000_000n) : undefined;
  }

  cursor(): LokiCursor | undefined {
    return this.current;
  }

  status(): SourceStatus {
    return { kind: "loki", name: this.o.queries.join(" | "), state: this.state, linesRead: this.linesRead, error: this.lastError };
  }

  async poll(sink: LineSink, nowMs: number): Promise<boolean> {
    if (nowMs < this.nextPollMs) return false;
    this.nextPollMs = nowMs + this.o.intervalMs;
    const endNs = toNs(nowMs - this.o.delayMs);
    const startNs = this.progress ? BigInt(this.progress.nextNs) : (this.restartFromNs ?? toNs(nowMs - this.o.initialLookbackMs));
    if (startNs >= endNs) return false;
    let moved = false;
    try {
      const req = this.progress ? { query: this.o.queries, start: 0, end: endNs, cursor: this.progress } : { query: this.o.queries, start: startNs, end: endNs };
      for await (const batch of this.client.pull(req)) {
        for (const entry of batch.entries) {
          const labels = { ...entry.labels };
          const host = entry.labels[this.o.hostLabel];
          if (host !== undefined) labels.host = host;
          else delete labels.host;
          this.linesRead++;
          sink.line(entry.line, ++this.lineNo, { labels }, BigInt(entry.tsNs) >= this.replayBeforeNs);
        }
        this.progress = batch.cursor;
        if (BigInt(batch.cursor.nextNs) >= BigInt(this.current?.nextNs ?? "0")) this.current = batch.cursor;
        moved ||= batch.entries.length > 0;
      }
      this.state = "following";
      this.lastError = undefined;
    } catch (err) {
      this.state = "error";
      this.lastError = (err as Error).message;
    }
    this.polled = true;
    return moved;
  }

  async close(): Promise<void> {}
}

function sameQueries(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((q, i) => q === b[i]);
}
