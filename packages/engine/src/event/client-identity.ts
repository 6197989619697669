import { CidrSet, NON_PUBLIC, isIp, parseCidr, type Cidr } from "../util/cidr.js";
import type { HTTPEvent } from "./http-event.js";

/**
 * Who the client is. `remote` keys requests by the address that connected (`$remote_addr`); `forwarded`
 * takes it from the forwarded headers a trusted proxy added, the way nginx's realip module does with
 * `set_real_ip_from <trustedProxies>; real_ip_recursive on;`.
 */
export interface ClientIpOptions {
  from: "remote" | "forwarded";
  trustedProxies: readonly string[];
}

/** The ranges, or the first entry that is not an address or CIDR range. */
export function parseTrustedProxies(list: readonly string[]): Cidr[] | { invalid: string } {
  const out: Cidr[] = [];
  for (const text of list) {
    const c = parseCidr(text);
    if (!c) return { invalid: text };
    out.push(c);
  }
  return out;
}

/** `203.0.113.7:4711` → `203.0.113.7`, `[2001:db8::1]:443` → `2001:db8::1`, a bare address unchanged. */
function stripPort(a: string): string {
  if (a.charCodeAt(0) === 91) {
    const e = a.indexOf("]");
    return e > 0 ? a.slice(1, e) : a;
  }
  const c = a.indexOf(":");
  return c > 0 && a.indexOf(":", c + 1) < 0 ? a.slice(0, c) : a;
}

/** The `for=` addresses of a `Forwarded` header (RFC 7239), left to right. */
function forwardedFor(header: string): string[] {
  const out: string[] = [];
  for (const element of header.split(",")) {
    for (const pair of element.split(";")) {
      const eq = pair.indexOf("=");
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== "for") continue;
      let v = pair.slice(eq + 1).trim();
      if (v.charCodeAt(0) === 34) v = v.slice(1, v.endsWith('"') ? -1 : undefined);
      out.push(v);
    }
  }
  return out;
}

/** The header the client address is read from, and its addresses left to right (client first). */
export function forwardedChain(e: HTTPEvent): { header: string; addrs: string[] } | undefined {
  if (e.forwardedFor !== undefined) return { header: "X-Forwarded-For", addrs: e.forwardedFor.split(",") };
  const h = e.clientHeaders;
  if (!h) return undefined;
  if (h.forwarded !== undefined) return { header: "Forwarded", addrs: forwardedFor(h.forwarded) };
  if (h.xRealIp !== undefined) return { header: "X-Real-IP", addrs: [h.xRealIp] };
  if (h.cfConnectingIp !== undefined) return { header: "CF-Connecting-IP", addrs: [h.cfConnectingIp] };
  if (h.trueClientIp !== undefined) return { header: "True-Client-IP", addrs: [h.trueClientIp] };
  return undefined;
}

// Remembered verdicts per address string: behind a balancer nearly every line names the same few proxies.
const MAX_MEMO = 4096;

/**
 * Replaces `clientIp` by the right-most forwarded address that is not a trusted proxy, as nginx's
 * `real_ip_recursive on` does: only a connection from a trusted proxy is believed at all, each trusted hop
 * is peeled off from the right, and the walk stops at the first untrusted address, so whatever a client
 * wrote to the left of it (`X-Forwarded-For: 1.2.3.4, <real>`) is never read. An entry that is not an
 * address stops the walk too (nginx declines it), leaving the last trusted hop as the client. The hops
 * peeled off are kept in `via`, nearest the client first, ending with the connecting address.
 */
export class ClientResolver {
  private readonly trusted: CidrSet;
  private readonly memo = new Map<string, boolean>();

  constructor(ranges: readonly Cidr[]) {
    this.trusted = new CidrSet(ranges);
  }

  private isTrusted(addr: string): boolean {
    let v = this.memo.get(addr);
    if (v === undefined) {
      v = this.trusted.has(addr);
      if (this.memo.size < MAX_MEMO) this.memo.set(addr, v);
    }
    return v;
  }

  apply(e: HTTPEvent): void {
    const peer = e.clientIp;
    if (peer === undefined || !this.isTrusted(peer)) return;
    const chain = forwardedChain(e);
    if (!chain) return;
    let client = peer;
    let hops = 0;
    // `$proxy_add_x_forwarded_for` and Envoy end the list with the connecting address itself: not a hop.
    let end = chain.addrs.length;
    if (end > 0 && stripPort(chain.addrs[end - 1].trim()) === peer) end--;
    for (let i = end - 1; i >= 0; i--) {
      const a = stripPort(chain.addrs[i].trim());
      if (!isIp(a)) break;
      client = a;
      if (!this.isTrusted(a)) break;
      hops++;
    }
    if (client === peer) return;
    // Every hop right of the client was trusted: those are the proxies it came through.
    const via: string[] = [];
    const addrs = chain.addrs;
    for (let i = end - hops; i < end; i++) via.push(stripPort(addrs[i].trim()));
    // All entries trusted: nginx takes the left-most one, which is then not a hop of its own.
    if (via[0] === client) via.shift();
    via.push(peer);
    e.clientIp = client;
    e.via = via;
  }
}

/** Cap on distinct connecting addresses the hint counts; past it new ones are not counted. */
const MAX_PEERS = 4096;
/** Share of all events (from non-public addresses with a forwarded header) above which the hint is given. */
const HINT_SHARE = 0.5;
const HINT_MIN_EVENTS = 10;

export interface ProxyHint {
  /** The non-public address most of those events came from. */
  remoteAddr: string;
  header: string;
  /** Share of all events that came from a non-public address with a forwarded header, 0..1. */
  share: number;
  /** How many such addresses there were (several balancers share the traffic). */
  addresses: number;
}

/**
 * Notices the common misconfiguration the forwarded headers give away: most requests come from one
 * private address (a balancer) and carry a forwarded header, so every user would be keyed as that one
 * address. Counts only events still keyed by the connecting address after resolution, so a correct
 * `--trusted-proxies` silences it.
 */
export class ProxyHintCounter {
  private events = 0;
  private readonly byPeer = new Map<string, { n: number; header: string } | null>();

  observe(e: HTTPEvent): void {
    this.events++;
    // Resolved through a trusted proxy (via set): the address left is the client's own, whatever its range.
    if ((e.forwardedFor === undefined && e.clientHeaders === undefined) || e.via !== undefined) return;
    const ip = e.clientIp;
    if (ip === undefined) return;
    let c = this.byPeer.get(ip);
    if (c === undefined) {
      if (this.byPeer.size >= MAX_PEERS) return;
      const chain = forwardedChain(e);
      c = chain && NON_PUBLIC.has(ip) ? { n: 0, header: chain.header } : null;
      this.byPeer.set(ip, c);
    }
    if (c) c.n++;
  }

  hint(): ProxyHint | undefined {
    if (this.events < HINT_MIN_EVENTS) return undefined;
    let top: [string, { n: number; header: string }] | undefined;
    let total = 0;
    let addresses = 0;
    for (const entry of this.byPeer) {
      const c = entry[1];
      if (!c || c.n === 0) continue;
      total += c.n;
      addresses++;
      if (!top || c.n > top[1].n) top = entry as [string, { n: number; header: string }];
    }
    const share = total / this.events;
    return top && share > HINT_SHARE ? { remoteAddr: top[0], header: top[1].header, share, addresses } : undefined;
  }
}
