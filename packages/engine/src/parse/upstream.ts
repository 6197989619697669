import type { UpstreamAttempt } from "../event/http-event.js";

/**
 * Parses the four multi-value `$upstream_*` fields (addr, response_length, response_time, status)
 * plus an optional trailing `$req_id`, given as the space-separated text after the upstream-name brackets.
 *
 * nginx separates attempts with `, ` and server groups (internal redirects) with ` : `, so values are
 * not single tokens: we regroup tokens into fields by those separators instead of splitting on spaces.
 * Returns undefined when the text does not hold 4 or 5 fields.
 */
export function parseUpstreamFields(s: string): { attempts: UpstreamAttempt[]; requestId?: string } | undefined {
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
    if (a === "-") continue;
    const attempt: UpstreamAttempt = { addr: a, group: addr.groups[k] };
    const st = intOrUndef(status.vals[k]);
    if (st !== undefined) attempt.status = st;
    const rt = floatOrUndef(time.vals[k]);
    if (rt !== undefined) attempt.responseTime = rt;
    const rl = intOrUndef(len.vals[k]);
    if (rl !== undefined) attempt.responseLength = rl;
    attempts.push(attempt);
  }
  const requestId = reqId && reqId.vals[0] !== "-" ? reqId.vals[0] : undefined;
  return requestId === undefined ? { attempts } : { attempts, requestId };
}

/** Non-negative decimal integer, or undefined for `-`, empty or anything else. */
export function intOrUndef(v: string | undefined): number | undefined {
  if (v === undefined || v.length === 0 || v.length > 15) return undefined;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n;
}

/** Non-negative decimal like `0.050`, or undefined. */
export function floatOrUndef(v: string | undefined): number | undefined {
  if (v === undefined || v.length === 0 || v.length > 24) return undefined;
  const c = v.charCodeAt(0);
  if (c < 48 || c > 57) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
