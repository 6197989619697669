import type { UpstreamAttempt } from "../event/http-event.js";

/**
 * Parses the four multi-value `$upstream_*` fields (addr, response_length, response_time, status)
 * plus an optional trailing `$req_id`, given as the space-separated text after the upstream-name brackets.
 *
 * nginx separates attempts with `, ` and server groups (internal redirects) with ` : `, so values are
 * not single tokens: we regroup tokens into fields by those separators instead of splitting on spaces.
 * Returns undefined when the text does not hold 4 or 5 fields. `from` reads them from that index of `s` on,
 * so a log line's tail need not be cut out first.
 */
export function parseUpstreamFields(s: string, from = 0): { attempts: UpstreamAttempt[]; requestId?: string } | undefined {
  return (s.indexOf(",", from) < 0 && singleAttempt(s, from)) || regrouped(from ? s.slice(from) : s);
}

/**
 * The common line: one attempt, so each field is one token (`10.244.1.7:8080 612 0.004 200 <req_id>`).
 * Read in place, without the per-field arrays of the general walker; undefined sends it there.
 */
function singleAttempt(s: string, from: number): { attempts: UpstreamAttempt[]; requestId?: string } | undefined {
  const e0 = s.indexOf(" ", from);
  const e1 = e0 < 0 ? -1 : s.indexOf(" ", e0 + 1);
  const e2 = e1 < 0 ? -1 : s.indexOf(" ", e1 + 1);
  if (e0 <= from || e1 <= e0 + 1 || e2 <= e1 + 1) return undefined;
  let e3 = s.indexOf(" ", e2 + 1);
  let reqId: string | undefined;
  if (e3 < 0) e3 = s.length;
  else {
    if (e3 === s.length - 1 || s.indexOf(" ", e3 + 1) >= 0) return undefined;
    reqId = s.slice(e3 + 1);
  }
  if (e3 <= e2 + 1) return undefined;
  // A lone `:` token separates server groups: the general walker's case.
  if (isColon(s, from, e0) || isColon(s, e0 + 1, e1) || isColon(s, e1 + 1, e2) || isColon(s, e2 + 1, e3) || reqId === ":") return undefined;
  const addr = s.slice(from, e0);
  // Numbers are read in place and the array is built at its final size: this runs once per line.
  const attempts: UpstreamAttempt[] = addr === "-" ? [] : [attempt(addr, 0, intAt(s, e2 + 1, e3), floatAt(s, e1 + 1, e2), intAt(s, e0 + 1, e1))];
  return reqId !== undefined && reqId !== "-" ? { attempts, requestId: reqId } : { attempts };
}

function isColon(s: string, from: number, to: number): boolean {
  return to - from === 1 && s.charCodeAt(from) === 58;
}

/** Every attempt has one shape, absent values undefined (JSON drops them), like the events (see newDraft). */
function attempt(addr: string, group: number, status: number | undefined, responseTime: number | undefined, responseLength: number | undefined): UpstreamAttempt {
  return { addr, group, status, responseTime, responseLength, connectTime: undefined, headerTime: undefined };
}

function regrouped(s: string): { attempts: UpstreamAttempt[]; requestId?: string } | undefined {
  const fields: { vals: string[]; groups: number[] }[] = [];
  let cur: { vals: string[]; groups: number[] } | undefined;
  let cont = false;
  let nextGroup = false;
  let g = 0;
  let i = 0;
  while (i < s.length) {
    let j = s.indexOf(" ", i);
    if (j < 0) j = s.length;
    if (j === i) {
      i++;
      continue;
    }
    const isColon = j - i === 1 && s.charCodeAt(i) === 58;
    if (isColon) {
      if (!cur) return undefined;
      cont = true;
      nextGroup = true;
    } else {
      if (!cont || !cur) {
        cur = { vals: [], groups: [] };
        fields.push(cur);
        g = 0;
      } else if (nextGroup) g++;
      nextGroup = false;
      const comma = s.charCodeAt(j - 1) === 44;
      cur.vals.push(s.slice(i, comma ? j - 1 : j));
      cur.groups.push(g);
      cont = comma;
    }
    i = j + 1;
  }
  if (fields.length !== 4 && fields.length !== 5) return undefined;
  const [addr, len, time, status, reqId] = fields;
  if (reqId && reqId.vals.length !== 1) return undefined;
  const attempts: UpstreamAttempt[] = [];
  for (let k = 0; k < addr.vals.length; k++) {
    const a = addr.vals[k];
    if (a !== "-") attempts.push(attempt(a, addr.groups[k], intOrUndef(status.vals[k]), floatOrUndef(time.vals[k]), intOrUndef(len.vals[k])));
  }
  const requestId = reqId && reqId.vals[0] !== "-" ? reqId.vals[0] : undefined;
  return requestId === undefined ? { attempts } : { attempts, requestId };
}

/** Non-negative decimal integer, or undefined for `-`, empty or anything else. */
export function intOrUndef(v: string | undefined): number | undefined {
  return v === undefined ? undefined : intAt(v, 0, v.length);
}

/** intOrUndef of s[from, to), without cutting it out. */
export function intAt(s: string, from: number, to: number): number | undefined {
  if (to <= from || to - from > 15) return undefined;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n;
}

/** Non-negative decimal like `0.050`, or undefined. */
export function floatOrUndef(v: string | undefined): number | undefined {
  return v === undefined ? undefined : floatAt(v, 0, v.length);
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * floatOrUndef of s[from, to). Plain `digits.digits` with at most 15 digits is computed as an exact integer over
 * an exact power of ten: one correctly rounded division, the same double Number() gives (Clinger's fast path).
 */
export function floatAt(s: string, from: number, to: number): number | undefined {
  if (to <= from || to - from > 24) return undefined;
  const c = s.charCodeAt(from);
  if (c < 48 || c > 57) return undefined;
  let n = 0;
  let digits = 0;
  let point = -1;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      n = n * 10 + d;
      digits++;
    } else if (d === -2 && point < 0) point = i;
    else return slowFloat(s.slice(from, to));
  }
  if (digits > 15 || point === to - 1) return slowFloat(s.slice(from, to));
  return point < 0 ? n : n / POW10[to - point - 1];
}

function slowFloat(v: string): number | undefined {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
