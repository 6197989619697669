import type { Readable } from "node:stream";
import { LineCutter } from "./line-cutter.js";
import type { LineSink, Source, SourceStatus } from "./sources.js";

/** Standard input: read as it comes; it cannot be re-read, so it has no cursor and nothing to replay. */
export class StdinSource implements Source {
  readonly id = "stdin";
  private readonly cutter = new LineCutter();
  private queue: Buffer[] = [];
  private ended = false;
  private lineNo = 0;

  constructor(stream: Readable) {
    stream.on("data", (b: Buffer) => this.queue.push(b));
    stream.on("end", () => (this.ended = true));
    stream.on("error", () => (this.ended = true));
  }

  get ready(): boolean {
    return true;
  }

  get busy(): boolean {
    return this.queue.length > 0;
  }

  cursor(): undefined {
    return undefined;
  }

  status(): SourceStatus {
    return { kind: "stdin", name: "-", state: this.ended && !this.queue.length ? "done" : "following", linesRead: this.lineNo };
  }

  async poll(sink: LineSink): Promise<boolean> {
    const chunks = this.queue;
    this.queue = [];
    const lines = chunks.flatMap((b) => this.cutter.push(b));
    if (this.ended && !this.queue.length) lines.push(...this.cutter.flush());
    for (const l of lines) sink.line(l.text, ++this.lineNo, {}, true);
    return chunks.length > 0;
  }

  async close(): Promise<void> {}
}
