import { Pipeline, type HTTPEvent, type Incident, type PipelineOptions, type SourceRef } from "@edgeproof/engine";
import { SeriesCounter } from "./counters.js";
import type { EventClock } from "./event-clock.js";
import type { LineSink } from "./sources.js";
import type { Store, UpsertResult } from "./store.js";

export type ChangeType = Exclude<UpsertResult, "unchanged">;
export interface IncidentEvent {
  type: ChangeType;
  incident: Incident;
}

/**
 * Feeds lines into the engine and turns what comes out into stored incidents, counters and change events.
 *
 * Restart safety: a source that restarts replays what it had already read (`live = false`). The engine is
 * deterministic, so the replay rebuilds the same window state and the same incident ids; the store's
 * upsert ignores what it already holds, and counters are only added for live lines, so nothing is
 * counted twice and nothing is announced twice.
 */
export class Aggregator {
  readonly pipeline: Pipeline;
  private readonly counter = new SeriesCounter();
  private newestMs = -Infinity;
  /** Whether the line being pushed is new (counted) or replayed after a restart (already counted). */
  private live = false;
  /** The clock of the source whose line is being pushed. */
  private clock: EventClock | undefined;

  constructor(
    options: PipelineOptions,
    private readonly store: Store,
    private readonly emit: (e: IncidentEvent) => void,
    /** Layers around the incidents (lifecycle, alert outbox) write here, inside the same transaction. */
    private readonly onChange?: (inc: Incident) => void,
  ) {
    // Closed incidents go to the store through drainChanges(); the engine keeps only what is open.
    this.pipeline = new Pipeline({ ...options, retainClosed: false, changes: true, onEvent: (e) => this.count(e) });
  }

  /** Where one source delivers: its lines go to the engine, its events' times to its clock. */
  sinkFor(clock: EventClock): LineSink {
    return {
      line: (text: string, lineNo: number, source: SourceRef, live: boolean) => {
        this.live = live;
        this.clock = clock;
        this.pipeline.pushLine(text, lineNo, source);
      },
    };
  }

  /** Watermark the engine is at: events older than it are late. */
  get watermark(): number {
    return this.pipeline.watermark;
  }

  private count(e: HTTPEvent): void {
    // Called before the engine holds the event: behind the watermark now means dropped as late.
    this.clock?.event(e.ts, this.live, e.ts < this.pipeline.watermark);
    if (!this.live) return;
    this.counter.add(e);
    if (e.ts > this.newestMs) this.newestMs = e.ts;
  }

  /** Incident changes taken from the engine but not committed yet. */
  private pending: Incident[] = [];

  /** Sources are idle: declare the watermark idle time allows, so quiet incidents can close. True when some did. */
  advance(watermarkMs: number): boolean {
    this.pipeline.advance(watermarkMs);
    const changes = this.pipeline.drainChanges();
    for (const c of changes) this.pending.push(c.incident);
    return changes.length > 0;
  }

  /**
   * One atomic write: incidents that opened/closed since the last commit (plus, with `refreshOpen`, the
   * current state of open ones), counters, and the source cursors that go with them.
   */
  commit(cursors: Array<[string, unknown]>, refreshOpen: boolean): void {
    const changes: Incident[] = this.pending;
    this.pending = [];
    for (const c of this.pipeline.drainChanges()) changes.push(c.incident);
    if (refreshOpen) changes.push(...this.pipeline.openIncidents());
    const counts = this.counter.take();
    const events: IncidentEvent[] = [];
    this.store.commit(() => {
      for (const inc of changes) {
        const type = this.store.upsertIncident(inc);
        if (type === "unchanged") continue;
        events.push({ type, incident: inc });
        this.onChange?.(inc);
      }
      for (const { dim, name, bucket, c } of counts) this.store.addCounts(dim, name, bucket, c);
      for (const [name, cursor] of cursors) if (cursor !== undefined) this.store.putCursor(name, cursor);
      if (this.newestMs > -Infinity) this.store.setNewestEventMs(this.newestMs);
    });
    for (const e of events) this.emit(e);
  }
}
