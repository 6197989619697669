import { type DraftResult, fail, newDraft, setRequest } from "./draft.js";
import { type JsonObject, num, str } from "./json-repair.js";
import { literalRequest, parseRequest } from "./request.js";
import { timeValue } from "./time.js";

/** `logger: http.log.access[.name]` with a `request` object: Caddy 2's access log (zap JSON encoder). */
export function isCaddy(o: JsonObject): boolean {
  return typeof o.logger === "string" && o.logger.startsWith("http.log.access") && typeof o.request === "object" && o.request !== null;
}

/** The first value of a header, by case-insensitive name (Go canonicalises `X-Real-Ip`, `Cf-Connecting-Ip`). */
function header(h: JsonObject | undefined, name: string): string | undefined {
  if (!h) return undefined;
  for (const k of Object.keys(h)) {
    if (k.length !== name.length || k.toLowerCase() !== name) continue;
    const v = h[k];
    if (Array.isArray(v)) return v.length && typeof v[0] === "string" ? (v as string[]).join(", ") : undefined;
    return typeof v === "string" ? v : undefined;
  }
  return undefined;
}

/**
 * Caddy's JSON access log (caddyserver.com/docs/caddyfile/directives/log): `ts` in epoch seconds (or an
 * ISO string with a time_format), `request.{client_ip, remote_ip, host, method, uri, proto, headers}`,
 * `status`, `size`, `bytes_read`, `duration` in seconds, `user_id`. The client is `client_ip`, which Caddy
 * already resolved through its own `trusted_proxies` (falling back to `remote_ip` before 2.7; a different
 * `remote_ip` is the proxy it came via); headers are
 * arrays of values. `status` 0 means Caddy wrote no response (a handler that returned nothing).
 */
export function caddyJson(o: JsonObject): DraftResult {
  // --log-format caddy forces this reader on every JSON line; one that is not Caddy's says so.
  if (!isCaddy(o)) return fail("unknown-format", "not a Caddy access log entry (no logger http.log.access and request object)");
  const ts = timeValue(o.ts);
  if (Number.isNaN(ts)) return fail("bad-timestamp", `ts: ${String(o.ts).slice(0, 40)}`);
  const status = num(o, "status");
  if (status === undefined || !Number.isInteger(status) || status < 0 || status > 999) return fail("bad-status", `status: ${String(o.status).slice(0, 40)}`);
  const r = o.request as JsonObject;
  const h = typeof r.headers === "object" && r.headers !== null ? (r.headers as JsonObject) : undefined;
  const d = newDraft(ts, status);
  d.clientIp = str(r, "client_ip") ?? str(r, "remote_ip");
  // Caddy resolved client_ip through its trusted_proxies: remote_ip is the proxy the request came via.
  const peer = str(r, "remote_ip");
  if (peer !== undefined && d.clientIp !== undefined && peer !== d.clientIp) d.via = [peer];
  d.host = str(r, "host");
  const uri = str(r, "uri") ?? "";
  const req = parseRequest(literalRequest(`${str(r, "method") ?? ""} ${uri} ${str(r, "proto") ?? ""}`.trim()));
  setRequest(d, req);
  d.bytes = num(o, "size");
  d.requestLength = num(o, "bytes_read");
  d.requestTime = num(o, "duration");
  d.remoteUser = str(o, "user_id");
  d.userAgent = header(h, "user-agent");
  d.referer = header(h, "referer");
  d.forwardedFor = header(h, "x-forwarded-for");
  d.requestId = header(h, "x-request-id");
  const forwarded = header(h, "forwarded");
  const xRealIp = header(h, "x-real-ip");
  const cfConnectingIp = header(h, "cf-connecting-ip");
  const trueClientIp = header(h, "true-client-ip");
  if (forwarded ?? xRealIp ?? cfConnectingIp ?? trueClientIp) d.clientHeaders = { forwarded, xRealIp, cfConnectingIp, trueClientIp };
  return { ok: true, format: "caddy", draft: d };
}
