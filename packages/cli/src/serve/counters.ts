import type { HTTPEvent } from "@edgeproof/engine";

export type SeriesDim = "host" | "upstream";
export interface Counts {
  requests: number;
  c4xx: number;
  c5xx: number;
}

/** Counts are kept per minute of event time; /api/timeseries sums buckets up to the asked step. */
export const BUCKET_MS = 60_000;

/**
 * Per-minute request / 4xx / 5xx counts per host and per upstream, accumulated between commits.
 * The pipeline evaluates rules but exposes no per-event totals, so the server counts the events it feeds it.
 */
export class SeriesCounter {
  private pending = new Map<string, { dim: SeriesDim; name: string; bucket: number; c: Counts }>();

  add(e: HTTPEvent): void {
    const bucket = Math.floor(e.ts / BUCKET_MS) * BUCKET_MS;
    if (e.host !== undefined) this.bump("host", e.host, bucket, e.status);
    if (e.upstream?.name !== undefined) this.bump("upstream", e.upstream.name, bucket, e.status);
  }

  /** Hands over what was counted since the last call. */
  take(): Array<{ dim: SeriesDim; name: string; bucket: number; c: Counts }> {
    const out = [...this.pending.values()];
    this.pending = new Map();
    return out;
  }

  private bump(dim: SeriesDim, name: string, bucket: number, status: number): void {
    const k = `${dim}\u0000${name}\u0000${bucket}`;
    let slot = this.pending.get(k);
    if (!slot) this.pending.set(k, (slot = { dim, name, bucket, c: { requests: 0, c4xx: 0, c5xx: 0 } }));
    slot.c.requests++;
    if (status >= 400 && status < 500) slot.c.c4xx++;
    else if (status >= 500) slot.c.c5xx++;
  }
}
