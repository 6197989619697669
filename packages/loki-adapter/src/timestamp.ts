/**
 * Nanosecond timestamps. Loki's are larger than 2^53, so they live as bigint (arithmetic) or as
 * decimal strings (wire format, cursor) and are never squeezed through a JS number.
 */

/** What callers may pass as a time: bigint = ns, digit string = ns, other string = RFC3339, number/Date = ms. */
export type TimeInput = bigint | string | number | Date;

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

export function toNs(value: TimeInput): bigint {
  if (typeof value === "bigint") return value;
  if (value instanceof Date) return msToNs(value.getTime(), "Date");
  if (typeof value === "number") return msToNs(value, String(value));
  if (/^\d+$/.test(value)) return BigInt(value);
  const m = RFC3339.exec(value);
  if (!m) throw new Error(`invalid time '${value}': expected ns digits, RFC3339, epoch ms number or Date`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw new Error(`invalid time '${value}'`);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

function msToNs(ms: number, shown: string): bigint {
  if (!Number.isFinite(ms)) throw new Error(`invalid time '${shown}'`);
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

/** RFC3339 with all nine fraction digits, for error messages a human has to act on. */
export function nsToIso(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  const frac = (ns % 1_000_000_000n).toString().padStart(9, "0");
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/** Orders decimal ns strings without allocating bigints (the hot path sorts thousands per page). */
export function compareNsStrings(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
