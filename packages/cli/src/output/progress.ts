// Below this much input a run finishes before a progress line would help.
const SHOW_AFTER_MS = 2000;
const EVERY_MS = 1000;

/** A one-line progress indicator on stderr, only on a terminal and only for inputs that take a while. */
export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private chars = 0;
  private shown = false;

  constructor(private readonly totalBytes: number) {}

  update(lines: number, chars: number): void {
    this.chars += chars;
    if (!process.stderr.isTTY) return;
    const now = Date.now();
    if (now - this.started < SHOW_AFTER_MS || now - this.last < EVERY_MS) return;
    this.last = now;
    this.shown = true;
    const secs = (now - this.started) / 1000;
    const pct = this.totalBytes ? ` ${Math.min(100, (this.chars / this.totalBytes) * 100).toFixed(0)}%` : "";
    process.stderr.write(`\r${lines.toLocaleString("en-US")} lines · ${Math.round(lines / secs).toLocaleString("en-US")} lines/s${pct}   `);
  }

  done(): void {
    if (this.shown) process.stderr.write("\n");
  }
}
