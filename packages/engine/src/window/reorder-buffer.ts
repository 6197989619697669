/** What the buffer orders by: event time, then the line's content, then its position. */
export interface Ordered {
  ts: number;
  /** sameTimeRank(raw): orders most same-time pairs by one number comparison. */
  rank: number;
  /** The log line as read ("" for events pushed already parsed). */
  raw: string;
  file: string | undefined;
  line: number;
}

const RANK_CHARS = 6;

/**
 * The first characters of a line as one number, ordered as the strings are: each code unit clamped to 255,
 * and nothing counted after the first clamped one, so a tie here only means "compare the strings".
 */
export function sameTimeRank(raw: string): number {
  let rank = 0;
  let clamped = false;
  for (let i = 0; i < RANK_CHARS; i++) {
    let c = clamped || i >= raw.length ? 0 : raw.charCodeAt(i);
    if (c >= 255) (c = 255), (clamped = true);
    rank = rank * 256 + c;
  }
  return rank;
}

/**
 * Order of release among items with the same timestamp: the line's content first, so the same lines in any
 * arrival order (even renumbered, as when a log is re-sorted or merged) release alike; then input position,
 * which separates identical lines.
 */
export function compareSameTime(a: Ordered, b: Ordered): number {
  // -1/1 rather than a difference: ranks exceed small integers, and a difference would be a boxed number.
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  if (a.raw !== b.raw) return a.raw < b.raw ? -1 : 1;
  const fa = a.file ?? "";
  const fb = b.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  return a.line - b.line;
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
 * Sorts items of one timestamp by compareSameTime. Ranks order nearly all pairs, so the typed-array sort
 * does the work and only runs of equal rank (lines sharing their first characters, such as one client's
 * requests) are compared as strings, by insertion into place.
 */
export function sortSameTime<T extends Ordered>(items: T[]): void {
  const n = items.length;
  if (n > MAX_NATIVE) {
    items.sort(compareSameTime);
    return;
  }
  if (keys.length < n) {
    let size = keys.length;
    while (size < n) size *= 2;
    keys = new BigUint64Array(size);
    halves = new Uint32Array(keys.buffer);
  }
  for (let i = 0; i < n; i++) {
    const rank = items[i].rank;
    const hi = Math.floor(rank / MAX_NATIVE);
    halves[2 * i + HI] = hi;
    halves[2 * i + LO] = (((rank - hi * MAX_NATIVE) << INDEX_BITS) | i) >>> 0;
  }
  keys.subarray(0, n).sort();
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = items[halves[2 * i + LO] & (MAX_NATIVE - 1)];
    let j = i;
    // Equal rank is equal high bits in both halves; the index bits below them differ.
    if (i > 0 && halves[2 * i + HI] === halves[2 * i - 2 + HI] && halves[2 * i + LO] >>> INDEX_BITS === halves[2 * i - 2 + LO] >>> INDEX_BITS) {
      while (j > 0 && out[j - 1].rank === x.rank && compareSameTime(out[j - 1], x) > 0) {
        out[j] = out[j - 1];
        j--;
      }
    }
    out[j] = x;
  }
  for (let i = 0; i < n; i++) items[i] = out[i];
}

/**
 * Holds events until the watermark (max event time seen − allowed lateness) passes them, then releases
 * them in a total order: event time, then content (compareSameTime). An event older than the watermark on
 * arrival is late: counted, not evaluated.
 *
 * Events are bucketed by timestamp: logs with second resolution put hundreds of events on one timestamp, and
 * sorting each bucket once on release is far cheaper than keeping one sorted array under insertion.
 */
export class ReorderBuffer<T extends Ordered> {
  private readonly buckets = new Map<number, T[]>();
  /** Distinct pending timestamps, ascending. */
  private times: number[] = [];
  private head = 0;
  private count = 0;
  private maxTs = -Infinity;
  private mark = -Infinity;
  late = 0;

  constructor(private readonly latenessMs: number) {}

  get watermark(): number {
    return this.mark;
  }

  get pending(): number {
    return this.count;
  }

  /** Returns false when the event was late and dropped. */
  push(item: T): boolean {
    const ts = item.ts;
    if (ts < this.mark) {
      this.late++;
      return false;
    }
    const bucket = this.buckets.get(ts);
    if (bucket) bucket.push(item);
    else {
      this.buckets.set(ts, [item]);
      this.insertTime(ts);
    }
    this.count++;
    this.witness(ts);
    return true;
  }

  /** Event time seen without an item to hold (a dated line that failed to parse): it moves the watermark alike. */
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
   * Releases events strictly older than the watermark: an event at exactly the watermark may still be
   * joined by a not-late peer with the same timestamp, so it must wait.
   */
  release(sink: (item: T) => void): void {
    this.releaseWhile((ts) => ts < this.mark, sink);
  }

  /** Releases everything: end of input. */
  drain(sink: (item: T) => void): void {
    this.releaseWhile(() => true, sink);
  }

  private releaseWhile(ok: (ts: number) => boolean, sink: (item: T) => void): void {
    const times = this.times;
    while (this.head < times.length && ok(times[this.head])) {
      const ts = times[this.head++];
      const bucket = this.buckets.get(ts)!;
      this.buckets.delete(ts);
      this.count -= bucket.length;
      if (bucket.length > 1) sortSameTime(bucket);
      for (const item of bucket) sink(item);
    }
    if (this.head > 1024 && this.head * 2 > times.length) {
      this.times = times.slice(this.head);
      this.head = 0;
    }
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
