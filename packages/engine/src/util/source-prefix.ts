import { parseIp } from "./cidr.js";

/**
 * The network a client address belongs to, as a deny list would name it: /24 for IPv4, /48 for IPv6 (the
 * smallest block a provider routes, and what one site or customer usually gets). A flood from a few rented
 * ranges shows as a few prefixes however many addresses it rotates through.
 */
export function sourcePrefix(ip: string): string | undefined {
  if (ip.indexOf(":") < 0) {
    const dot = ip.lastIndexOf(".");
    return dot > 0 && parseIp(ip) ? `${ip.slice(0, dot)}.0/24` : undefined;
  }
  const b = parseIp(ip);
  if (!b) return undefined;
  // IPv4-mapped (`::ffff:a.b.c.d`, dual-stack listeners): the IPv4 /24.
  if (b[10] === 0xff && b[11] === 0xff && b.subarray(0, 10).every((x) => x === 0)) return `${b[12]}.${b[13]}.${b[14]}.0/24`;
  const g = (i: number) => ((b[i] << 8) | b[i + 1]).toString(16);
  return `${g(0)}:${g(2)}:${g(4)}::/48`;
}

/** A dotted-quad IPv4 address as a number (an exact key that costs no string hashing), or -1 for anything else. */
export function ipv4Number(ip: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      n = n * 256 + part;
      part = digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return n * 256 + part;
}

/** The /24 named by the top 24 bits of an IPv4 address (`Math.floor(ipv4Number(ip) / 256)`). */
export function v4PrefixText(top24: number): string {
  return `${top24 >>> 16}.${(top24 >>> 8) & 255}.${top24 & 255}.0/24`;
}
