import { type DraftResult, dash, fail, newDraft, newUpstream, setRequest } from "./draft.js";
import { literalRequest, parseRequest } from "./request.js";
import { parseIso8601 } from "./time.js";
import { floatOrUndef, intOrUndef } from "./upstream.js";

/**
 * The documented column order of CloudFront standard (legacy) logs; new columns are only ever appended.
 * Standard logging v2 lets a distribution choose its fields, and its file's `#Fields:` header names them:
 * when the caller keeps a W3cState per file, that header's order is used for the lines after it.
 */
const COLUMNS = [
  "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status",
  "cs(Referer)", "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type", "x-edge-request-id",
  "x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher",
  "x-edge-response-result-type", "cs-protocol-version", "fle-status", "fle-encrypted-fields", "c-port",
  "time-to-first-byte", "x-edge-detailed-result-type",
] as const;
type Column = (typeof COLUMNS)[number];
type Columns = Record<Column, number>;
const DEFAULT = Object.fromEntries(COLUMNS.map((c, i) => [c, i])) as Columns;
/** Through time-taken: older distributions log no more than that. */
const MIN_COLUMNS = DEFAULT["time-taken"] + 1;

/** What one file's `#Fields:` header said; the caller keeps one per file (ParseContext.w3c). */
export interface W3cState {
  columns?: Columns;
  /** Columns a line must have: one past the last column read. */
  width?: number;
}

/** Column positions named by a `#Fields:` header (absent ones -1), matched without regard to case. */
function columnsOf(header: string): { columns: Columns; width: number } {
  const names = header.slice("#Fields:".length).trim().split(/\s+/).map((n) => n.toLowerCase());
  const columns = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c.toLowerCase())])) as Columns;
  const width = Math.max(columns.date, columns.time, columns["sc-status"]) + 1;
  return { columns, width };
}

/** CloudFront percent-encodes spaces and some characters in the user agent and referer (`%20`). */
function unescape(v: string | undefined): string | undefined {
  const d = dash(v);
  if (d === undefined || d.indexOf("%") < 0) return d;
  try {
    return decodeURIComponent(d);
  } catch {
    return d;
  }
}

/**
 * One tab-separated CloudFront standard log line (docs: AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html).
 * The viewer is `c-ip` (its own X-Forwarded-For, which a viewer's proxy sets, is kept apart); the host is the
 * Host header the viewer sent (`x-host-header`, falling back to the distribution's domain); `sc-status` 000
 * (the viewer left before a response) is status 0. An edge `Error` result keeps its detailed type
 * (`OriginDnsError`, `OriginConnectError`...) as the upstream's flags: the origin is not named in the log.
 */
export function parseCloudFront(line: string, state?: W3cState): DraftResult {
  if (line.charCodeAt(0) === 35) {
    if (state && line.startsWith("#Fields:")) Object.assign(state, columnsOf(line));
    return fail("not-access-log", "CloudFront log header");
  }
  const COL = state?.columns ?? DEFAULT;
  const min = state?.width ?? MIN_COLUMNS;
  const f = line.split("\t");
  if (f.length < min) return fail("truncated", `${f.length} tab-separated fields, CloudFront writes at least ${min}`);
  const ts = parseIso8601(`${f[COL.date]}T${f[COL.time]}Z`);
  if (Number.isNaN(ts)) return fail("bad-timestamp", `${f[COL.date]} ${f[COL.time]}`.slice(0, 40));
  const status = intOrUndef(f[COL["sc-status"]]);
  if (status === undefined || status > 999) return fail("bad-status", f[COL["sc-status"]].slice(0, 40));
  const d = newDraft(ts, status);
  d.clientIp = dash(f[COL["c-ip"]]);
  d.host = dash(f[COL["x-host-header"]]) ?? dash(f[COL["cs(Host)"]]);
  const query = dash(f[COL["cs-uri-query"]]);
  const req = parseRequest(literalRequest(`${f[COL["cs-method"]] ?? ""} ${f[COL["cs-uri-stem"]] ?? ""}${query === undefined ? "" : `?${query}`} ${f[COL["cs-protocol-version"]] ?? "HTTP/1.1"}`));
  setRequest(d, req);
  d.protocol = dash(f[COL["cs-protocol-version"]]);
  if (d.protocol === undefined) d.httpVersion = undefined;
  d.bytes = intOrUndef(f[COL["sc-bytes"]]);
  d.requestLength = intOrUndef(f[COL["cs-bytes"]]);
  d.requestTime = floatOrUndef(f[COL["time-taken"]]);
  d.referer = unescape(f[COL["cs(Referer)"]]);
  d.userAgent = unescape(f[COL["cs(User-Agent)"]]);
  d.forwardedFor = dash(f[COL["x-forwarded-for"]]);
  d.requestId = dash(f[COL["x-edge-request-id"]]);
  if (f[COL["x-edge-result-type"]] === "Error") d.upstream = newUpstream(undefined, [], undefined, dash(f[COL["x-edge-detailed-result-type"]]) ?? "Error");
  return { ok: true, format: "cloudfront", draft: d };
}
