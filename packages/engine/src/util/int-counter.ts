/**
 * Counts per non-negative integer key (below 2^32) in two typed arrays, open addressing with linear probing: no
 * object per key, so counting a busy window's sources leaves no garbage, and `clear` reuses the memory for the
 * next window.
 */
export class IntCounter {
  private keys: Float64Array;
  private counts: Int32Array;
  private mask: number;
  /** 32 − log2(capacity): slots are the top bits of the multiplicative hash. */
  private shift: number;
  size = 0;

  constructor(capacity = 1024) {
    const cap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.keys = new Float64Array(cap).fill(-1);
    this.counts = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  /** Adds one to `key`; returns its count, 1 when it was not there. */
  bump(key: number): number {
    let i = slot(key, this.shift);
    const keys = this.keys;
    for (;;) {
      const k = keys[i];
      if (k === key) return ++this.counts[i];
      if (k === -1) break;
      i = (i + 1) & this.mask;
    }
    keys[i] = key;
    this.counts[i] = 1;
    if (++this.size * 2 > keys.length) this.grow();
    return 1;
  }

  /** Keys ascending, and their counts in the same order. */
  sorted(): { keys: Float64Array; counts: Int32Array } {
    const keys = new Float64Array(this.size);
    let n = 0;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== -1) keys[n++] = this.keys[i];
    keys.sort();
    const counts = new Int32Array(n);
    for (let j = 0; j < n; j++) counts[j] = this.get(keys[j]);
    return { keys, counts };
  }

  get(key: number): number {
    let i = slot(key, this.shift);
    for (;;) {
      const k = this.keys[i];
      if (k === key) return this.counts[i];
      if (k === -1) return 0;
      i = (i + 1) & this.mask;
    }
  }

  forEach(fn: (key: number, count: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== -1) fn(this.keys[i], this.counts[i]);
  }

  clear(): void {
    if (this.size === 0) return;
    this.keys.fill(-1);
    this.size = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    this.keys = new Float64Array(oldKeys.length * 2).fill(-1);
    this.counts = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    this.shift--;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k === -1) continue;
      let j = slot(k, this.shift);
      while (this.keys[j] !== -1) j = (j + 1) & this.mask;
      this.keys[j] = k;
      this.counts[j] = oldCounts[i];
    }
  }
}

function slot(key: number, shift: number): number {
  // Fibonacci hashing (the top bits of the product): neighbouring addresses and prefixes spread over the table.
  return Math.imul((key >>> 0) ^ ((key / 4294967296) >>> 0), 0x9e3779b1) >>> shift;
}
