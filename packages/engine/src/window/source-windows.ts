import { ipv4Number, sourcePrefix, v4PrefixText } from "../util/source-prefix.js";
import { ownCopy } from "../util/own-copy.js";
import { IntCounter } from "../util/int-counter.js";
import { WindowRing } from "./window-ring.js";

/**
 * Who sent a key's traffic, exactly, at the cost of a few bytes per source: requests per source prefix (/24,
 * /48) and the clients of every window of the baseline, and of a surge. The window in progress counts in maps
 * of numbers (IntCounter: an IPv4 /24 and an address are numbers, no string is hashed and no object made); when
 * it completes it becomes sorted typed arrays (prefixes with their counts, client addresses), 12 bytes a prefix
 * and 8 a client, which the garbage collector never traces. A surge asks the baseline about its own few top prefixes and its clients
 * by binary search. IPv6 and other addresses take the same path in string-keyed maps (rare in most logs).
 */

interface BaselineWindow {
  prefixes: Float64Array;
  counts: Int32Array;
  clients: Float64Array;
  prefixes6: Map<string, number> | undefined;
  clients6: Set<string> | undefined;
}

const EMPTY_WINDOW: BaselineWindow = { prefixes: new Float64Array(0), counts: new Int32Array(0), clients: new Float64Array(0), prefixes6: undefined, clients6: undefined };

/** A prefix of the surge: its requests and distinct clients. */
export interface SurgePrefix {
  value: string;
  requests: number;
}

export class SourceWindows {
  /** Window in progress: requests per IPv4 address (as a number; its /24 is the number / 256). */
  private readonly curClients = new IntCounter();
  private cur6 = new Map<string, { n: number; hosts: Map<string, number> }>();
  private readonly ring: WindowRing<BaselineWindow>;
  /** Set while a surge is open: its prefixes and clients, and how many of them the baseline never saw. */
  private surge: { v4: Map<number, number>; v6: Map<string, number>; clients: Set<number>; clients6: Set<string>; fresh: number } | undefined;
  capped = false;

  constructor(
    windows: number,
    /** Distinct clients a surge counts (its requests are all counted). */
    private readonly maxSurgeClients: number,
  ) {
    this.ring = new WindowRing(windows, EMPTY_WINDOW);
  }

  /** Counts a request of `ip`; returns its requests in this window so far (0 for no usable address). */
  add(ip: string | undefined): number {
    if (ip === undefined) return 0;
    const n = ipv4Number(ip);
    if (n < 0) return this.add6(ip);
    const count = this.curClients.bump(n);
    const s = this.surge;
    if (s) {
      const p = Math.floor(n / 256);
      s.v4.set(p, (s.v4.get(p) ?? 0) + 1);
      if (count === 1) this.surgeClient4(n);
    }
    return count;
  }

  private add6(ip: string): number {
    const prefix = sourcePrefix(ip);
    if (prefix === undefined) return 0;
    let rec = this.cur6.get(prefix);
    if (!rec) this.cur6.set(ownCopy(prefix), (rec = { n: 0, hosts: new Map() }));
    rec.n++;
    const had = rec.hosts.get(ip);
    const count = (had ?? 0) + 1;
    rec.hosts.set(had === undefined ? ownCopy(ip) : ip, count);
    const s = this.surge;
    if (s) {
      s.v6.set(prefix, (s.v6.get(prefix) ?? 0) + 1);
      if (had === undefined) this.surgeClient6(ip);
    }
    return count;
  }

  private surgeClient4(n: number): void {
    this.surgeClient(this.surge!.clients, n, n, (w) => indexOf(w.clients, n) >= 0);
  }

  private surgeClient6(ip: string): void {
    this.surgeClient(this.surge!.clients6, ip, ownCopy(ip), (w) => w.clients6?.has(ip) === true);
  }

  /** A client's first request of the surge: counted, and fresh when no window of the baseline saw it. */
  private surgeClient<K>(set: Set<K>, k: K, kept: K, seenIn: (w: BaselineWindow) => boolean): void {
    const s = this.surge!;
    if (set.has(k)) return;
    if (s.clients.size + s.clients6.size >= this.maxSurgeClients) {
      this.capped = true;
      return;
    }
    set.add(kept);
    if (!this.ring.items.some(seenIn)) s.fresh++;
  }

  /** The window in progress is complete: into the baseline (the oldest leaves), or, during a surge, nowhere. */
  roll(intoBaseline: boolean): void {
    const cur6 = this.cur6;
    this.cur6 = new Map();
    if (intoBaseline) {
      const clients = this.curClients.sorted();
      const { prefixes, counts } = byPrefix(clients.keys, clients.counts);
      const w: BaselineWindow = { prefixes, counts, clients: clients.keys, prefixes6: undefined, clients6: undefined };
      if (cur6.size) {
        w.prefixes6 = new Map([...cur6].map(([p, r]) => [p, r.n]));
        w.clients6 = new Set([...cur6.values()].flatMap((r) => [...r.hosts.keys()]));
      }
      this.ring.push(w);
    }
    this.curClients.clear();
  }

  /** Windows without a request enter the baseline too (bounded by its size). */
  pushEmpty(n: number): void {
    this.ring.pushEmpty(n);
  }

  /** A surge opens in the window in progress: its sources so far are the surge's first. */
  openSurge(): void {
    const s = (this.surge = { v4: new Map<number, number>(), v6: new Map<string, number>(), clients: new Set<number>(), clients6: new Set<string>(), fresh: 0 });
    this.curClients.forEach((c, n) => {
      const p = Math.floor(c / 256);
      s.v4.set(p, (s.v4.get(p) ?? 0) + n);
      this.surgeClient4(c);
    });
    for (const [p, rec] of this.cur6) {
      s.v6.set(p, rec.n);
      for (const ip of rec.hosts.keys()) this.surgeClient6(ip);
    }
  }

  closeSurge(): void {
    this.surge = undefined;
    this.capped = false;
  }

  /** The surge's distinct clients and how many the baseline never saw. */
  surgeClients(): { during: number; fresh: number } {
    const s = this.surge;
    return s ? { during: s.clients.size + s.clients6.size, fresh: s.fresh } : { during: 0, fresh: 0 };
  }

  /** The surge's `limit` busiest prefixes, with their requests in the baseline. */
  topSurgePrefixes(limit: number): Array<{ value: string; requests: number; baseline: number }> {
    const s = this.surge;
    if (!s) return [];
    const rows: Array<{ value: string; requests: number; key: number | string }> = [
      ...[...s.v4].map(([k, n]) => ({ value: v4PrefixText(k), requests: n, key: k })),
      ...[...s.v6].map(([k, n]) => ({ value: k, requests: n, key: k })),
    ];
    rows.sort((a, b) => b.requests - a.requests || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return rows.slice(0, limit).map((r) => ({ value: r.value, requests: r.requests, baseline: this.baselineRequests(r.key) }));
  }

  private baselineRequests(key: number | string): number {
    let sum = 0;
    for (const w of this.ring.items) {
      if (typeof key === "string") sum += w.prefixes6?.get(key) ?? 0;
      else {
        const i = indexOf(w.prefixes, key);
        if (i >= 0) sum += w.counts[i];
      }
    }
    return sum;
  }
}

/** Requests per /24 from requests per address, both ascending: an address's /24 is its number / 256. */
function byPrefix(clients: Float64Array, counts: Int32Array): { prefixes: Float64Array; counts: Int32Array } {
  const prefixes: number[] = [];
  const sums: number[] = [];
  for (let i = 0; i < clients.length; i++) {
    const p = Math.floor(clients[i] / 256);
    if (prefixes.length && prefixes[prefixes.length - 1] === p) sums[sums.length - 1] += counts[i];
    else {
      prefixes.push(p);
      sums.push(counts[i]);
    }
  }
  return { prefixes: Float64Array.from(prefixes), counts: Int32Array.from(sums) };
}

/** Position of `x` in an ascending array, or -1. */
function indexOf(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid];
    if (v === x) return mid;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
