import { type DraftResult, dash, dashDecoded, fail, newDraft, newUpstream, setRequest } from "./draft.js";
import { splitFields } from "./fields.js";
import { parseRequest } from "./request.js";
import { parseTimeLocal } from "./time.js";
import { floatOrUndef, intOrUndef } from "./upstream.js";

/**
 * Nginx Proxy Manager's two access-log formats (both start with `[$time_local]`, as CrowdSec's nginx-logs
 * parser reads them):
 * - proxy hosts: `[time]( $upstream_cache_status $upstream_status)? $status - $request_method $scheme $host
 *   "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio]( [Sent-to $server])?
 *   "$http_user_agent" "$http_referer"`: no protocol is logged, so the HTTP version is unknown;
 * - NPMplus: `[time] $host $remote_addr $request_time "$request" $status $body_bytes_sent $bytes_sent
 *   $http_referer $http_user_agent` (referer and user agent unquoted, the agent running to the end).
 */
export function parseNpm(line: string): DraftResult {
  const close = line.indexOf("] ");
  if (line.charCodeAt(0) !== 91 || close < 0) return fail("unknown-format", "no [time_local]");
  const ts = parseTimeLocal(line, 1, close);
  if (Number.isNaN(ts)) return fail("bad-timestamp", line.slice(1, Math.min(close, 41)));
  const client = line.indexOf(" [Client ", close);
  return client > 0 ? proxyHost(line, close + 2, client, ts) : npmPlus(line, close + 2, ts);
}

function proxyHost(line: string, from: number, client: number, ts: number): DraftResult {
  const quote = line.indexOf('"', from);
  if (quote < 0 || quote > client) return fail("unknown-format", "no quoted request URI before [Client]");
  const head = line.slice(from, quote).trim().split(" ");
  // … $status - $method $scheme $host; before them, optionally the cache and upstream statuses.
  if (head.length < 5 || head[head.length - 4] !== "-") return fail("bad-field", `head: ${line.slice(from, Math.min(quote, from + 40))}`);
  const status = intOrUndef(head[head.length - 5]);
  if (status === undefined || status > 999) return fail("bad-status", head[head.length - 5].slice(0, 40));
  const uriEnd = line.lastIndexOf('"', client);
  const r = parseRequest(`${head[head.length - 3]} ${line.slice(quote + 1, uriEnd)}`);
  const d = newDraft(ts, status);
  setRequest(d, r);
  // Built from $request_method and $request_uri: the line states no version.
  d.httpVersion = undefined;
  d.host = dash(head[head.length - 1]);
  const bracket = (name: string) => {
    const at = line.indexOf(` [${name} `, client);
    if (at < 0) return undefined;
    const end = line.indexOf("]", at);
    return end < 0 ? undefined : line.slice(at + name.length + 3, end);
  };
  d.clientIp = bracket("Client");
  d.bytes = intOrUndef(bracket("Length"));
  const tail = splitFields(line, line.indexOf('"', line.lastIndexOf("]")), 2);
  d.userAgent = dashDecoded(tail[0]);
  d.referer = dashDecoded(tail[1]);
  const sentTo = dash(bracket("Sent-to"));
  if (sentTo !== undefined) d.upstream = newUpstream(undefined, [{ addr: sentTo, status: head.length >= 7 ? intOrUndef(dash(head[head.length - 6])) : undefined, group: 0 }]);
  return { ok: true, format: "nginx-proxy-manager", draft: d };
}

function npmPlus(line: string, from: number, ts: number): DraftResult {
  const f = splitFields(line, from, 8, 7);
  if (f.length < 7) return fail("truncated", `${f.length} fields after the time, NPMplus logs at least 7`);
  const [host, remote, reqTime, request, code, bodyBytes] = f;
  const status = intOrUndef(code);
  if (status === undefined || status > 999) return fail("bad-status", code.slice(0, 40));
  const r = parseRequest(request);
  const d = newDraft(ts, status);
  d.host = dash(host.split("||")[0]);
  d.clientIp = remote;
  d.requestTime = floatOrUndef(reqTime);
  setRequest(d, r);
  d.bytes = intOrUndef(bodyBytes);
  // `$http_referer $http_user_agent`, unquoted: the referer has no space, the agent runs to the end.
  const rest = f[7] ?? "";
  const sp = rest.indexOf(" ");
  d.referer = dashDecoded(sp < 0 ? rest : rest.slice(0, sp));
  d.userAgent = dashDecoded(sp < 0 ? undefined : rest.slice(sp + 1));
  return { ok: true, format: "nginx-proxy-manager", draft: d };
}

/** `[dd/Mon/yyyy:…] ` at the very start of the line. */
export function looksLikeNpm(line: string): boolean {
  return line.charCodeAt(0) === 91 && line.charCodeAt(3) === 47 && line.charCodeAt(7) === 47 && line.charCodeAt(12) === 58;
}
