import type { SourceRef } from "@edgeproof/engine";

/** Where a source delivers lines; `live = false` while it replays what it had read before a restart. */
export interface LineSink {
  line(text: string, lineNo: number, source: SourceRef, live: boolean): void;
}

export type SourceState = "replaying" | "catching-up" | "following" | "missing" | "error" | "done";

export interface SourceStatus {
  kind: "file" | "stdin" | "loki" | "k8s";
  name: string;
  state: SourceState;
  linesRead: number;
  /** Bytes (files) not read yet, when known. */
  lagBytes?: number;
  error?: string;
  /** Newest event time read from the source (ISO 8601). */
  newestEvent?: string;
  /** Server clock − newest event time, in seconds: clock skew plus shipping delay (negative: the producer's clock is ahead). */
  eventLagSeconds?: number;
  /** Longest recent delay of a delivery (server clock on arrival − its oldest event), in seconds, when one was measured. */
  deliveryDelaySeconds?: number;
  /** Events from this source that arrived behind the watermark and were not evaluated. */
  late?: number;
}

/** A log source polled by the server loop. */
export interface Source {
  /** Stable id the cursor is stored under. */
  readonly id: string;
  /** Reads what is available (bounded per call); true when it delivered or consumed anything. */
  poll(sink: LineSink, nowMs: number): Promise<boolean>;
  /** The position to persist with the next commit, or undefined when the source cannot resume. */
  cursor(): unknown;
  status(): SourceStatus;
  /** Replay finished and the source reached the end of what existed at start. */
  readonly ready: boolean;
  /**
   * It has more to read right now (a file being caught up or with a line not finished, ...): while any source
   * is busy, idle time does not move the watermark.
   */
  readonly busy: boolean;
  /** Event time before which the source will deliver nothing more, when it knows (a Loki cursor). */
  settledBeforeMs?(): number | undefined;
  close(): Promise<void>;
}
