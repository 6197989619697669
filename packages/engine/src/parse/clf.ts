import type { LogFormat } from "../event/http-event.js";
import { type Draft, type DraftResult, dash, fail, newDraft, newUpstream } from "./draft.js";
import { decodeLogged } from "./escape.js";
import { parseRequest } from "./request.js";
import { parseTimeLocal, looksLikeTimeLocal } from "./time.js";
import { floatAt, intAt, intOrUndef, parseUpstreamFields } from "./upstream.js";

/**
 * The head every CLF-family line starts with, `<prefix> [$time_local] "`: where the request starts and the
 * event time, or why the line has no such head.
 */
export interface ClfHead {
  /** The access-log text the indices refer to (the line without a CRI or syslog wrapper). */
  line: string;
  /** Index of the ` [` before the time. */
  tl: number;
  ts: number;
  reqStart: number;
}

export function readHead(line: string): ClfHead | DraftResult {
  let tl = line.indexOf(" [");
  while (tl >= 0 && !looksLikeTimeLocal(line, tl + 2)) tl = line.indexOf(" [", tl + 2);
  if (tl < 0) return fail("unknown-format", "no [dd/Mon/yyyy:...] timestamp");

  if (commonPrefixEnd(line, tl) < 0 && !readPrefix(line, tl)) return fail("unknown-format", "unrecognised fields before the timestamp");

  const tsStart = tl + 2;
  const close = line.indexOf("]", tsStart);
  if (close < 0) return fail("truncated", "line ends inside the timestamp");
  const ts = parseTimeLocal(line, tsStart, close);
  if (Number.isNaN(ts)) return fail("bad-timestamp", line.slice(tsStart, Math.min(close, tsStart + 40)));

  if (line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 34) {
    return line.length <= close + 2 ? fail("truncated", "line ends after the timestamp") : fail("unknown-format", 'no "$request" after the timestamp');
  }
  return { line, tl, ts, reqStart: close + 3 };
}

/**
 * The CLF family: nginx `combined`, Debian/Docker `main`, ingress-nginx `upstreaminfo` (current, pre-0.22,
 * 0.8/0.9), Traefik's common format, Apache `common`/`combined` and `vhost_combined`. They share the head
 * `<prefix> [$time_local] "$request" $status $bytes` and differ in the prefix and the tail, so one
 * indexOf-based walker reads the head and the tail decides the format.
 *
 * Quoted fields: nginx's default escaping never writes a raw `"` inside a value, escape=json writes `\"`.
 * For escape=none (raw quotes) a quote only closes a field when what follows fits the format (` 200 ` after
 * the request, ` "` after the referer, a known tail after the user agent); candidates are tried left to right.
 * A line whose tail after the user agent is not a known one still parses as `combined` (custom formats
 * often append fields) - the extra text is ignored.
 */
export function parseClf(line: string): DraftResult {
  const head = readHead(line);
  return "ok" in head ? head : parseClfFrom(head);
}

/** parseClf after the head: lines dated by their head on arrival are parsed from it on release. */
export function parseClfFrom(head: ClfHead): DraftResult {
  const { line, ts, reqStart } = head;
  // Read again rather than kept: a dated line waits in the reorder buffer, where every byte held is promoted.
  const prefix = readPrefix(line, head.tl)!;
  let reqEnd = -1;
  for (let q = line.indexOf('"', reqStart); q >= 0; q = line.indexOf('"', q + 1)) {
    if (!isEscaped(line, q) && statusFollows(line, q + 1)) {
      reqEnd = q;
      break;
    }
  }
  if (reqEnd < 0) return fail(hasStatusAnywhere(line, reqStart) ? "bad-status" : "truncated", 'no closing quote followed by a status after "$request"');

  const statusAt = reqEnd + 2;
  // Traefik writes `-` when no response status exists (the client went away first); it becomes 0, as in
  // Envoy's RESPONSE_CODE. nginx always writes a status, so `-` is only accepted with Traefik's tail.
  const noStatus = line.charCodeAt(statusAt) === 45;
  const status = noStatus ? 0 : (line.charCodeAt(statusAt) - 48) * 100 + (line.charCodeAt(statusAt + 1) - 48) * 10 + (line.charCodeAt(statusAt + 2) - 48);
  let p = statusAt + (noStatus ? 1 : 3);
  let bytes: number | undefined;
  if (p < line.length) {
    let e = line.indexOf(" ", p + 1);
    if (e < 0) e = line.length;
    bytes = intAt(line, p + 1, e);
    if (bytes === undefined && !isDash(line, p + 1, e)) return fail("bad-field", `body_bytes_sent: ${line.slice(p + 1, Math.min(e, p + 41))}`);
    p = e;
  }

  const req = parseRequest(line.slice(reqStart, reqEnd));
  const draft = newDraft(ts, status);
  draft.clientIp = prefix.clientIp;
  draft.method = req.method;
  draft.path = req.path;
  draft.query = req.query;
  draft.protocol = req.protocol;
  draft.httpVersion = req.httpVersion;
  draft.bytes = bytes;
  draft.remoteUser = prefix.remoteUser;
  if (prefix.vhost !== undefined) draft.host = prefix.vhost;
  if (req.malformed) draft.malformedRequest = true;
  if (req.absoluteUri) draft.absoluteUri = true;
  if (req.targetHost !== undefined) draft.targetHost = req.targetHost;

  // Apache/nginx common log format: nothing after the byte count.
  if (p >= line.length) return done(draft, "combined", noStatus);
  if (line.charCodeAt(p + 1) !== 34) return fail("unknown-format", "expected a quoted referer after the byte count");

  const refStart = p + 2;
  let refEnd = -1;
  for (let q = line.indexOf('"', refStart); q >= 0; q = line.indexOf('"', q + 1)) {
    if (isEscaped(line, q)) continue;
    if (q + 1 === line.length || (line.charCodeAt(q + 1) === 32 && line.charCodeAt(q + 2) === 34)) {
      refEnd = q;
      break;
    }
  }
  if (refEnd < 0) return fail("truncated", "no closing quote after the referer");
  draft.referer = dash(decodeLogged(line, refStart, refEnd));
  if (refEnd + 1 === line.length) return done(draft, "combined", noStatus);

  const uaStart = refEnd + 3;
  let firstClose = -1;
  for (let q = line.indexOf('"', uaStart); q >= 0; q = line.indexOf('"', q + 1)) {
    if (isEscaped(line, q)) continue;
    if (q + 1 !== line.length && line.charCodeAt(q + 1) !== 32) continue;
    if (firstClose < 0) firstClose = q;
    draft.userAgent = dash(decodeLogged(line, uaStart, q));
    const fmt = readTail(line, q + 1, draft, prefix.realIp !== undefined);
    if (fmt) return done(draft, fmt, noStatus);
  }
  if (firstClose < 0) return fail("truncated", "no closing quote after the user agent");
  draft.userAgent = dash(decodeLogged(line, uaStart, firstClose));
  return done(draft, "combined", noStatus);
}

function done(draft: Draft, format: LogFormat, noStatus = false): DraftResult {
  if (noStatus && format !== "traefik") return fail("bad-status", "status is '-'");
  return { ok: true, format, draft };
}

interface Prefix {
  clientIp?: string;
  remoteUser?: string;
  vhost?: string;
  realIp?: string;
}

/**
 * `$remote_addr - $remote_user` (or `$remote_addr -` in some custom formats), Apache vhost_combined `vhost addr - user`, or ingress-nginx before 0.22
 * `$remote_addr - [$the_real_ip] - $remote_user`. For the old ingress layout the client is `$the_real_ip`
 * (the address after real-ip/proxy-protocol processing), falling back to `$remote_addr`.
 */
function readPrefix(line: string, end: number): Prefix | undefined {
  const s1 = commonPrefixEnd(line, end);
  if (s1 >= 0) return { clientIp: dash(line.slice(0, s1)), remoteUser: s1 + 3 >= end ? undefined : dash(line.slice(s1 + 3, end)) };
  const t = line.slice(0, end).split(" ");
  if (t.length >= 4 && t[1] === "-" && isBracketed(t[2]) && t[3] === "-") {
    const realIp = dash(t[2].slice(1, -1));
    return { clientIp: realIp ?? dash(t[0]), realIp: realIp ?? "-", remoteUser: dash(t.slice(4).join(" ")) };
  }
  if (t.length >= 3 && isBracketed(t[1]) && t[2] === "-") {
    // ingress-nginx 0.9 wrote `$remote_addr [$the_real_ip] - $remote_user`.
    const realIp = dash(t[1].slice(1, -1));
    return { clientIp: realIp ?? dash(t[0]), realIp: realIp ?? "-", remoteUser: dash(t.slice(3).join(" ")) };
  }
  if (t.length === 2 && t[1] === "-") return { clientIp: dash(t[0]) };
  if (t.length >= 3 && t[1] === "-") return { clientIp: dash(t[0]), remoteUser: dash(t.slice(2).join(" ")) };
  if (t.length >= 4 && t[2] === "-" && t[0] !== "") return { vhost: t[0], clientIp: dash(t[1]), remoteUser: dash(t.slice(3).join(" ")) };
  return undefined;
}

/**
 * The common prefix `addr - user` (user without spaces), read without splitting: the end of `addr`, or -1
 * for any other prefix. Lines are dated by their head on arrival, and this checks the prefix without building it.
 */
function commonPrefixEnd(line: string, end: number): number {
  const s1 = line.indexOf(" ");
  if (s1 <= 0 || s1 >= end || line.charCodeAt(s1 + 1) !== 45 || line.charCodeAt(s1 + 2) !== 32 || line.charCodeAt(s1 + 3) === 91) return -1;
  const space = line.indexOf(" ", s1 + 3);
  return space >= 0 && space < end ? -1 : s1;
}

/** line[from, to) is `-`. */
function isDash(line: string, from: number, to: number): boolean {
  return to === from + 1 && line.charCodeAt(from) === 45;
}

function isBracketed(tok: string): boolean {
  return tok.length > 2 && tok.charCodeAt(0) === 91 && tok.charCodeAt(tok.length - 1) === 93;
}

function isEscaped(line: string, q: number): boolean {
  let n = 0;
  for (let i = q - 1; i >= 0 && line.charCodeAt(i) === 92; i--) n++;
  return n % 2 === 1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ` ddd` (or Traefik's ` -`) followed by a space or the end of the line. */
function statusFollows(line: string, i: number): boolean {
  if (line.charCodeAt(i) !== 32) return false;
  if (line.charCodeAt(i + 1) === 45) return line.charCodeAt(i + 2) === 32;
  return (
    isDigit(line.charCodeAt(i + 1)) &&
    isDigit(line.charCodeAt(i + 2)) &&
    isDigit(line.charCodeAt(i + 3)) &&
    (i + 4 === line.length || line.charCodeAt(i + 4) === 32)
  );
}

function hasStatusAnywhere(line: string, from: number): boolean {
  for (let q = line.indexOf('" ', from); q >= 0; q = line.indexOf('" ', q + 1)) {
    if (q + 2 < line.length && !isDigit(line.charCodeAt(q + 2))) continue;
    return true;
  }
  return false;
}

/**
 * Reads what follows the user agent's closing quote (at i) and fills the draft; returns the format or
 * undefined when the tail is not one we know.
 */
function readTail(line: string, i: number, draft: Draft, oldIngress: boolean): LogFormat | undefined {
  if (i === line.length) return oldIngress ? undefined : "combined";
  if (line.charCodeAt(i + 1) === 34) {
    // main: ` "$http_x_forwarded_for"` and nothing after it.
    const q = line.indexOf('"', i + 2);
    if (q !== line.length - 1 || oldIngress) return undefined;
    draft.forwardedFor = dash(decodeLogged(line, i + 2, q));
    return "main";
  }
  if (!isDigit(line.charCodeAt(i + 1))) return undefined;
  const s1 = line.indexOf(" ", i + 1);
  if (s1 < 0) return undefined;
  // The first tail field (Traefik's request count, ingress-nginx's request length) spans (i, s1).
  if (line.charCodeAt(s1 + 1) === 34) return intAt(line, i + 1, s1) === undefined ? undefined : readTraefikTail(line, s1 + 1, draft);
  return readUpstreamTail(line, s1 + 1, i + 1, draft, oldIngress);
}

/** Traefik common: `<count> "<router>" "<server URL>" <duration>ms`. */
function readTraefikTail(line: string, i: number, draft: Draft): LogFormat | undefined {
  if (!line.endsWith("ms")) return undefined;
  const r1 = line.indexOf('" "', i + 1);
  if (r1 < 0) return undefined;
  const r2 = line.indexOf('" ', r1 + 3);
  if (r2 < 0) return undefined;
  const ms = intOrUndef(line.slice(r2 + 2, line.length - 2));
  if (ms === undefined) return undefined;
  const router = dash(decodeLogged(line, i + 1, r1));
  const url = dash(decodeLogged(line, r1 + 3, r2));
  draft.requestTime = ms / 1000;
  draft.upstream = newUpstream(router, url === undefined ? [] : [{ addr: url, group: 0 }]);
  return "traefik";
}

/**
 * ingress-nginx: `$request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name]
 * <4 upstream fields> $req_id`. Before 0.22 there is no alternative bracket; 0.8/0.9 had no name bracket
 * and/or no $req_id. All of these are read by the same walker.
 */
function readUpstreamTail(line: string, i: number, reqLenAt: number, draft: Draft, oldIngress: boolean): LogFormat | undefined {
  const s2 = line.indexOf(" ", i);
  if (s2 < 0) return undefined;
  const requestLength = intAt(line, reqLenAt, i - 1);
  const requestTime = floatAt(line, i, s2);
  if ((requestLength === undefined && !isDash(line, reqLenAt, i - 1)) || (requestTime === undefined && !isDash(line, i, s2))) return undefined;
  let p = s2 + 1;
  let name: string | undefined;
  let alternative: string | undefined;
  let brackets = 0;
  while (brackets < 2 && line.charCodeAt(p) === 91) {
    const e = line.indexOf("] ", p);
    if (e < 0) return undefined;
    const v = line.slice(p + 1, e);
    if (brackets === 0) name = dash(v) || undefined;
    else alternative = dash(v) || undefined;
    brackets++;
    p = e + 2;
  }
  const up = parseUpstreamFields(line, p);
  if (!up) return undefined;
  draft.requestLength = requestLength;
  draft.requestTime = requestTime;
  draft.upstream = newUpstream(name, up.attempts, alternative);
  if (up.requestId !== undefined) draft.requestId = up.requestId;
  return oldIngress || brackets < 2 ? "upstreaminfo-pre0.22" : "upstreaminfo";
}
