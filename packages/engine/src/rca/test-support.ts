import type { RcaInput } from "./rca-input.js";

/**
 * Test-only RcaInput builder from ingress-nginx upstreaminfo lines: the few fields the RCA needs,
 * parsed with one regex. The real parser and detector replace this in the engine.
 */
const LINE =
  /^\S+ - \S+ \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\] "(\S+) (\S+) [^"]*" (\d{3}) \d+ "[^"]*" "[^"]*" \d+ ([\d.]+) \[([^\]]*)\] \[[^\]]*\] (.*) [0-9a-f]{32}$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const NO_PEER = new Set(["-", "0.0.0.1:80", "127.0.0.1:8181"]);

interface Row {
  ts: number;
  path: string;
  status: number;
  requestTime: number;
  upstream: string;
  addrs: string[];
  times: number[];
  lastUpstreamStatus: string;
}

function parse(line: string): Row {
  const m = LINE.exec(line);
  if (!m) throw new Error(`test log line does not match: ${line}`);
  const [, d, mon, y, hh, mm, ss, , path, status, rt, upstream, rest] = m;
  // `a, b l1, l2 t1, t2 s1, s2`: join the comma lists, then four space-separated fields remain.
  const [addr, , urt, ustatus] = rest.replace(/, /g, ",").split(" ");
  const statuses = ustatus.split(",");
  return {
    ts: Date.UTC(Number(y), MONTHS.indexOf(mon), Number(d), Number(hh), Number(mm), Number(ss)),
    path,
    status: Number(status),
    requestTime: Number(rt),
    upstream,
    addrs: addr.split(","),
    times: urt.split(",").filter((t) => t !== "-").map(Number),
    lastUpstreamStatus: statuses[statuses.length - 1],
  };
}

function quantiles(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => (v.length ? v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] : 0);
  return { p50: at(0.5), p95: at(0.95), max: v.length ? v[v.length - 1] : 0 };
}

const bump = (r: Record<string, number>, k: string) => {
  r[k] = (r[k] ?? 0) + 1;
};

/** Window = first to last 5xx line; every count is over the lines inside it. */
export function rcaInputFromLog(text: string, host: string): RcaInput {
  const rows = text.split("\n").filter(Boolean).map(parse);
  const errors = rows.filter((r) => r.status >= 500);
  const start = Math.min(...errors.map((r) => r.ts));
  const end = Math.max(...errors.map((r) => r.ts));
  const inWindow = rows.filter((r) => r.ts >= start && r.ts <= end);
  const statusCounts: Record<string, number> = {};
  const upstreamStatusCounts: Record<string, number> = {};
  for (const r of inWindow) {
    bump(statusCounts, String(r.status));
    bump(upstreamStatusCounts, r.lastUpstreamStatus);
  }
  return {
    host,
    upstream: errors[0].upstream,
    windowStartMs: start,
    windowEndMs: end,
    statusCounts,
    upstreamStatusCounts,
    upstreamAddrs: [...new Set(inWindow.flatMap((r) => r.addrs).filter((a) => !NO_PEER.has(a)))].sort(),
    requestTimes: quantiles(inWindow.map((r) => r.requestTime)),
    upstreamResponseTimes: quantiles(inWindow.flatMap((r) => r.times)),
    attemptsPerRequestMax: Math.max(...inWindow.map((r) => r.addrs.length)),
    paths501: [...new Set(inWindow.filter((r) => r.status === 501 && r.lastUpstreamStatus === "501").map((r) => r.path))].sort(),
    noEndpointSignals: inWindow.filter((r) => r.status === 503 && r.addrs.every((a) => NO_PEER.has(a))).length,
  };
}
