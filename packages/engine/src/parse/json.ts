import type { LogFormat } from "../event/http-event.js";
import { type Draft, type DraftResult, fail, newDraft, newUpstream } from "./draft.js";
import { type JsonObject, firstNum, firstStr, num, parseJsonTolerant, str } from "./json-repair.js";
import { parseRequest } from "./request.js";
import { timeValue } from "./time.js";
import { caddyJson, isCaddy } from "./caddy.js";
import { parseUpstreamFields } from "./upstream.js";

/**
 * JSON access logs: ingress-nginx `log-format-upstream` JSON (configmap example keys), Traefik
 * `format: json` and Envoy / Envoy Gateway / Istio JSON. The kind is chosen by a key only that producer
 * writes; `want` (from ctx.format) forces one.
 */
export function parseJsonLine(line: string, want?: LogFormat): DraftResult {
  const o = parseJsonTolerant(line);
  if (typeof o === "string") return fail("bad-field", `invalid JSON: ${o}`);
  const kind = want ?? jsonKind(o);
  if (kind === "traefik-json") return traefikJson(o);
  if (kind === "envoy-json") return envoyJson(o);
  if (kind === "caddy") return caddyJson(o);
  return nginxJson(o);
}

export function jsonKind(o: JsonObject): LogFormat {
  if (isCaddy(o)) return "caddy";
  if ("DownstreamStatus" in o || "ClientHost" in o) return "traefik-json";
  if ("response_code" in o || ":authority" in o || "upstream_cluster" in o) return "envoy-json";
  return "json";
}

function firstTime(o: JsonObject, keys: readonly string[]): { ts: number; key?: string } {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null && o[k] !== "-" && o[k] !== "") return { ts: timeValue(o[k]), key: k };
  return { ts: NaN };
}

function statusOf(o: JsonObject, keys: readonly string[]): number | string {
  for (const k of keys) {
    const v = num(o, k);
    if (v !== undefined) return Number.isInteger(v) && v >= 0 && v <= 999 ? v : `${k}: ${String(o[k]).slice(0, 40)}`;
  }
  return `missing ${keys[0]}`;
}

function withPathAndQuery(d: Draft, path: string | undefined, query: string | undefined): void {
  if (path === undefined) return;
  const q = path.indexOf("?");
  if (q >= 0 && query === undefined) {
    d.path = path.slice(0, q);
    d.query = path.slice(q + 1);
  } else {
    d.path = path;
    if (query !== undefined) d.query = query;
  }
}

const NGINX_TIME = ["time", "time_iso8601", "time_local", "timestamp", "@timestamp", "msec"] as const;

function nginxJson(o: JsonObject): DraftResult {
  const { ts, key } = firstTime(o, NGINX_TIME);
  if (Number.isNaN(ts)) return fail("bad-timestamp", key ? `${key}: ${String(o[key]).slice(0, 40)}` : "no time key");
  const status = statusOf(o, ["status"]);
  if (typeof status === "string") return fail("bad-status", status);
  const d: Draft = Object.assign(newDraft(ts, status), {
    clientIp: firstStr(o, ["remote_addr", "client", "client_ip"]),
    host: firstStr(o, ["vhost", "host", "server_name", "http_host"]),
    method: firstStr(o, ["method", "request_method"]),
    protocol: firstStr(o, ["request_proto", "server_protocol", "protocol"]),
    bytes: firstNum(o, ["body_bytes_sent", "bytes_sent"]),
    requestLength: num(o, "request_length"),
    requestTime: num(o, "request_time"),
    userAgent: firstStr(o, ["http_user_agent", "user_agent"]),
    referer: firstStr(o, ["http_referrer", "http_referer", "referer"]),
    remoteUser: str(o, "remote_user"),
    forwardedFor: firstStr(o, ["x_forwarded_for", "http_x_forwarded_for"]),
    requestId: firstStr(o, ["request_id", "req_id"]),
  });
  const path = firstStr(o, ["path", "uri", "request_uri"]);
  if (path !== undefined) withPathAndQuery(d, path, firstStr(o, ["request_query", "args", "query_string"]));
  else {
    const request = typeof o.request === "string" ? o.request : undefined;
    if (request !== undefined) {
      const r = parseRequest(request);
      Object.assign(d, { method: r.method, path: r.path, query: r.query, protocol: r.protocol, httpVersion: r.httpVersion });
      if (r.malformed) d.malformedRequest = true;
    }
  }
  const addr = str(o, "upstream_addr");
  if (addr !== undefined || str(o, "proxy_upstream_name") !== undefined) {
    const fields = ["upstream_addr", "upstream_response_length", "upstream_response_time", "upstream_status"].map((k) => str(o, k) ?? "-");
    const up = parseUpstreamFields(fields.join(" "));
    d.upstream = newUpstream(str(o, "proxy_upstream_name"), up?.attempts ?? [], str(o, "proxy_alternative_upstream_name"));
  }
  return { ok: true, format: "json", draft: d };
}

function traefikJson(o: JsonObject): DraftResult {
  const { ts, key } = firstTime(o, ["StartUTC", "StartLocal", "time"]);
  if (Number.isNaN(ts)) return fail("bad-timestamp", key ? `${key}: ${String(o[key]).slice(0, 40)}` : "no StartUTC");
  const status = statusOf(o, ["DownstreamStatus"]);
  if (typeof status === "string") return fail("bad-status", status);
  const duration = num(o, "Duration");
  const d: Draft = Object.assign(newDraft(ts, status), {
    // Behind trusted proxies Traefik may put a list in ClientHost; the last entry is the nearest hop's view.
    clientIp: str(o, "ClientHost")?.split(",").pop()?.trim(),
    host: firstStr(o, ["RequestHost", "RequestAddr"]),
    method: str(o, "RequestMethod"),
    protocol: str(o, "RequestProtocol"),
    bytes: num(o, "DownstreamContentSize"),
    requestLength: num(o, "RequestContentSize"),
    requestTime: duration === undefined ? undefined : duration / 1e9,
    userAgent: str(o, "request_User-Agent"),
    referer: str(o, "request_Referer"),
    remoteUser: str(o, "ClientUsername"),
    forwardedFor: str(o, "request_X-Forwarded-For"),
    requestId: str(o, "request_X-Request-Id"),
  });
  withPathAndQuery(d, str(o, "RequestPath"), undefined);
  const serviceAddr = str(o, "ServiceAddr");
  const originStatus = num(o, "OriginStatus");
  const originDuration = num(o, "OriginDuration");
  d.upstream = newUpstream(
    str(o, "ServiceName") ?? str(o, "RouterName"),
    serviceAddr === undefined
      ? []
      : [
          {
            addr: serviceAddr,
            group: 0,
            // OriginStatus 0 means Traefik answered itself (no upstream response).
            ...(originStatus ? { status: originStatus } : {}),
            ...(originDuration !== undefined ? { responseTime: originDuration / 1e9 } : {}),
            ...(num(o, "OriginContentSize") !== undefined ? { responseLength: num(o, "OriginContentSize") } : {}),
          },
        ],
  );
  return { ok: true, format: "traefik-json", draft: d };
}

/** `10.0.0.12:59292` → `10.0.0.12`, `[2001:db8::1]:443` → `2001:db8::1`. */
export function hostOfAddress(a: string | undefined): string | undefined {
  if (a === undefined) return undefined;
  if (a.startsWith("[")) {
    const e = a.indexOf("]");
    return e > 0 ? a.slice(1, e) : a;
  }
  const c = a.lastIndexOf(":");
  return c > 0 && a.indexOf(":") === c ? a.slice(0, c) : a;
}

function envoyJson(o: JsonObject): DraftResult {
  const { ts, key } = firstTime(o, ["start_time", "timestamp", "time"]);
  if (Number.isNaN(ts)) return fail("bad-timestamp", key ? `${key}: ${String(o[key]).slice(0, 40)}` : "no start_time");
  const status = statusOf(o, ["response_code"]);
  if (typeof status === "string") return fail("bad-status", status);
  const duration = num(o, "duration");
  const forwardedFor = str(o, "x-forwarded-for");
  const d: Draft = Object.assign(newDraft(ts, status), {
    clientIp: hostOfAddress(str(o, "downstream_remote_address")) ?? hostOfAddress(forwardedFor?.split(",")[0].trim()),
    host: str(o, ":authority"),
    method: str(o, "method"),
    protocol: str(o, "protocol"),
    bytes: num(o, "bytes_sent"),
    requestLength: num(o, "bytes_received"),
    requestTime: duration === undefined ? undefined : duration / 1000,
    userAgent: str(o, "user-agent"),
    referer: firstStr(o, ["referer", "referrer"]),
    forwardedFor,
    requestId: str(o, "x-request-id"),
  });
  withPathAndQuery(d, firstStr(o, ["x-envoy-origin-path", "path"]), undefined);
  d.upstream = envoyUpstream(str(o, "upstream_host"), str(o, "upstream_cluster"), str(o, "response_flags"), num(o, "x-envoy-upstream-service-time"));
  return { ok: true, format: "envoy-json", draft: d };
}

export function envoyUpstream(host: string | undefined, cluster: string | undefined, flags: string | undefined, serviceTimeMs: number | undefined): Draft["upstream"] {
  const attempts = host === undefined ? [] : [serviceTimeMs === undefined ? { addr: host, group: 0 } : { addr: host, group: 0, responseTime: serviceTimeMs / 1000 }];
  return newUpstream(cluster, attempts, undefined, flags);
}
