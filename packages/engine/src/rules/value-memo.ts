/**
 * A bounded memo keyed by strings that are fresh on every lookup (each event's user agent is a new slice of
 * its line). A Map would hash the whole string each time; this one buckets by length and eight sampled
 * characters, and confirms with one string comparison, which is a native compare of equal-length text.
 */
export class ValueMemo<V> {
  private readonly buckets = new Map<number, Array<{ key: string; value: V }>>();
  private count = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const bucket = this.buckets.get(sample(key));
    if (bucket) for (const e of bucket) if (e.key === key) return e.value;
    return undefined;
  }

  /** `key` must be a string of its own (see ownCopy): the memo outlives the line it came from. */
  set(key: string, value: V): void {
    if (this.count >= this.limit) {
      this.buckets.clear();
      this.count = 0;
    }
    const h = sample(key);
    const bucket = this.buckets.get(h);
    if (bucket) bucket.push({ key, value });
    else this.buckets.set(h, [{ key, value }]);
    this.count++;
  }
}

function sample(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  const m = n >> 1;
  let h = n;
  h = (h * 31 + s.charCodeAt(0)) | 0;
  h = (h * 31 + s.charCodeAt(n - 1)) | 0;
  h = (h * 31 + s.charCodeAt(m)) | 0;
  h = (h * 31 + s.charCodeAt(n >> 2)) | 0;
  h = (h * 31 + s.charCodeAt(m + (n >> 2))) | 0;
  h = (h * 31 + s.charCodeAt(n - 2 < 0 ? 0 : n - 2)) | 0;
  h = (h * 31 + s.charCodeAt(n > 8 ? 8 : 0)) | 0;
  h = (h * 31 + s.charCodeAt(n > 16 ? n - 9 : 0)) | 0;
  return h;
}
