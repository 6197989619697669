import { type DraftResult, dash, fail, newDraft, newUpstream, setRequest } from "./draft.js";
import { literalRequest, parseRequest } from "./request.js";
import { parseTimeLocal } from "./time.js";
import { intOrUndef } from "./upstream.js";

const TIMERS = /^-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+$/;

/** HAProxy timers are milliseconds, `-1` when the step never happened. */
function seconds(ms: string): number | undefined {
  const n = Number(ms.charCodeAt(0) === 43 ? ms.slice(1) : ms);
  return Number.isInteger(n) && n >= 0 ? n / 1000 : undefined;
}

/**
 * HAProxy `option httplog` (after the syslog header, which parseLine strips):
 * `client:port [accept_date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes req_cookie res_cookie
 * termination_state actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue {req_hdrs} {res_hdrs} "request"`
 * (configuration.txt 8.2.3). The backend is the upstream and the server its attempt, with Tc as connect and
 * Tr as response-header time; Ta (Tt before 1.5) is the request time and the termination state the upstream's
 * flags (`SC--`: the server refused the connection, `sH--`: it timed out). Fields HAProxy lets users insert
 * between the server and the timers (seen in the wild) are skipped; the request line is the last quoted field.
 */
export function parseHaproxy(line: string): DraftResult {
  const open = line.indexOf(" [");
  const close = line.indexOf("] ", open);
  if (open <= 0 || close < 0) return fail("unknown-format", "no client:port [accept_date]");
  // accept_date is `dd/Mon/yyyy:HH:MM:SS.mmm` in the proxy's local time, without a zone: read as UTC, like
  // the nginx error log (containers and most syslog setups run in UTC).
  const stamp = line.slice(open + 2, close);
  const ms = stamp.length === 24 ? Number(stamp.slice(21)) : NaN;
  const base = parseTimeLocal(`${stamp.slice(0, 20)} +0000`);
  if (Number.isNaN(base) || !Number.isInteger(ms)) return fail("bad-timestamp", stamp.slice(0, 40));
  const q = line.indexOf(' "', close);
  const head = line.slice(close + 2, q < 0 ? line.length : q).split(" ");
  const slash = head.length > 1 ? head[1].indexOf("/") : -1;
  if (slash < 0) return fail("unknown-format", "no backend/server after the frontend");
  let t = 2;
  while (t < head.length && t < 5 && !TIMERS.test(head[t])) t++;
  if (t >= head.length || !TIMERS.test(head[t])) return fail("unknown-format", "no Tq/Tw/Tc/Tr/Ta timers");
  const [, , tc, tr, ta] = head[t].split("/");
  const status = intOrUndef(head[t + 1]);
  if (status === undefined || status > 999) return fail("bad-status", String(head[t + 1]).slice(0, 40));

  const draft = newDraft(base + ms, status);
  // The last token before the date: whatever header a relay put in front (RFC 3339 syslog) is not the client.
  const peer = line.slice(line.lastIndexOf(" ", open - 1) + 1, open);
  const port = peer.lastIndexOf(":");
  // `client:port`, IPv6 without brackets (`2001:db8::1:4711`): the port is always the last part.
  draft.clientIp = dash(port > 0 ? peer.slice(0, port) : peer);
  draft.bytes = intOrUndef(head[t + 2]?.replace(/^\+/, ""));
  draft.requestTime = seconds(ta);
  const backend = head[1].slice(0, slash);
  const server = head[1].slice(slash + 1);
  const responded = seconds(tr) !== undefined;
  const attempts =
    server === "<NOSRV>" || server === ""
      ? []
      : [{ addr: server, group: 0, status: responded ? status : undefined, responseTime: seconds(tr), responseLength: undefined, connectTime: seconds(tc), headerTime: seconds(tr) }];
  const term = head[t + 5];
  draft.upstream = newUpstream(backend, attempts, undefined, term && term !== "----" ? term : undefined);
  if (q >= 0) {
    const end = line.indexOf('"', q + 2);
    const raw = line.slice(q + 2, end < 0 ? line.length : end);
    const req = parseRequest(raw === "<BADREQ>" ? "" : literalRequest(raw));
    setRequest(draft, req);
  } else draft.malformedRequest = true;
  return { ok: true, format: "haproxy", draft };
}
