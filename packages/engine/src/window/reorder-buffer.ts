import { grown } from "../util/grown.js";

const RANK_CHARS = 6;

/**
 * The first characters of text[start, end) as one number, ordered as the strings are: each code unit clamped
 * to 255, and nothing counted after the first clamped one, so a tie here only means "compare the strings".
 */
export function sameTimeRank(text: string, start = 0, end = text.length): number {
  let rank = 0;
  let clamped = false;
  for (let i = start; i < start + RANK_CHARS; i++) {
    let c = clamped || i >= end ? 0 : text.charCodeAt(i);
    if (c >= 255) (c = 255), (clamped = true);
    rank = rank * 256 + c;
  }
  return rank;
}

// Sort keys for one bucket: rank (48 bits) over the item's index (16 bits), sorted by the typed array's native
// sort instead of a comparator call per comparison. The 32-bit view writes both halves without BigInt values.
const INDEX_BITS = 16;
const MAX_NATIVE = 1 << INDEX_BITS;
let keys = new BigUint64Array(1024);
let halves = new Uint32Array(keys.buffer);
const LO = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/**
 * Holds lines until the watermark (max event time seen − allowed lateness) passes them, then releases them in
 * a total order: event time, then content, then position (see compare). A line older than the watermark on
 * arrival is late: counted, not held.
 *
 * What waits is kept in columns indexed by a slot number, and a line as the text it was cut from with its
 * bounds: holding a line creates no object, so the young-generation collections that run while lines wait out
 * the lateness have nothing of theirs to copy and promote. Callers keep their own per-line data in columns
 * under the slot push() returns.
 *
 * Lines are bucketed by timestamp: logs with second resolution put hundreds of lines on one timestamp, and
 * sorting each bucket once on release is far cheaper than keeping one sorted order under insertion.
 */
export class ReorderBuffer {
  private readonly buckets = new Map<number, number[]>();
  /** Distinct pending timestamps, ascending. */
  private times: number[] = [];
  private head = 0;
  private count = 0;
  private maxTs = -Infinity;
  private mark = -Infinity;
  late = 0;

  private rank = new Float64Array(256);
  private start = new Int32Array(256);
  private end = new Int32Array(256);
  private line = new Float64Array(256);
  private readonly text: Array<string | undefined> = [];
  private readonly file: Array<string | undefined> = [];
  private readonly free: number[] = [];
  private slots = 0;

  constructor(private readonly latenessMs: number) {}

  get watermark(): number {
    return this.mark;
  }

  get pending(): number {
    return this.count;
  }

  /**
   * Holds the line text[start, end) (the line as read, which orders lines with the same time; "" for events
   * pushed already parsed). Returns its slot, or -1 when the line was late and dropped.
   */
  push(ts: number, text: string, start: number, end: number, file: string | undefined, line: number): number {
    if (ts < this.mark) {
      this.late++;
      return -1;
    }
    const slot = this.free.length ? this.free.pop()! : this.newSlot();
    this.rank[slot] = sameTimeRank(text, start, end);
    this.start[slot] = start;
    this.end[slot] = end;
    this.line[slot] = line;
    this.text[slot] = text;
    this.file[slot] = file;
    const bucket = this.buckets.get(ts);
    if (bucket) bucket.push(slot);
    else {
      this.buckets.set(ts, [slot]);
      this.insertTime(ts);
    }
    this.count++;
    this.witness(ts);
    return slot;
  }

  /** The line number a slot was pushed with. */
  lineOf(slot: number): number {
    return this.line[slot];
  }

  /** The held line of a slot, during release. */
  raw(slot: number): string {
    const text = this.text[slot]!;
    const start = this.start[slot];
    const end = this.end[slot];
    return start === 0 && end === text.length ? text : text.slice(start, end);
  }

  /** Event time seen without a line to hold (a dated line that failed to parse): it moves the watermark alike. */
  witness(ts: number): void {
    if (ts > this.maxTs) {
      this.maxTs = ts;
      this.raise(ts - this.latenessMs);
    }
  }

  /** Moves the watermark forward (never back), e.g. from a caller's clock when input is idle. */
  raise(watermark: number): void {
    if (watermark > this.mark) this.mark = watermark;
  }

  /**
   * Releases lines strictly older than the watermark: a line at exactly the watermark may still be joined by
   * a not-late peer with the same timestamp, so it must wait. The slot is reused once `sink` returns.
   */
  release(sink: (slot: number, ts: number) => void): void {
    this.releaseWhile((ts) => ts < this.mark, sink);
  }

  /** Releases everything: end of input. */
  drain(sink: (slot: number, ts: number) => void): void {
    this.releaseWhile(() => true, sink);
  }

  /**
   * Order of release among lines with the same timestamp: content first, so the same lines in any arrival
   * order (even renumbered, as when a log is re-sorted or merged) release alike; then input position, which
   * separates identical lines.
   */
  private compare(a: number, b: number): number {
    // -1/1 rather than a difference: ranks exceed small integers, and a difference would be a boxed number.
    if (this.rank[a] !== this.rank[b]) return this.rank[a] < this.rank[b] ? -1 : 1;
    const byText = this.compareText(a, b);
    if (byText !== 0) return byText;
    const fa = this.file[a] ?? "";
    const fb = this.file[b] ?? "";
    if (fa !== fb) return fa < fb ? -1 : 1;
    return this.line[a] - this.line[b];
  }

  /**
   * The two held lines in string order, read where they lie: ties are one client's requests in one second, which
   * share a long head, and cutting both out per comparison was most of what sorting a bucket allocated.
   */
  private compareText(a: number, b: number): number {
    const ta = this.text[a]!;
    const tb = this.text[b]!;
    const sa = this.start[a];
    const sb = this.start[b];
    const la = this.end[a] - sa;
    const lb = this.end[b] - sb;
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const d = ta.charCodeAt(sa + i) - tb.charCodeAt(sb + i);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return la === lb ? 0 : la < lb ? -1 : 1;
  }

  /**
   * Sorts one bucket's slots by compare. Ranks order nearly all pairs, so the typed-array sort does the work
   * and only runs of equal rank (lines sharing their first characters, such as one client's requests) are
   * compared as strings, by insertion into place.
   */
  private sortBucket(slots: number[]): void {
    const n = slots.length;
    if (n > MAX_NATIVE) {
      slots.sort((a, b) => this.compare(a, b));
      return;
    }
    if (keys.length < n) {
      let size = keys.length;
      while (size < n) size *= 2;
      keys = new BigUint64Array(size);
      halves = new Uint32Array(keys.buffer);
    }
    for (let i = 0; i < n; i++) {
      const rank = this.rank[slots[i]];
      const hi = Math.floor(rank / MAX_NATIVE);
      halves[2 * i + HI] = hi;
      halves[2 * i + LO] = (((rank - hi * MAX_NATIVE) << INDEX_BITS) | i) >>> 0;
    }
    keys.subarray(0, n).sort();
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = slots[halves[2 * i + LO] & (MAX_NATIVE - 1)];
      let j = i;
      // Equal rank is equal high bits in both halves; the index bits below them differ.
      if (i > 0 && halves[2 * i + HI] === halves[2 * i - 2 + HI] && halves[2 * i + LO] >>> INDEX_BITS === halves[2 * i - 2 + LO] >>> INDEX_BITS) {
        while (j > 0 && this.rank[out[j - 1]] === this.rank[x] && this.compare(out[j - 1], x) > 0) {
          out[j] = out[j - 1];
          j--;
        }
      }
      out[j] = x;
    }
    for (let i = 0; i < n; i++) slots[i] = out[i];
  }

  private releaseWhile(ok: (ts: number) => boolean, sink: (slot: number, ts: number) => void): void {
    const times = this.times;
    while (this.head < times.length && ok(times[this.head])) {
      const ts = times[this.head++];
      const bucket = this.buckets.get(ts)!;
      this.buckets.delete(ts);
      this.count -= bucket.length;
      if (bucket.length > 1) this.sortBucket(bucket);
      for (const slot of bucket) {
        sink(slot, ts);
        // The text is a whole chunk of input: a slot must not keep it alive once released.
        this.text[slot] = undefined;
        this.file[slot] = undefined;
        this.free.push(slot);
      }
    }
    if (this.head > 1024 && this.head * 2 > times.length) {
      this.times = times.slice(this.head);
      this.head = 0;
    }
  }

  private newSlot(): number {
    const slot = this.slots++;
    if (slot === this.rank.length) {
      this.rank = grown(this.rank);
      this.start = grown(this.start);
      this.end = grown(this.end);
      this.line = grown(this.line);
    }
    return slot;
  }

  private insertTime(ts: number): void {
    const times = this.times;
    if (this.head === times.length || times[times.length - 1] < ts) {
      times.push(ts);
      return;
    }
    let lo = this.head;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    times.splice(lo, 0, ts);
  }
}
