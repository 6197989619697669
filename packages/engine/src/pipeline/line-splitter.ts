/**
 * Splits streamed text into lines without caring how the caller chunked it: a line cut across two
 * chunks is joined, CRLF and LF both end a line, and the final unterminated line comes out on `end()`.
 */
export class LineSplitter {
  private rest = "";
  private lineNo = 0;

  push(chunk: string, sink: (line: string, lineNo: number) => void): void {
    let start = 0;
    let nl = chunk.indexOf("\n");
    if (nl < 0) {
      this.rest += chunk;
      return;
    }
    if (this.rest) {
      this.emit(this.rest + chunk.slice(0, nl), sink);
      this.rest = "";
      start = nl + 1;
      nl = chunk.indexOf("\n", start);
    }
    while (nl >= 0) {
      this.emit(chunk.slice(start, nl), sink);
      start = nl + 1;
      nl = chunk.indexOf("\n", start);
    }
    this.rest = chunk.slice(start);
  }

  end(sink: (line: string, lineNo: number) => void): void {
    if (this.rest) this.emit(this.rest, sink);
    this.rest = "";
  }

  private emit(line: string, sink: (line: string, lineNo: number) => void): void {
    this.lineNo++;
    sink(line.endsWith("\r") ? line.slice(0, -1) : line, this.lineNo);
  }
}
