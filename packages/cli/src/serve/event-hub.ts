import type { IncidentEvent } from "./aggregator.js";

/** Fans incident changes out to SSE clients; bounded so idle connections cannot pile up without limit. */
export class EventHub {
  private readonly subs = new Set<(e: IncidentEvent) => void>();
  private seq = 0;

  constructor(readonly maxClients = 64) {}

  get clients(): number {
    return this.subs.size;
  }

  /** Undefined when the client limit is reached. */
  subscribe(fn: (e: IncidentEvent, seq: number) => void): (() => void) | undefined {
    if (this.subs.size >= this.maxClients) return undefined;
    const wrapped = (e: IncidentEvent) => fn(e, this.seq);
    this.subs.add(wrapped);
    return () => this.subs.delete(wrapped);
  }

  publish(e: IncidentEvent): void {
    this.seq++;
    for (const fn of this.subs) fn(e);
  }
}
