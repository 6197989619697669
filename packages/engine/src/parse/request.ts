import { decodeLogged } from "./escape.js";

export interface RequestParts {
  method?: string;
  path: string;
  query?: string;
  protocol?: string;
  malformed?: true;
  absoluteUri?: true;
  targetHost?: string;
}

function isMethodChar(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 45 || c === 95;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

// Nearly every request names one of these: returned as the constants, they cost no string per line.
const METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "PROPFIND", "TRACE"];
const PROTOCOLS = ["HTTP/1.1", "HTTP/2.0", "HTTP/1.0", "HTTP/2", "HTTP/3", "HTTP/3.0"];

function malformed(raw: string, from: number, to: number): RequestParts {
  return { path: raw.slice(from, to), malformed: true };
}

// The request is a few dozen characters of a line several times longer. indexOf, lastIndexOf and startsWith
// cost a builtin call each and search to the line's end; these loops stop at the request's end.

/** Index of the character `code` in s[from, to), or -1. */
function indexIn(s: string, code: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === code) return i;
  return -1;
}

/** Whether s continues with `k` at `at`. */
function sameAt(s: string, at: number, k: string): boolean {
  for (let i = 0; i < k.length; i++) if (s.charCodeAt(at + i) !== k.charCodeAt(i)) return false;
  return true;
}

/** s[from, to), as one of `known` when it is one. */
function textAt(s: string, from: number, to: number, known: string[]): string {
  for (const k of known) if (k.length === to - from && sameAt(s, from, k)) return k;
  return s.slice(from, to);
}

/**
 * Splits nginx's raw `$request` (as logged, escapes not yet decoded) into method, path, query, protocol.
 * `from`/`to` read it out of a longer string (a log line) in place.
 *
 * A request line is well-formed when it is `METHOD target HTTP/x` or the HTTP/0.9 form `METHOD /target`.
 * Anything else (`""`, `HELP`, `batman`, TLS/RDP bytes) is `malformed`: method and protocol stay undefined
 * and `path` holds the raw request exactly as logged, escapes NOT decoded. Decoding garbage bytes would
 * produce control characters or U+FFFD (lossy, unsafe to display); the escaped spelling is loss-free and
 * is what scanners' signatures (e.g. CrowdSec's `http_path`) match. An empty request gives path "".
 *
 * Proxy-form targets keep only the path in `path` and report the authority in `targetHost`
 * (`absoluteUri` marks `GET http://host/x`; CONNECT's authority-form gives path ""), so open-proxy
 * probing is visible to rules without polluting path-based statistics.
 */
export function parseRequest(raw: string, from = 0, to = raw.length): RequestParts {
  let sp = from;
  while (sp < to && isMethodChar(raw.charCodeAt(sp))) sp++;
  if (sp === from || sp === to || raw.charCodeAt(sp) !== 32) return malformed(raw, from, to);
  const method = textAt(raw, from, sp, METHODS);
  let last = to - 1;
  while (last > sp && raw.charCodeAt(last) !== 32) last--;
  let start = sp + 1;
  let end: number;
  let protocol: string | undefined;
  if (last > sp && last + 6 <= to && sameAt(raw, last + 1, "HTTP/")) {
    end = last;
    protocol = textAt(raw, last + 1, to, PROTOCOLS);
  } else {
    end = to;
    if (raw.charCodeAt(start) !== 47 || start >= to || indexIn(raw, 32, start, to) >= 0) return malformed(raw, from, to);
  }
  if (start === end) return malformed(raw, from, to);
  if (method === "CONNECT" && raw.charCodeAt(start) !== 47) {
    return { method, path: "", protocol, targetHost: decodeLogged(raw, start, end) };
  }
  let absoluteUri: true | undefined;
  let targetHost: string | undefined;
  let rooted: string | undefined;
  if (raw.charCodeAt(start) !== 47 && SCHEME.test(raw.slice(start, end))) {
    const hostStart = raw.indexOf("//", start) + 2;
    let hostEnd = hostStart;
    while (hostEnd < end && !"/?#".includes(raw[hostEnd])) hostEnd++;
    absoluteUri = true;
    targetHost = decodeLogged(raw, hostStart, hostEnd);
    // `http://host?q` has no path: the target is read as `/?q`.
    if (raw.charCodeAt(hostEnd) !== 47 || hostEnd === end) rooted = "/" + raw.slice(hostEnd, end);
    start = hostEnd;
  }
  const target = rooted ?? raw;
  if (rooted !== undefined) (start = 0), (end = rooted.length);
  const q = indexIn(target, 63, start, end);
  const parts: RequestParts = {
    method,
    path: decodeLogged(target, start, q < 0 ? end : q),
    protocol,
  };
  if (q >= 0) parts.query = decodeLogged(target, q + 1, end);
  if (absoluteUri) {
    parts.absoluteUri = true;
    parts.targetHost = targetHost;
  }
  return parts;
}
