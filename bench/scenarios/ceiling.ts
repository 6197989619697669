import { parseTimeLocal } from "../../packages/engine/src/parse/time.js";
import { ownCopy } from "../../packages/engine/src/util/own-copy.js";

/**
 * The least per-line work of any windowed detector over this traffic, as a bound on the speed an engine could
 * reach in a runtime on this machine: find the fields the default packs key and count on (client IP, time,
 * path, status, user agent, upstream name) in an ingress-nginx upstreaminfo line and count, per client, its
 * requests, 4xx and last time, and per upstream its requests and 5xx.
 *
 * Built to be generous to that bound, not to be a parser: no field is validated or decoded, a key is hashed from the
 * line's characters into an open-addressed table and cut out only the first time it is seen, and there are no
 * windows, no signatures, no ordering. A line it cannot place is only counted as skipped. Whatever a real engine does beyond this
 * (checking the line, decoding escapes, matching signatures, exact windows for every rule) comes on top.
 */
export class CeilingCounter {
  readonly clients = new KeyTable(1 << 17);
  readonly upstreams = new KeyTable(1 << 10);
  /** Per client slot: requests, 4xx, last event time. */
  readonly requests = new Int32Array(1 << 17);
  readonly clientErrors = new Int32Array(1 << 17);
  readonly lastSeen = new Float64Array(1 << 17);
  /** Per upstream slot: requests and 5xx. */
  readonly upstreamRequests = new Int32Array(1 << 10);
  readonly upstream5xx = new Int32Array(1 << 10);
  skipped = 0;

  /** One line, text[start, end). */
  line(text: string, start: number, end: number): void {
    const sp = text.indexOf(" ", start);
    const tl = sp < 0 ? -1 : text.indexOf(" [", sp);
    if (tl < 0 || tl + 31 >= end) return void this.skipped++;
    const ts = parseTimeLocal(text, tl + 2, tl + 28);
    const reqStart = tl + 31;
    const reqEnd = text.indexOf('"', reqStart);
    const pathStart = text.indexOf(" ", reqStart) + 1;
    const pathEnd = text.lastIndexOf(" ", reqEnd);
    if (reqEnd < 0 || pathStart <= 0 || pathEnd < pathStart) return void this.skipped++;
    const status = (text.charCodeAt(reqEnd + 2) - 48) * 100 + (text.charCodeAt(reqEnd + 3) - 48) * 10 + (text.charCodeAt(reqEnd + 4) - 48);
    const refStart = text.indexOf('"', reqEnd + 6);
    const uaStart = refStart < 0 ? -1 : text.indexOf('"', text.indexOf('"', refStart + 1) + 1);
    const uaEnd = uaStart < 0 ? -1 : text.indexOf('"', uaStart + 1);
    const nameStart = uaEnd < 0 ? -1 : text.indexOf("[", uaEnd);
    const nameEnd = nameStart < 0 ? -1 : text.indexOf("]", nameStart);
    if (nameEnd < 0 || nameEnd > end) return void this.skipped++;

    const c = this.clients.slot(text, start, sp);
    this.requests[c]++;
    if (status >= 400 && status < 500) this.clientErrors[c]++;
    this.lastSeen[c] = ts;
    const u = this.upstreams.slot(text, nameStart + 1, nameEnd);
    this.upstreamRequests[u]++;
    if (status >= 500) this.upstream5xx[u]++;
  }
}

/**
 * An open-addressed table of keys found by an FNV-1a hash of text[from, to): a key is cut out of its line once,
 * when first seen, so a lookup allocates nothing.
 */
export class KeyTable {
  readonly keys: Array<string | undefined>;
  private readonly hashes: Int32Array;
  private readonly mask: number;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.hashes = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  slot(text: string, from: number, to: number): number {
    const h = fnv1a(text, from, to);
    const len = to - from;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const k = this.keys[s];
      if (k === undefined) {
        // At most half full, so probes stay short; the scenario's inputs stay far below that.
        if (this.size >= (this.mask + 1) >> 1) throw new Error(`KeyTable full (${this.size} keys)`);
        this.keys[s] = ownCopy(text.slice(from, to));
        this.hashes[s] = h;
        this.size++;
        return s;
      }
      if (this.hashes[s] === h && k.length === len && text.startsWith(k, from)) return s;
    }
  }
}

export function fnv1a(text: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h;
}
