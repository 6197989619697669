export interface CutLine {
  text: string;
  /** Bytes the line took in the source, its newline included. */
  bytes: number;
}

/**
 * Cuts a byte stream into complete lines, each with its exact byte length, so a saved cursor always points
 * at a line start (decoding can change lengths: invalid UTF-8 becomes U+FFFD, `\r\n` loses its `\r`).
 * A trailing partial line stays buffered until its newline comes.
 */
export class LineCutter {
  private partial: Buffer = Buffer.alloc(0);

  /** Bytes held back as an unterminated line. */
  get pending(): number {
    return this.partial.length;
  }

  push(chunk: Buffer): CutLine[] {
    const buf = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    const out: CutLine[] = [];
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      out.push({ text: buf.toString("utf8", start, end), bytes: nl + 1 - start });
      start = nl + 1;
    }
    this.partial = Buffer.from(buf.subarray(start));
    return out;
  }

  /** The source will not grow (or a writer left a last line without newline): it is a line too. */
  flush(): CutLine[] {
    if (!this.partial.length) return [];
    const line = { text: this.partial.toString("utf8").replace(/\r$/, ""), bytes: this.partial.length };
    this.partial = Buffer.alloc(0);
    return [line];
  }

  reset(): void {
    this.partial = Buffer.alloc(0);
  }
}
