import type { SourceRef } from "@edgeproof/engine";

/** Where a source delivers lines; `live = false` while it replays what it had read before a restart. */
export interface LineSink {
  line(text: string, lineNo: number, source: SourceRef, live: boolean): void;
}

export type SourceState = "replaying" | "catching-up" | "following" | "missing" | "error" | "done";

export interface SourceStatus {
  kind: "file" | "stdin" | "loki";
  name: string;
  state: SourceState;
  linesRead: number;
  /** Bytes (files) not read yet, when known. */
  lagBytes?: number;
  error?: string;
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
  close(): Promise<void>;
}
