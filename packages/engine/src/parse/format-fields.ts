import type { UpstreamAttempt } from "../event/http-event.js";
import { type DraftResult, fail, newDraft, newUpstream, setRequest } from "./draft.js";
import { parseRequest } from "./request.js";
import { parseIso8601, parseTimeLocal } from "./time.js";
import { floatOrUndef, intOrUndef } from "./upstream.js";

/**
 * The nginx variables the engine reads, each with the slot its value lands in. Several variables can
 * feed one field; `toDraft` decides which wins (`$msec` over `$time_iso8601` over `$time_local`, `$request`
 * over its parts, `$host` over `$http_host` over `$server_name`...). Any other variable is opaque.
 */
export const VARIABLES = [
  "time_local", "time_iso8601", "msec",
  "remote_addr", "realip_remote_addr", "proxy_protocol_addr", "remote_user",
  "http_x_forwarded_for", "proxy_add_x_forwarded_for", "http_forwarded", "http_x_real_ip", "http_cf_connecting_ip", "http_true_client_ip",
  "host", "http_host", "server_name",
  "request", "request_method", "request_uri", "uri", "args", "query_string", "server_protocol",
  "status", "body_bytes_sent", "bytes_sent", "request_length", "request_time",
  "http_referer", "http_user_agent",
  "upstream_addr", "upstream_status", "upstream_response_time", "upstream_response_length", "upstream_connect_time", "upstream_header_time",
  "proxy_upstream_name", "proxy_alternative_upstream_name", "req_id", "request_id",
] as const;
export type Variable = (typeof VARIABLES)[number];

const SLOT = new Map<string, number>(VARIABLES.map((v, i) => [v, i]));

/** The slot of a variable, or -1 for one the engine does not read. */
export function slotOf(name: string): number {
  return SLOT.get(name) ?? -1;
}

export const TIME_VARIABLES: readonly Variable[] = ["time_local", "time_iso8601", "msec"];

/**
 * Values by slot for one line: decoded, except `request` and `request_uri`, which are in the raw spelling
 * parseRequest decodes itself. Undefined means unset (nginx's `-` or an empty value).
 */
export type Values = Array<string | undefined>;

export function newValues(): Values {
  return new Array<string | undefined>(VARIABLES.length).fill(undefined);
}

const S = Object.fromEntries(VARIABLES.map((v, i) => [v, i])) as Record<Variable, number>;

function first(v: Values, ...names: Variable[]): string | undefined {
  for (const n of names) if (v[S[n]] !== undefined) return v[S[n]];
  return undefined;
}

/** `1483455396.639` → epoch ms, exactly (no float rounding). */
function msecTime(s: string): number {
  const m = /^(\d+)(?:\.(\d{1,3}))?$/.exec(s);
  return m ? Number(m[1]) * 1000 + Number((m[2] ?? "").padEnd(3, "0")) : NaN;
}

/** An upstream variable's values by server group: `a, b : c` → [[a, b], [c]]. */
function groups(s: string | undefined): string[][] {
  return s === undefined ? [] : s.split(" : ").map((g) => g.split(", "));
}

/** One attempt per `$upstream_addr` value that is not `-`, its other values taken at the same position. */
function attempts(v: Values): UpstreamAttempt[] {
  const addr = groups(v[S.upstream_addr]);
  const status = groups(v[S.upstream_status]);
  const time = groups(v[S.upstream_response_time]);
  const length = groups(v[S.upstream_response_length]);
  const connect = groups(v[S.upstream_connect_time]);
  const header = groups(v[S.upstream_header_time]);
  const out: UpstreamAttempt[] = [];
  addr.forEach((g, gi) =>
    g.forEach((a, k) => {
      if (a === "-" || a === "") return;
      out.push({
        addr: a,
        group: gi,
        status: intOrUndef(status[gi]?.[k]),
        responseTime: floatOrUndef(time[gi]?.[k]),
        responseLength: intOrUndef(length[gi]?.[k]),
        connectTime: floatOrUndef(connect[gi]?.[k]),
        headerTime: floatOrUndef(header[gi]?.[k]),
      });
    }),
  );
  return out;
}

/** The event fields from a line's variable values (see VARIABLES), or why the line has no event. */
export function toDraft(v: Values): DraftResult {
  const msec = v[S.msec];
  const iso = v[S.time_iso8601];
  const local = v[S.time_local];
  const ts = msec !== undefined ? msecTime(msec) : iso !== undefined ? parseIso8601(iso) : local !== undefined ? parseTimeLocal(local) : NaN;
  if (Number.isNaN(ts)) return fail("bad-timestamp", (msec ?? iso ?? local ?? "no time value").slice(0, 40));
  const statusText = v[S.status];
  const status = intOrUndef(statusText);
  if (status === undefined || status > 999) return fail("bad-status", `status: ${String(statusText).slice(0, 40)}`);
  const d = newDraft(ts, status);
  d.clientIp = first(v, "remote_addr", "realip_remote_addr", "proxy_protocol_addr");
  // nginx's realip module already replaced $remote_addr: the address that connected is the proxy it came via.
  const peer = v[S.realip_remote_addr];
  if (peer !== undefined && d.clientIp !== undefined && peer !== d.clientIp) d.via = [peer];
  d.remoteUser = v[S.remote_user];
  d.host = first(v, "host", "http_host", "server_name");
  d.forwardedFor = first(v, "http_x_forwarded_for", "proxy_add_x_forwarded_for");
  const forwarded = v[S.http_forwarded];
  const xRealIp = v[S.http_x_real_ip];
  const cfConnectingIp = v[S.http_cf_connecting_ip];
  const trueClientIp = v[S.http_true_client_ip];
  if (forwarded ?? xRealIp ?? cfConnectingIp ?? trueClientIp) d.clientHeaders = { forwarded, xRealIp, cfConnectingIp, trueClientIp };

  const request = v[S.request];
  const uri = v[S.request_uri];
  if (request !== undefined || uri !== undefined) {
    const method = v[S.request_method] ?? "GET";
    // `$request_uri` is the raw target: read it the way `$request` is read, under the logged method.
    setRequest(d, parseRequest(request ?? `${method} ${uri} ${v[S.server_protocol] ?? "HTTP/1.1"}`));
    if (request === undefined) {
      d.method = v[S.request_method];
      // The protocol was made up to read the line: it, and the version, are unknown.
      if (v[S.server_protocol] === undefined) d.protocol = d.httpVersion = undefined;
    }
  } else {
    d.method = v[S.request_method];
    d.path = v[S.uri] ?? "";
    d.query = first(v, "args", "query_string");
    d.protocol = v[S.server_protocol];
  }
  d.bytes = intOrUndef(first(v, "body_bytes_sent", "bytes_sent"));
  d.requestLength = intOrUndef(v[S.request_length]);
  d.requestTime = floatOrUndef(v[S.request_time]);
  d.referer = v[S.http_referer];
  d.userAgent = v[S.http_user_agent];
  d.requestId = first(v, "req_id", "request_id");
  // ingress-nginx writes `[]` for no alternative upstream: an empty name is no name.
  const name = v[S.proxy_upstream_name] || undefined;
  if (v[S.upstream_addr] !== undefined || name !== undefined) d.upstream = newUpstream(name, attempts(v), v[S.proxy_alternative_upstream_name] || undefined);
  return { ok: true, format: "custom", draft: d };
}
