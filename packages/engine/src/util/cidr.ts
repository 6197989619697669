/**
 * IP addresses and CIDR ranges, IPv4 and IPv6, as 16-byte arrays: IPv4 is held as the IPv4-mapped IPv6
 * address (`::ffff:a.b.c.d`), so `10.0.0.0/8` also matches `::ffff:10.1.2.3` as logged by dual-stack
 * listeners, and one comparison serves both families.
 */

export interface Cidr {
  /** The range as given, for messages. */
  text: string;
  bytes: Uint8Array;
  /** Prefix length over the 16-byte form (an IPv4 /8 is /104 here). */
  bits: number;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseV4(s: string, out: Uint8Array, at: number): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^\d{1,3}$/.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

/** An address as 16 bytes, or undefined when `s` is not an IPv4/IPv6 literal (zone ids are dropped). */
export function parseIp(s: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  if (s.indexOf(":") < 0) {
    out.set(V4_MAPPED_PREFIX);
    return parseV4(s, out, 12) ? out : undefined;
  }
  let text = s;
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted quad (`::ffff:1.2.3.4`) stands for the last two groups: parse it as `:0:0`, then fill them.
  let tail: number[] | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.indexOf(".", lastColon) >= 0) {
    const v4 = new Uint8Array(4);
    if (!parseV4(text.slice(lastColon + 1), v4, 0)) return undefined;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    text = text.slice(0, lastColon) + ":0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const group = (g: string) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : NaN);
  const head = halves[0] === "" ? [] : halves[0].split(":").map(group);
  const rest = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":").map(group)) : [];
  const known = head.length + rest.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - known).fill(0), ...rest];
  if (tail) [groups[6], groups[7]] = tail;
  for (let i = 0; i < 8; i++) {
    const g = groups[i];
    if (Number.isNaN(g)) return undefined;
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  }
  return out;
}

export function isIp(s: string): boolean {
  return parseIp(s) !== undefined;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const t = text.trim();
  const slash = t.indexOf("/");
  const addr = slash < 0 ? t : t.slice(0, slash);
  const bytes = parseIp(addr);
  if (!bytes) return undefined;
  const v4 = addr.indexOf(":") < 0;
  const max = v4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const b = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b) || Number(b) > max) return undefined;
    bits = Number(b);
  }
  return { text: t, bytes, bits: v4 ? bits + 96 : bits };
}

export function inCidr(ip: Uint8Array, c: Cidr): boolean {
  const full = c.bits >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== c.bytes[i]) return false;
  const rem = c.bits & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return (ip[full] & mask) === (c.bytes[full] & mask);
}

/** A set of ranges; `has` parses the address once and tests every range. */
export class CidrSet {
  constructor(readonly ranges: readonly Cidr[]) {}

  has(ip: string): boolean {
    if (this.ranges.length === 0) return false;
    const b = parseIp(ip);
    return b !== undefined && this.ranges.some((c) => inCidr(b, c));
  }
}

/**
 * Ranges that are not on the public internet: RFC 1918, loopback, link-local, CGNAT (RFC 6598, used by
 * cloud load balancers), IPv6 ULA/link-local/loopback. A proxy in front of a server normally sits in one.
 */
export const NON_PUBLIC = new CidrSet(
  ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10", "fc00::/7", "fe80::/10", "::1/128"].map((c) => parseCidr(c)!),
);
