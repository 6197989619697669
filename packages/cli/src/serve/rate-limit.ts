/** Token bucket per client: `ratePerSec` sustained, bursts up to twice that. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSec: number,
    private readonly now: () => number,
  ) {}

  take(client: string): boolean {
    const t = this.now();
    const cap = this.ratePerSec * 2;
    let b = this.buckets.get(client);
    if (!b) {
      // Clients that went quiet are full again anyway; forgetting them bounds memory.
      if (this.buckets.size >= 10_000) this.buckets.clear();
      this.buckets.set(client, (b = { tokens: cap, at: t }));
    }
    b.tokens = Math.min(cap, b.tokens + ((t - b.at) / 1000) * this.ratePerSec);
    b.at = t;
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }
}
