import { open, stat, type FileHandle } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { LineCutter } from "./line-cutter.js";
import type { LineSink, Source, SourceState, SourceStatus } from "./sources.js";

export const FileCursor = z.object({ ino: z.number(), offset: z.number().int().nonnegative(), line: z.number().int().nonnegative() });
export type FileCursor = z.infer<typeof FileCursor>;

const READ_CHUNK = 1 << 20;
/** Bytes read per poll, so one big file cannot starve the other sources and the commit loop. */
const MAX_PER_POLL = 8 << 20;
/** A last line without newline that has not grown for this long is taken as complete. */
const PARTIAL_LINE_MS = 5_000;
/** Compressed files are read whole once; beyond this they are refused rather than exhausting memory. */
const MAX_GZ_BYTES = 256 << 20;

/** Test hook: stop reading for `ms` once `afterBytes` are read, as a slow disk or a stalled network mount would. */
export interface ReadPause {
  afterBytes: number;
  ms: number;
}

/**
 * Follows one file by polling, the way `tail -F` does: it notices rotation by rename (new inode: the old
 * handle is read to its end first, then the new file from byte 0) and truncation (size below the offset:
 * start again at 0). Polling instead of fs.watch because watch events are lost on some file systems and
 * for rotated files.
 *
 * After a restart with a saved cursor for the same inode, bytes [0, cursor.offset) are replayed with
 * `live = false` so the engine rebuilds its windows; see Aggregator.
 */
export class FileTail implements Source {
  readonly id: string;
  private fh: FileHandle | undefined;
  private ino = -1;
  private offset = 0;
  private lineNo = 0;
  private replayUntil = 0;
  private readonly cutter = new LineCutter();
  private partialSince: number | undefined;
  private state: SourceState = "catching-up";
  private lastError: string | undefined;
  private linesRead = 0;
  private size = 0;
  private reachedEnd = false;
  /** More to read than the last poll took: bytes beyond the offset, a line without its newline yet. */
  private behind = true;
  private pausedUntil: number | undefined;
  /** A .gz file, decompressed whole when opened; its cursor counts lines instead of bytes. */
  private gz: { lines: string[]; at: number } | undefined;

  constructor(
    readonly path: string,
    private saved: FileCursor | undefined,
    private pause?: ReadPause,
  ) {
    this.id = `file:${path}`;
  }

  get ready(): boolean {
    return this.reachedEnd;
  }

  get busy(): boolean {
    return this.behind;
  }

  cursor(): FileCursor | undefined {
    return this.ino < 0 ? undefined : { ino: this.ino, offset: this.offset, line: this.lineNo };
  }

  status(): SourceStatus {
    const error = this.state === "missing" ? "no such file; it is read once it appears" : this.lastError;
    return { kind: "file", name: this.path, state: this.state, linesRead: this.linesRead, lagBytes: Math.max(0, this.size - this.offset), error };
  }

  async poll(sink: LineSink, nowMs: number): Promise<boolean> {
    try {
      const moved = await this.step(sink, nowMs);
      this.lastError = undefined;
      return moved;
    } catch (err) {
      this.state = "error";
      this.lastError = (err as Error).message;
      // What it cannot read must not hold every other source's incidents open.
      this.behind = false;
      return false;
    }
  }

  private async step(sink: LineSink, nowMs: number): Promise<boolean> {
    const st = await stat(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
    if (!this.fh) {
      if (!st) {
        this.state = "missing";
        this.reachedEnd = true;
        this.behind = false;
        return false;
      }
      await this.openAt(st.ino, st.size);
    }
    if (st && st.ino !== this.ino) {
      // Rotated: what the old file still holds belongs before the new file's lines.
      await this.readAvailable(sink, nowMs, Infinity);
      this.flushPartial(sink);
      await this.fh?.close();
      this.fh = undefined;
      await this.openAt(st.ino, st.size);
      this.behind = true;
      return true;
    }
    let moved = false;
    if (st && st.size < this.offset) {
      this.offset = 0;
      this.lineNo = 0;
      this.replayUntil = 0;
      this.cutter.reset();
      moved = true;
    }
    if (st) this.size = st.size;
    moved = (await this.readAvailable(sink, nowMs, MAX_PER_POLL)) || moved;
    if (!st) this.state = "missing";
    return moved;
  }

  private paused(nowMs: number): boolean {
    if (this.pausedUntil === undefined && this.pause && this.offset >= this.pause.afterBytes) {
      this.pausedUntil = nowMs + this.pause.ms;
      this.pause = undefined;
    }
    if (this.pausedUntil === undefined || nowMs >= this.pausedUntil) return false;
    this.behind = true;
    return true;
  }

  private async openAt(ino: number, size: number): Promise<void> {
    this.fh = await open(this.path, "r");
    this.ino = ino;
    this.size = size;
    const saved = this.saved;
    this.saved = undefined;
    this.replayUntil = saved && saved.ino === ino && saved.offset <= size ? saved.offset : 0;
    this.offset = 0;
    this.lineNo = 0;
    this.cutter.reset();
    this.state = this.replayUntil > 0 ? "replaying" : "catching-up";
    if (this.path.endsWith(".gz")) await this.readGzip(size);
  }

  private async readGzip(size: number): Promise<void> {
    if (size > MAX_GZ_BYTES) throw new Error(`${this.path}: compressed file over ${MAX_GZ_BYTES} bytes; decompress it or stream it on stdin`);
    const text = new TextDecoder("utf-8", { fatal: false }).decode(gunzipSync(await this.fh!.readFile()));
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    this.gz = { lines: lines.map((l) => l.replace(/\r$/, "")), at: 0 };
  }

  private async readAvailable(sink: LineSink, nowMs: number, budget: number): Promise<boolean> {
    if (this.gz) return this.readGzLines(sink);
    if (this.paused(nowMs)) return false;
    let moved = false;
    let atEof = false;
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let readPos = this.offset + this.cutter.pending;
    for (let total = 0; total < budget; ) {
      const { bytesRead } = await this.fh!.read(buf, 0, READ_CHUNK, readPos);
      if (bytesRead === 0) {
        atEof = true;
        break;
      }
      readPos += bytesRead;
      total += bytesRead;
      moved = true;
      this.partialSince = undefined;
      for (const l of this.cutter.push(buf.subarray(0, bytesRead))) this.emitLine(sink, l.text, l.bytes);
    }
    if (readPos > this.size) this.size = readPos;
    if (!moved && this.cutter.pending) {
      this.partialSince ??= nowMs;
      if (nowMs - this.partialSince >= PARTIAL_LINE_MS) moved = this.flushPartial(sink);
    }
    if (!moved && this.cutter.pending === 0) this.atEnd();
    // A held partial line counts as more to read: it is completed (or taken whole) later.
    this.behind = !atEof || this.size > readPos || this.cutter.pending > 0;
    return moved;
  }

  private readGzLines(sink: LineSink): boolean {
    const gz = this.gz!;
    if (gz.at >= gz.lines.length) {
      this.atEnd();
      this.state = "done";
      this.behind = false;
      return false;
    }
    const batch = gz.lines.slice(gz.at, gz.at + 50_000);
    gz.at += batch.length;
    this.behind = true;
    // A compressed file has no byte offsets to resume from; its cursor counts lines instead.
    for (const text of batch) this.emitLine(sink, text, 1);
    return true;
  }

  private flushPartial(sink: LineSink): boolean {
    const lines = this.cutter.flush();
    for (const l of lines) this.emitLine(sink, l.text, l.bytes);
    return lines.length > 0;
  }

  /** Offsets advance line by line, so `live` flips exactly at the saved cursor. */
  private emitLine(sink: LineSink, text: string, len: number): void {
    const live = this.offset >= this.replayUntil;
    if (live && this.state === "replaying") this.state = "catching-up";
    this.lineNo++;
    this.offset += len;
    this.linesRead++;
    sink.line(text, this.lineNo, { file: this.path }, live);
  }

  private atEnd(): void {
    this.reachedEnd = true;
    if (this.state !== "missing" && this.state !== "done") this.state = "following";
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }
}
