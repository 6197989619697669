/**
 * A key's trailing baseline: the figures of each of its last `size` windows outside any surge (the request count
 * the verdict reads, and the few counts the evidence compares a surge with), summed as windows enter and leave.
 * O(windows) per key. Windows before the key's first request are unknown, not zero: the median is over the
 * windows observed, and a baseline that went quiet for all of them starts again empty, as a new key would.
 */

/** What one window (or a surge, or the whole baseline) counted besides its values. */
export interface WindowFigures {
  requests: number;
  /** Requests counted into the value tables (sources, user agents, paths): see VALUE_STRIDE. */
  valued: number;
  staticAssets: number;
  browser: number;
  fiveXx: number;
  tooMany: number;
  unavailable: number;
  /** Requests whose referer names another host, and requests whose host was known (so that could be told). */
  externalReferer: number;
  refererJudged: number;
  requestTimeSum: number;
  requestTimes: number;
  /** The most requests one client sent in one window. */
  maxClientRequests: number;
}

export function emptyFigures(): WindowFigures {
  return { requests: 0, valued: 0, staticAssets: 0, browser: 0, fiveXx: 0, tooMany: 0, unavailable: 0, externalReferer: 0, refererJudged: 0, requestTimeSum: 0, requestTimes: 0, maxClientRequests: 0 };
}

const SUMMED = ["requests", "valued", "staticAssets", "browser", "fiveXx", "tooMany", "unavailable", "externalReferer", "refererJudged", "requestTimeSum", "requestTimes"] as const;

/** Adds `b` into `a` (the most requests per client is a maximum, not a sum). */
export function addFigures(a: WindowFigures, b: WindowFigures, sign = 1): void {
  for (const k of SUMMED) a[k] += sign * b[k];
  if (sign > 0 && b.maxClientRequests > a.maxClientRequests) a.maxClientRequests = b.maxClientRequests;
}

export class RateBaseline {
  private readonly windows: WindowFigures[] = [];
  /** Windows whose count is not zero. */
  private traffic = 0;
  readonly sum = emptyFigures();

  constructor(private readonly size: number) {}

  /** A completed window (undefined: one without a request). */
  push(f: WindowFigures | undefined): void {
    const w = f ?? EMPTY;
    this.windows.push(w);
    addFigures(this.sum, w);
    if (w.requests) this.traffic++;
    if (this.windows.length > this.size) {
      const old = this.windows.shift()!;
      addFigures(this.sum, old, -1);
      if (old.requests) this.traffic--;
    }
    if (this.traffic === 0) {
      this.windows.length = 0;
      Object.assign(this.sum, emptyFigures());
    }
  }

  /** `n` windows without a request (bounded by the size: more leave nothing but zeros). */
  pushEmpty(n: number): void {
    for (let i = 0; i < Math.min(n, this.size) && this.windows.length; i++) this.push(undefined);
  }

  get length(): number {
    return this.windows.length;
  }

  get windowsWithTraffic(): number {
    return this.traffic;
  }

  /** The most requests one client sent in one of the baseline's windows. */
  maxClientRequests(): number {
    let m = 0;
    for (const w of this.windows) if (w.maxClientRequests > m) m = w.maxClientRequests;
    return m;
  }

  /** The median window count (the mean of the two middle ones for an even number of windows). */
  median(): number {
    if (!this.windows.length) return 0;
    const sorted = this.windows.map((w) => w.requests).sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** Request counts, oldest first. */
  counts(): number[] {
    return this.windows.map((w) => w.requests);
  }
}

const EMPTY: WindowFigures = Object.freeze(emptyFigures());
