/** A line as text[start, end): the chunk it lies in, so a caller that holds lines need not cut each one out. */
export type LineSink = (text: string, start: number, end: number, lineNo: number) => void;

/**
 * Splits streamed text into lines without caring how the caller chunked it: a line cut across two
 * chunks is joined, CRLF and LF both end a line, and the final unterminated line comes out on `end()`.
 */
export class LineSplitter {
  private rest = "";
  private lineNo = 0;

  push(chunk: string, sink: LineSink): void {
    let start = 0;
    let nl = chunk.indexOf("\n");
    if (nl < 0) {
      this.rest += chunk;
      return;
    }
    if (this.rest) {
      const joined = this.rest + chunk.slice(0, nl);
      this.emit(joined, 0, joined.length, sink);
      this.rest = "";
      start = nl + 1;
      nl = chunk.indexOf("\n", start);
    }
    while (nl >= 0) {
      this.emit(chunk, start, nl, sink);
      start = nl + 1;
      nl = chunk.indexOf("\n", start);
    }
    this.rest = chunk.slice(start);
  }

  end(sink: LineSink): void {
    if (this.rest) this.emit(this.rest, 0, this.rest.length, sink);
    this.rest = "";
  }

  private emit(text: string, start: number, end: number, sink: LineSink): void {
    this.lineNo++;
    sink(text, start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end, this.lineNo);
  }
}
