import { decodeLogged } from "./escape.js";

/** The request line (`GET /path?query HTTP/1.1`) taken apart; `malformed` when it is not a request line. */
export interface RequestParts {
  method?: string;
  path: string;
  query?: string;
  protocol?: string;
  /** See HTTPEvent.httpVersion. */
  httpVersion?: string;
  malformed?: true;
  absoluteUri?: true;
  targetHost?: string;
}

function isMethodChar(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 45 || c === 95;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Splits nginx's raw `$request` (as logged, escapes not yet decoded) into method, path, query, protocol.
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
export function parseRequest(raw: string): RequestParts {
  const sp = raw.indexOf(" ");
  if (sp <= 0) return { path: raw, malformed: true };
  for (let i = 0; i < sp; i++) if (!isMethodChar(raw.charCodeAt(i))) return { path: raw, malformed: true };
  const method = raw.slice(0, sp);
  const last = raw.lastIndexOf(" ");
  let target: string;
  let protocol: string | undefined;
  if (last > sp && raw.startsWith("HTTP/", last + 1)) {
    target = raw.slice(sp + 1, last);
    protocol = raw.slice(last + 1);
  } else {
    target = raw.slice(sp + 1);
    if (target.charCodeAt(0) !== 47 || target.includes(" ")) return { path: raw, malformed: true };
  }
  if (target === "") return { path: raw, malformed: true };
  const httpVersion = protocol === undefined ? "0.9" : versionOf(protocol);
  if (method === "CONNECT" && target.charCodeAt(0) !== 47) {
    return { method, path: "", protocol, httpVersion, targetHost: decodeLogged(target) };
  }
  let absoluteUri: true | undefined;
  let targetHost: string | undefined;
  if (target.charCodeAt(0) !== 47 && SCHEME.test(target)) {
    const hostStart = target.indexOf("//") + 2;
    let hostEnd = hostStart;
    while (hostEnd < target.length && !"/?#".includes(target[hostEnd])) hostEnd++;
    absoluteUri = true;
    targetHost = decodeLogged(target, hostStart, hostEnd);
    target = target.charCodeAt(hostEnd) === 47 ? target.slice(hostEnd) : "/" + target.slice(hostEnd);
  }
  const q = target.indexOf("?");
  const parts: RequestParts = {
    method,
    path: q < 0 ? decodeLogged(target) : decodeLogged(target, 0, q),
    protocol,
    httpVersion,
  };
  if (q >= 0) parts.query = decodeLogged(target, q + 1);
  if (absoluteUri) {
    parts.absoluteUri = true;
    parts.targetHost = targetHost;
  }
  return parts;
}

/**
 * parseRequest decodes nginx's escapes; a proxy that writes backslashes as they came (HAProxy, Caddy,
 * CloudFront) needs them spelled the nginx way first, so `/a\think` stays itself instead of gaining a tab.
 */
export function literalRequest(raw: string): string {
  return raw.indexOf("\\") < 0 ? raw : raw.replaceAll("\\", "\\x5C");
}

const KNOWN_VERSIONS = new Map(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/2", "HTTP/3", "HTTP/3.0", "HTTP/0.9"].map((p) => [p, p.slice(5)]));

/** The version after `HTTP/`, as the line spells it (a DoS tool's `HTTP/1.7` too); common ones shared, not sliced per line. */
function versionOf(protocol: string): string {
  return KNOWN_VERSIONS.get(protocol) ?? decodeLogged(protocol, 5, protocol.length);
}
