import { type DraftResult, dash, dashDecoded, fail, newDraft, newUpstream, setRequest } from "./draft.js";
import { splitFields } from "./fields.js";
import { hostOfAddress } from "./json.js";
import { parseRequest } from "./request.js";
import { parseIso8601 } from "./time.js";
import { floatOrUndef, intOrUndef } from "./upstream.js";

/**
 * AWS Application Load Balancer access logs (docs.aws.amazon.com, "Access logs for your Application Load
 * Balancer"): `type time elb client:port target:port request_processing_time target_processing_time
 * response_processing_time elb_status_code target_status_code received_bytes sent_bytes "request"
 * "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name" …`.
 *
 * The load balancer logs every request target in absolute form (`GET https://host:443/path HTTP/1.1`) whatever
 * the client sent, so the form says nothing about proxy probing here: the host it names is the request's host
 * (the TLS SNI `domain_name` when there is one), and absoluteUri stays unset. A processing time of -1 means
 * the load balancer could not send the request or its answer; the request time is then unknown.
 */
export function parseAlb(line: string): DraftResult {
  const f = splitFields(line, 0, 24);
  if (f.length < 14) return fail("truncated", `${f.length} fields, an ALB line has at least 14`);
  const [, time, , client, target, reqT, targetT, respT, elbStatus, targetStatus, received, sent, request, ua] = f;
  const ts = parseIso8601(time);
  if (Number.isNaN(ts)) return fail("bad-timestamp", time.slice(0, 40));
  const status = intOrUndef(elbStatus);
  if (status === undefined || status > 999) return fail("bad-status", elbStatus.slice(0, 40));
  const r = parseRequest(request);
  const d = newDraft(ts, status);
  d.clientIp = hostOfAddress(dash(client));
  setRequest(d, { ...r, absoluteUri: undefined, targetHost: undefined });
  const sni = dash(f[18]);
  d.host = sni ?? (r.targetHost ? hostOfAddress(r.targetHost) : undefined);
  d.bytes = intOrUndef(sent);
  d.requestLength = intOrUndef(received);
  const times = [reqT, targetT, respT].map(floatOrUndef);
  if (times.every((t) => t !== undefined && t >= 0)) d.requestTime = Math.round((times[0]! + times[1]! + times[2]!) * 1000) / 1000;
  d.userAgent = dashDecoded(ua);
  d.requestId = dash(f[17]);
  const addr = dash(target);
  if (addr !== undefined) {
    const group = /targetgroup\/([^/]+)\//.exec(f[16] ?? "")?.[1];
    d.upstream = newUpstream(group, [{ addr, status: intOrUndef(dash(targetStatus)), responseTime: times[1] !== undefined && times[1] >= 0 ? times[1] : undefined, group: 0 }]);
  }
  return { ok: true, format: "aws-alb", draft: d };
}

/** `https 2023-04-26T12:23:00.186641Z app/…`: the connection type, then an ISO time. */
export function looksLikeAlb(line: string): boolean {
  const sp = line.indexOf(" ");
  if (sp < 2 || sp > 5) return false;
  const t = line.slice(0, sp);
  return (t === "http" || t === "https" || t === "h2" || t === "grpcs" || t === "ws" || t === "wss") && line.charCodeAt(sp + 5) === 45 && line.charCodeAt(sp + 11) === 84;
}
