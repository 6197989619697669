import { IntCounter } from "../util/int-counter.js";
import { ownCopy } from "../util/own-copy.js";
import { WindowRing } from "./window-ring.js";

/**
 * Requests per value of one field (a path, a user agent) of one key, per window of its baseline and during a
 * surge, counted by a 52-bit hash of the value: no string is kept or hashed by a Map per request, and a window
 * becomes two sorted typed arrays (16 bytes a value) that the garbage collector never traces. Two values share
 * a hash with a probability under 10⁻⁶ in a window of 50,000 distinct values; their counts would then merge, which
 * raises a baseline share (towards "organic", never towards an attack). Names are kept only where they are shown:
 * for the window in progress once it may become a surge (`naming`), and during a surge.
 */

interface Window {
  keys: Float64Array;
  counts: Int32Array;
}

const EMPTY: Window = { keys: new Float64Array(0), counts: new Int32Array(0) };

/** A value of the surge: its name (if seen while names were kept), requests, and distinct query strings. */
export interface SurgeValue {
  value: string | undefined;
  n: number;
  queries?: Set<string>;
}

export class HashedValues {
  private readonly cur = new IntCounter();
  private readonly ring: WindowRing<Window>;
  /** Names (and query strings) of the window in progress while naming, by hash. */
  private names = new Map<number, SurgeValue>();
  /** Set while a surge is open. */
  surge: Map<number, SurgeValue> | undefined;
  private queries = 0;
  capped = false;

  constructor(
    windows: number,
    private readonly maxNames: number,
    private readonly maxQueries: number,
  ) {
    this.ring = new WindowRing(windows, EMPTY);
  }

  /**
   * Counts `value` (hashed as `h`, see valueHash). During a surge, and with `naming` (the window in progress may
   * become one), its name and its query string (`query`, tracking parameters left out) are kept too.
   */
  add(h: number, value: string, naming: boolean, query?: string): void {
    this.cur.bump(h);
    const s = this.surge;
    if (!s && !naming) return;
    const m = s ?? this.names;
    let v = m.get(h);
    if (!v) {
      if (m.size >= this.maxNames) {
        this.capped = true;
        return;
      }
      // In the window in progress the count is the counter's; the entry only names it.
      m.set(h, (v = { value: ownCopy(value), n: 0 }));
    } else if (v.value === undefined) v.value = ownCopy(value);
    if (s) v.n++;
    if (query) this.addQuery(v, query);
  }

  private addQuery(v: SurgeValue, q: string): void {
    const set = (v.queries ??= new Set());
    if (set.has(q)) return;
    if (this.queries >= this.maxQueries) {
      this.capped = true;
      return;
    }
    set.add(ownCopy(q));
    this.queries++;
  }

  roll(intoBaseline: boolean): void {
    if (intoBaseline) this.ring.push(this.cur.sorted());
    this.cur.clear();
    if (this.names.size) this.names = new Map();
    if (!this.surge) this.queries = 0;
  }

  pushEmpty(n: number): void {
    this.ring.pushEmpty(n);
  }

  /** The window in progress becomes the surge's first: its counts, and the names it kept. */
  openSurge(): void {
    const s = (this.surge = new Map());
    this.cur.forEach((h, n) => {
      const named = this.names.get(h);
      s.set(h, named ? { ...named, n } : { value: undefined, n });
    });
  }

  closeSurge(): void {
    this.surge = undefined;
    this.capped = false;
    this.queries = 0;
  }

  /** The surge's `limit` values with the most requests (ties by name), with their baseline requests. */
  top(limit: number): Array<SurgeValue & { baseline: number }> {
    if (!this.surge) return [];
    return [...this.surge]
      .sort((x, y) => y[1].n - x[1].n || cmp(x[1].value, y[1].value) || x[0] - y[0])
      .slice(0, limit)
      .map(([h, v]) => ({ ...v, baseline: this.baseline(h) }));
  }

  /** The surge value with the most distinct query strings. */
  mostQueried(): SurgeValue | undefined {
    let best: SurgeValue | undefined;
    for (const v of this.surge?.values() ?? []) {
      const q = v.queries?.size ?? 0;
      if (q > 0 && (!best || q > best.queries!.size || (q === best.queries!.size && cmp(v.value, best.value) < 0))) best = v;
    }
    return best;
  }

  /** Requests of the value hashed `h` over the baseline's windows. */
  baseline(h: number): number {
    let sum = 0;
    for (const w of this.ring.items) {
      let lo = 0;
      let hi = w.keys.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const k = w.keys[mid];
        if (k === h) {
          sum += w.counts[mid];
          break;
        }
        if (k < h) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return sum;
  }
}

function cmp(a: string | undefined, b: string | undefined): number {
  return a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1;
}

/**
 * A 52-bit hash of a string (two 32-bit FNV-1a variants, 32 + 20 bits), exact in a double: what HashedValues
 * counts paths by.
 */
export function valueHash(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 1048576 + ((b >>> 12) & 0xfffff);
}

/**
 * A 52-bit hash for a field with few distinct values and long ones (user agents): one FNV-1a pass (32 bits) and
 * the length (20 bits). Two of 1,000 distinct values share it with a probability near 10⁻⁴, and only at equal length.
 */
export function shortHash(s: string): number {
  let a = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
  return (a >>> 0) * 1048576 + (s.length & 0xfffff);
}
