import type { ObservedEvent } from "../event/observed-event.js";

/** Where a line came from: a file, or a stream's labels. */
export interface SourceRef {
  file?: string;
  labels?: Record<string, string>;
}

/**
 * What waits in the reorder buffer besides the line, in columns under the buffer's slot: the event when it came
 * parsed already, else the head the line was dated by (to be parsed on release). Columns rather than a record
 * per line: whatever waits out the allowed lateness survives young collections, and records were most of what
 * they copied and promoted.
 */
export class Waiting {
  readonly ev: Array<ObservedEvent | undefined> = [];
  readonly source: Array<SourceRef | undefined> = [];
  /** DatedLine.line when a wrapper (CRI, syslog) was cut off the line, else undefined: the line itself. */
  readonly body: Array<string | undefined> = [];
  readonly tl: number[] = [];
  readonly reqStart: number[] = [];

  /** The columns, with room for `slot` (the buffer hands out slots from 0 up). */
  hold(slot: number): this {
    if (slot === this.ev.length) {
      this.ev.push(undefined);
      this.source.push(undefined);
      this.body.push(undefined);
      this.tl.push(0);
      this.reqStart.push(0);
    }
    return this;
  }
}
