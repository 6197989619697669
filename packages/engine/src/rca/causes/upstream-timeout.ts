import type { Cause, Draft, RuleContext } from "../cause.js";
import { timed, type TimedEvidence } from "../evidence.js";
import { fiveXx, iso, quote, readyAddresses, status, target, windowIso } from "../facts.js";

const near = (value: number, goal: number) => Math.abs(value - goal) <= goal * 0.1;

/** Whether the response times sit at proxy-read-timeout, or at proxy-connect-timeout once per attempt. */
export function timeoutShape(ctx: RuleContext) {
  const { input, t } = ctx;
  const readHit = input.upstreamResponseTimes.max >= t.proxyReadTimeoutS * 0.9;
  const attempts = Math.max(1, input.attemptsPerRequestMax);
  const connectHit = near(input.upstreamResponseTimes.max, t.proxyConnectTimeoutS) && input.requestTimes.max >= t.proxyConnectTimeoutS * attempts * 0.9;
  return { readHit, connectHit, attempts };
}

/** 504s whose times match the proxy's timeouts: the upstream does not answer (read) or cannot be reached (connect). */
function detect(ctx: RuleContext): Draft | undefined {
  const { input, scope, t } = ctx;
  const c504 = status(input, 504);
  if (c504 === 0) return undefined;
  const errLines = (input.nonAccessEvidence ?? []).filter((e) => e.reason === "upstream-timeout");
  const { readHit, connectHit, attempts } = timeoutShape(ctx);
  const tgt = target(scope, input);
  const win = windowIso(input);
  const evidence: TimedEvidence[] = [
    timed(
      { kind: "access-log", name: input.upstream ?? tgt, field: "status", value: `504 ×${c504} of ${fiveXx(input)} 5xx; upstream_response_time max ${input.upstreamResponseTimes.max.toFixed(3)}s, request_time max ${input.requestTimes.max.toFixed(3)}s, up to ${attempts} attempt(s)`, time: win.from },
      win,
    ),
  ];
  for (const e of errLines) {
    const at = e.ts === undefined ? undefined : iso(e.ts);
    evidence.push(timed({ kind: "error-log", name: input.upstream ?? tgt, field: e.kind, value: quote(e.message), time: at }, { from: at }));
  }
  const counter: string[] = [];
  const recs: string[] = [];
  if (connectHit) {
    const ready = scope ? readyAddresses(scope) : new Set<string>();
    const stale = input.upstreamAddrs.filter((a) => !ready.has(a.replace(/:\d+$/, "")));
    if (scope && scope.endpoints.length > 0 && stale.length > 0) {
      evidence.push(timed({ kind: "access-log", name: input.upstream ?? tgt, field: "upstream_addr", value: `${stale.join(", ")} not among the ready endpoints now`, time: win.from }, win));
    }
    recs.push(`connects to ${input.upstreamAddrs.join(", ") || tgt} time out after ${t.proxyConnectTimeoutS}s ×${attempts}: the pod IPs do not answer (stale endpoints, NetworkPolicy, lost node) — compare with \`kubectl -n ${scope?.ref.namespace ?? "<ns>"} get endpointslices -l kubernetes.io/service-name=${scope?.ref.name ?? "<svc>"}\``);
  } else if (readHit) {
    recs.push(`requests to ${tgt} hit proxy-read-timeout (${t.proxyReadTimeoutS}s, upstream p95 ${input.upstreamResponseTimes.p95.toFixed(1)}s): find the slow handler, or raise \`nginx.ingress.kubernetes.io/proxy-read-timeout\` only for the routes that need it`);
  } else {
    counter.push(`response times (max ${input.upstreamResponseTimes.max.toFixed(3)}s) are not near proxy-read-timeout ${t.proxyReadTimeoutS}s or proxy-connect-timeout ${t.proxyConnectTimeoutS}s: the timeouts may be configured differently (--proxy-read-timeout, --proxy-connect-timeout)`);
    recs.push(`check the proxy timeouts configured for ${tgt} (annotations or ConfigMap) against the response times above`);
  }
  const dominant = c504 * 2 >= fiveXx(input);
  if (!dominant) counter.push(`504 is ${c504} of ${fiveXx(input)} 5xx`);
  return {
    summary: connectHit ? `connects to ${tgt} time out (proxy-connect-timeout ${t.proxyConnectTimeoutS}s × ${attempts} attempts)` : readHit ? `${tgt} does not answer within proxy-read-timeout ${t.proxyReadTimeoutS}s` : `504 from ${tgt}`,
    label: connectHit ? `proxy-connect-timeout ${t.proxyConnectTimeoutS}s × ${attempts}` : readHit ? `proxy-read-timeout ${t.proxyReadTimeoutS}s` : "504",
    evidence,
    counterEvidence: counter,
    recommendations: recs,
    pods: [],
    grade: () => ((readHit || connectHit) && dominant ? "high" : readHit || connectHit ? "medium" : "low"),
  };
}

export const upstreamTimeout: Cause = { id: "upstream-timeout", reads: [], detect, leadsTo: [] };
