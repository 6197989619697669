import { type Draft, type DraftResult, dash, fail, newDraft } from "./draft.js";
import { decodeLogged } from "./escape.js";
import { envoyUpstream, hostOfAddress } from "./json.js";
import { parseRequest } from "./request.js";
import { parseIso8601 } from "./time.js";
import { floatOrUndef, intOrUndef } from "./upstream.js";

/**
 * Envoy's default text format:
 * `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 * %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
 * "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"`.
 * The default format has no downstream address, so the client is the first X-Forwarded-For entry.
 */
export function parseEnvoyText(line: string): DraftResult {
  const close = line.indexOf("] ");
  if (line.charCodeAt(0) !== 91 || close < 0) return fail("unknown-format", "no [START_TIME]");
  const ts = parseIso8601(line, 1, close);
  if (Number.isNaN(ts)) return fail("bad-timestamp", line.slice(1, Math.min(close, 41)));
  if (line.charCodeAt(close + 2) !== 34) return fail("unknown-format", "no quoted request after [START_TIME]");
  const reqEnd = line.indexOf('" ', close + 3);
  if (reqEnd < 0) return fail("truncated", "no end of the request");
  const rest = line.slice(reqEnd + 2);
  const sp = rest.split(" ", 6);
  if (sp.length < 6) return fail("truncated", "fewer than 6 fields after the request");
  const [code, flags, received, sent, duration, upstreamTime] = sp;
  const status = intOrUndef(code);
  if (status === undefined || status > 999) return fail("bad-status", code.slice(0, 40));
  const quoted = readQuoted(line, reqEnd + 2 + sp.join(" ").length + 1);
  if (quoted.length < 5) return fail("truncated", "fewer than 5 quoted fields at the end");
  const [xff, ua, requestId, authority, upstreamHost] = quoted.map((q) => dash(q));
  const r = parseRequest(line.slice(close + 3, reqEnd));
  const draft: Draft = Object.assign(newDraft(ts, status), {
    clientIp: hostOfAddress(xff?.split(",")[0].trim()),
    host: authority,
    method: r.method,
    path: r.path,
    query: r.query,
    protocol: r.protocol,
    httpVersion: r.httpVersion,
    bytes: intOrUndef(sent),
    requestLength: intOrUndef(received),
    requestTime: intOrUndef(duration) === undefined ? undefined : Number(duration) / 1000,
    userAgent: ua,
    forwardedFor: xff,
    requestId,
    upstream: envoyUpstream(upstreamHost, undefined, dash(flags), floatOrUndef(upstreamTime)),
  });
  if (r.malformed) draft.malformedRequest = true;
  return { ok: true, format: "envoy", draft };
}

function readQuoted(line: string, from: number): string[] {
  const out: string[] = [];
  let p = line.indexOf('"', from);
  while (p >= 0) {
    let e = line.indexOf('"', p + 1);
    while (e > 0 && line.charCodeAt(e - 1) === 92) e = line.indexOf('"', e + 1);
    if (e < 0) break;
    out.push(decodeLogged(line, p + 1, e));
    p = line.indexOf('"', e + 1);
  }
  return out;
}
