/**
 * Hand-written timestamp parsers. They read the line's own clock only (never the wall clock) and are
 * allocation-free, because they run once per log line on the hot path. All return NaN on bad input.
 */

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

function num2(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

function num4(s: string, i: number): number {
  return num2(s, i) * 100 + num2(s, i + 2);
}

function monthOf(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  for (let m = 0; m < 36; m += 3) {
    if (MONTHS.charCodeAt(m) === a && MONTHS.charCodeAt(m + 1) === b && MONTHS.charCodeAt(m + 2) === c) return m / 3 + 1;
  }
  return NaN;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Epoch ms from civil fields in UTC, NaN if any field is out of range. */
export function civilToEpochMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (!(y >= 1 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo))) return NaN;
  if (!(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60 && ms >= 0)) return NaN;
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000 + ms;
}

/** Offset like `+0100`, `-07:00` or `Z` at i; returns [offset minutes, length] or undefined. */
function zoneAt(s: string, i: number): [number, number] | undefined {
  const c = s.charCodeAt(i);
  if (c === 90 /* Z */) return [0, 1];
  if (c !== 43 && c !== 45) return undefined;
  const sign = c === 43 ? 1 : -1;
  const hh = num2(s, i + 1);
  const colon = s.charCodeAt(i + 3) === 58;
  const mm = num2(s, colon ? i + 4 : i + 3);
  if (!(hh <= 23 && mm <= 59)) return undefined;
  return [sign * (hh * 60 + mm), colon ? 6 : 5];
}

// Consecutive access lines mostly share their second, so the last $time_local is remembered. This is a
// pure function of its input (same string → same value), not state that changes results.
let lastTimeLocal = "";
let lastTimeLocalMs = NaN;

/** nginx `$time_local`: `dd/Mon/yyyy:HH:MM:SS +zzzz`, exactly 26 characters starting at `start`. */
export function parseTimeLocal(s: string, start = 0, end = s.length): number {
  if (end - start !== 26) return NaN;
  if (lastTimeLocal !== "" && s.startsWith(lastTimeLocal, start)) return lastTimeLocalMs;
  const ms = parseTimeLocalUncached(s, start);
  if (!Number.isNaN(ms)) {
    lastTimeLocal = s.slice(start, end);
    lastTimeLocalMs = ms;
  }
  return ms;
}

function parseTimeLocalUncached(s: string, start: number): number {
  const i = start;
  if (s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 6) !== 47 || s.charCodeAt(i + 11) !== 58) return NaN;
  if (s.charCodeAt(i + 14) !== 58 || s.charCodeAt(i + 17) !== 58 || s.charCodeAt(i + 20) !== 32) return NaN;
  const zone = zoneAt(s, i + 21);
  if (!zone || zone[1] !== 5) return NaN;
  const base = civilToEpochMs(num4(s, i + 7), monthOf(s, i + 3), num2(s, i), num2(s, i + 12), num2(s, i + 15), num2(s, i + 18), 0);
  return base - zone[0] * 60000;
}

/**
 * ISO 8601 / RFC 3339: `yyyy-mm-ddTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; a space may replace `T`.
 * A missing zone is read as UTC (Envoy and nginx `$time_iso8601` always write one; this only matters for
 * hand-written formats). Fractions beyond milliseconds are truncated.
 */
export function parseIso8601(s: string, start = 0, end = s.length): number {
  const i = start;
  if (end - i < 19) return NaN;
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return NaN;
  const t = s.charCodeAt(i + 10);
  if (t !== 84 && t !== 32 && t !== 116) return NaN;
  if (s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return NaN;
  let p = i + 19;
  let ms = 0;
  if (s.charCodeAt(p) === 46 || s.charCodeAt(p) === 44) {
    p++;
    let scale = 100;
    const fracStart = p;
    while (p < end && digit(s, p) >= 0) {
      if (scale >= 1) ms += digit(s, p) * scale;
      scale /= 10;
      p++;
    }
    if (p === fracStart) return NaN;
    ms = Math.floor(ms);
  }
  let offset = 0;
  if (p < end) {
    const zone = zoneAt(s, p);
    if (!zone || p + zone[1] !== end) return NaN;
    offset = zone[0];
  }
  const base = civilToEpochMs(num4(s, i), num2(s, i + 5), num2(s, i + 8), num2(s, i + 11), num2(s, i + 14), num2(s, i + 17), ms);
  return base - offset * 60000;
}

/**
 * nginx error-log time `yyyy/mm/dd HH:MM:SS`. The error log has no zone; nginx writes it in the server's
 * local zone, which the line does not tell us, so it is read as UTC (containers run in UTC by default).
 */
export function parseNginxErrorTime(s: string, start = 0): number {
  const i = start;
  if (s.charCodeAt(i + 4) !== 47 || s.charCodeAt(i + 7) !== 47 || s.charCodeAt(i + 10) !== 32) return NaN;
  if (s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return NaN;
  return civilToEpochMs(num4(s, i), num2(s, i + 5), num2(s, i + 8), num2(s, i + 11), num2(s, i + 14), num2(s, i + 17), 0);
}

/** True when `s` at `i` starts like `dd/Mon/yyyy:` (used by detection without a full parse). */
export function looksLikeTimeLocal(s: string, i: number): boolean {
  return s.charCodeAt(i + 2) === 47 && s.charCodeAt(i + 6) === 47 && s.charCodeAt(i + 11) === 58 && digit(s, i) >= 0;
}

/** Epoch ms from an ISO 8601 / `$time_local` string, or epoch seconds/ms as a number. */
export function timeValue(v: unknown): number {
  if (typeof v === "string") {
    return looksLikeTimeLocal(v, 0) ? parseTimeLocal(v) : parseIso8601(v);
  }
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return v > 1e11 ? Math.floor(v) : Math.floor(v * 1000);
  return NaN;
}
