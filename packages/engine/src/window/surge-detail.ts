import type { ObservedEvent } from "../event/observed-event.js";
import { ownCopy } from "../util/own-copy.js";

/**
 * The counts only a surge reports (statuses, methods, upstreams, the hosts of external referers): kept for the
 * window in progress, which a surge may open in, and then for the surge; never for the baseline.
 */
export class SurgeDetail {
  readonly statuses = new Map<number, number>();
  readonly methods = new Map<string, number>();
  readonly upstreams = new Map<string, { n: number; fiveXx: number }>();
  readonly referers = new Map<string, number>();

  constructor(private readonly cap: number) {}

  add(ev: ObservedEvent, externalReferer: string | undefined, withUpstreams: boolean): void {
    const e = ev.e;
    this.statuses.set(e.status, (this.statuses.get(e.status) ?? 0) + 1);
    bump(this.methods, e.method ?? "-", 64);
    if (externalReferer !== undefined) bump(this.referers, externalReferer, this.cap);
    const up = withUpstreams ? e.upstream?.name : undefined;
    if (up === undefined) return;
    let u = this.upstreams.get(up);
    if (!u) {
      if (this.upstreams.size >= this.cap) return;
      this.upstreams.set(ownCopy(up), (u = { n: 0, fiveXx: 0 }));
    }
    u.n++;
    if (e.status >= 500) u.fiveXx++;
  }
}

function bump(m: Map<string, number>, k: string, cap: number): void {
  const v = m.get(k);
  if (v !== undefined) m.set(k, v + 1);
  else if (m.size < cap) m.set(ownCopy(k), 1);
}
