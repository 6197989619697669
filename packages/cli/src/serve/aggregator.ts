import { parseLine, type Incident, type Pipeline, type PipelineOptions, type SourceRef } from "@edgeproof/engine";
import { SeriesCounter } from "./counters.js";
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
  private readonly counter = new SeriesCounter();
  private newestMs = -Infinity;

  constructor(
    readonly pipeline: Pipeline,
    private readonly store: Store,
    private readonly parse: Pick<PipelineOptions, "format" | "host">,
    private readonly emit: (e: IncidentEvent) => void,
  ) {}

  line(text: string, lineNo: number, source: SourceRef, live: boolean): void {
    const r = parseLine(text, { line: lineNo, file: source.file, labels: source.labels, format: this.parse.format, host: this.parse.host });
    if (!r.ok) {
      // The engine re-parses it to count the rejection by reason and keep error-log lines as RCA evidence.
      this.pipeline.pushLine(text, lineNo, source);
      return;
    }
    if (live) {
      this.counter.add(r.event);
      if (r.event.ts > this.newestMs) this.newestMs = r.event.ts;
    }
    // pushEvent skips the engine's own parse; keep its `lines` total equal to events + rejected.
    this.pipeline.stats.lines++;
    this.pipeline.pushEvent(r.event);
  }

  /** No source has anything new: declare the watermark so quiet incidents can close. */
  advance(watermarkMs: number): void {
    this.pipeline.advance(watermarkMs);
  }

  /**
   * One atomic write: incidents that opened/closed since the last commit (plus, with `refreshOpen`, the
   * current state of open ones), counters, and the source cursors that go with them.
   */
  commit(cursors: Array<[string, unknown]>, refreshOpen: boolean): void {
    const changes: Incident[] = this.pipeline.drainChanges().map((c) => c.incident);
    if (refreshOpen) for (const inc of this.pipeline.snapshot()) if (inc.status === "open") changes.push(inc);
    const counts = this.counter.take();
    const events: IncidentEvent[] = [];
    this.store.commit(() => {
      for (const inc of changes) {
        const type = this.store.upsertIncident(inc);
        if (type !== "unchanged") events.push({ type, incident: inc });
      }
      for (const { dim, name, bucket, c } of counts) this.store.addCounts(dim, name, bucket, c);
      for (const [name, cursor] of cursors) if (cursor !== undefined) this.store.putCursor(name, cursor);
      if (this.newestMs > -Infinity) this.store.setNewestEventMs(this.newestMs);
    });
    for (const e of events) this.emit(e);
  }
}
