import type { RcaCause, RcaFinding } from "../incident/incident.js";
import { describeOutside, hms, isoMs, overlaps, timed, type TimedEvidence, type Window } from "./evidence.js";
import type { RcaInput } from "./rca-input.js";
import type { Scope } from "./scope.js";
import type { ContainerStatus, K8sEvent, Pod } from "./snapshot.js";

export interface RuleContext {
  /** Undefined when the upstream maps to no Service: only the log-based rules can speak. */
  scope?: Scope;
  input: RcaInput;
  w: Window;
  proxyReadTimeoutS: number;
  proxyConnectTimeoutS: number;
}

type Confidence = RcaFinding["confidence"];

interface Draft {
  summary: string;
  evidence: TimedEvidence[];
  counterEvidence?: string[];
  recommendations: string[];
  /** Confidence given whether any evidence overlaps the window (slack included). */
  grade: (overlapping: boolean) => Confidence;
}

const status = (input: RcaInput, code: number) => input.statusCounts[String(code)] ?? 0;
const fiveXx = (input: RcaInput) =>
  Object.entries(input.statusCounts).reduce((n, [k, v]) => (/^5\d\d$/.test(k) ? n + v : n), 0);

const WAITING_EXPLAINED = new Set(["CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError", "CreateContainerError", "InvalidImageName"]);
const IMAGE_WAITING = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName"]);

const readyCondition = (p: Pod) => p.conditions.find((c) => c.type === "Ready");
const podEvents = (scope: Scope, pod: Pod) =>
  scope.events.filter((e) => e.involved.kind === "Pod" && e.involved.name === pod.name);
const times = (e: K8sEvent) => (e.count > 1 ? ` (x${e.count})` : "");
const quote = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const ns = (scope: Scope) => scope.ref.namespace;

function eventEvidence(e: K8sEvent): TimedEvidence {
  return timed(
    {
      kind: "Event",
      namespace: e.involved.namespace,
      name: `${e.involved.kind}/${e.involved.name}`,
      field: `event ${e.reason}`,
      value: `${quote(e.message)}${times(e)}`,
      // The start is what proves overlap with the spike; the count says how long it went on.
      time: e.first ?? e.last,
    },
    { from: e.first, to: e.last },
  );
}

function nodeUnhealthy(scope: Scope, nodeName: string | undefined): boolean {
  if (!nodeName) return false;
  const node = scope.nodes.find((n) => n.name === nodeName);
  const ready = node?.conditions.find((c) => c.type === "Ready");
  const lostByEvents = scope.events.some((e) => e.reason === "NodeNotReady" && e.involved.kind === "Pod" && scope.pods.some((p) => p.name === e.involved.name && p.nodeName === nodeName));
  return (ready !== undefined && ready.status !== "True") || lostByEvents;
}

const readyAddresses = (scope: Scope) => new Set(scope.endpoints.flatMap((e) => e.addresses.filter((a) => a.ready).map((a) => a.ip)));

// ---------------------------------------------------------------- rules, in table order

function zeroReadyEndpoints(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  const klog = (input.nonAccessEvidence ?? []).filter(
    (e) => e.reason === "no-active-endpoint" && (!scope || e.service === `${scope.ref.namespace}/${scope.ref.name}`),
  );
  const logSignal = input.noEndpointSignals > 0 || klog.length > 0;
  if (!scope) return undefined;
  const ready = readyAddresses(scope);
  const haveEndpoints = scope.endpoints.length > 0;
  const selectedReady = scope.pods.filter((p) => readyCondition(p)?.status === "True");
  const k8sZero = haveEndpoints ? ready.size === 0 : scope.service !== undefined && selectedReady.length === 0;
  if (!k8sZero && !logSignal) return undefined;

  const evidence: TimedEvidence[] = [];
  const counter: string[] = [];
  const svc = `${scope.ref.namespace}/${scope.ref.name}`;
  for (const set of scope.endpoints) {
    const notReady = set.addresses.filter((a) => !a.ready).length;
    const readyN = set.addresses.length - notReady;
    evidence.push(
      timed(
        {
          kind: set.source,
          namespace: set.namespace,
          name: set.name,
          field: set.source === "Endpoints" ? "subsets[].addresses" : "endpoints[].conditions.ready",
          value: `${readyN} ready, ${notReady} not ready`,
          time: set.lastChange,
        },
        { from: set.lastChange, ongoing: true },
      ),
    );
  }
  if (!haveEndpoints && scope.service) {
    evidence.push(timed({ kind: "Service", namespace: scope.ref.namespace, name: scope.ref.name, field: "selected pods Ready=True", value: String(selectedReady.length) }, {}));
  }
  for (const k of klog) {
    evidence.push(timed({ kind: "controller-log", name: svc, field: "klog", value: quote(k.message), time: k.ts === undefined ? undefined : new Date(k.ts).toISOString() }, { from: k.ts === undefined ? undefined : new Date(k.ts).toISOString() }));
  }
  if (input.noEndpointSignals > 0) {
    evidence.push(
      timed(
        { kind: "access-log", name: input.upstream ?? svc, field: "upstream_addr", value: `${input.noEndpointSignals} requests answered 503 with no upstream peer (-, 0.0.0.1:80 or 127.0.0.1:8181)`, time: new Date(input.windowStartMs).toISOString() },
        { from: new Date(input.windowStartMs).toISOString(), to: new Date(input.windowEndMs).toISOString() },
      ),
    );
  }
  if (!k8sZero) counter.push(`the snapshot shows ${ready.size || selectedReady.length} ready endpoint(s) for ${svc} now: endpoints may have recovered after the spike`);
  if (k8sZero && status(input, 503) === 0) counter.push(`no 503 in the window, which is what ingress-nginx answers when a Service has no endpoint`);

  const selector = scope.service?.selector;
  const recs: string[] = [];
  if (selector && scope.pods.length === 0) {
    const sel = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(",");
    recs.push(`\`kubectl -n ${ns(scope)} get pods -l ${sel}\` — Service ${svc} selects ${sel} but no pod in ${ns(scope)} matches; compare the selector with the Deployment's pod template labels`);
  } else {
    recs.push(`\`kubectl -n ${ns(scope)} get endpointslices -l kubernetes.io/service-name=${scope.ref.name}\` — ${scope.pods.length} pod(s) selected, ${selectedReady.length} ready: see the pod-level causes for why they are not ready`);
  }
  return {
    summary: k8sZero
      ? `Service ${svc} has no ready endpoint (${scope.pods.length} pod(s) selected)`
      : `ingress-nginx found no endpoint for ${svc} during the spike, but the snapshot shows ready endpoints now`,
    evidence,
    counterEvidence: counter,
    recommendations: recs,
    grade: (o) => (k8sZero && o && (status(input, 503) > 0 || logSignal) ? "high" : k8sZero && o ? "medium" : "low"),
  };
}

function readinessFailures(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const evidence: TimedEvidence[] = [];
  const recs: string[] = [];
  let probeEvents = false;
  let failing = 0;
  for (const pod of scope.pods) {
    // Not-ready pods whose containers wait on a crash or an image, or whose node is gone, are the other rules' business.
    if (pod.containerStatuses.some((c) => c.state.waiting?.reason && WAITING_EXPLAINED.has(c.state.waiting.reason))) continue;
    if (nodeUnhealthy(scope, pod.nodeName)) continue;
    const cond = readyCondition(pod);
    const unhealthy = podEvents(scope, pod).filter((e) => e.reason === "Unhealthy" && /^Readiness probe/.test(e.message));
    if (cond?.status !== "False" && unhealthy.length === 0) continue;
    if (cond?.status === "False") {
      evidence.push(
        timed(
          { kind: "Pod", namespace: pod.namespace, name: pod.name, field: "status.conditions[Ready].status", value: `False${cond.reason ? ` (${cond.reason})` : ""}`, time: cond.lastTransitionTime },
          { from: cond.lastTransitionTime, ongoing: true },
        ),
      );
    }
    for (const e of unhealthy) evidence.push(eventEvidence(e));
    probeEvents ||= unhealthy.length > 0;
    failing++;
    const first = unhealthy[0];
    recs.push(
      `\`kubectl -n ${pod.namespace} describe pod ${pod.name}\` — ${first ? `readiness probe failing${times(first)} since ${hms(isoMs(first.first)!)} ("${quote(first.message, 70)}")` : `Ready=False since ${cond?.lastTransitionTime ? hms(isoMs(cond.lastTransitionTime)!) : "an unknown time"}`}; check the probe path/port/timeout and the dependencies the app checks`,
    );
  }
  if (evidence.length === 0) return undefined;
  const hit = status(input, 502) + status(input, 503) > 0;
  return {
    summary: `readiness failing on ${failing} of ${scope.pods.length} selected pod(s)`,
    evidence,
    counterEvidence: hit ? [] : ["no 502/503 in the window: not-ready pods are taken out of rotation without errors"],
    recommendations: recs,
    grade: (o) => (o && probeEvents && hit ? "high" : o ? "medium" : "low"),
  };
}

function lastTermination(c: ContainerStatus) {
  const t = c.lastState.terminated ?? c.state.terminated;
  return t ? `${t.reason ?? "terminated"}${t.exitCode !== undefined ? ` exit ${t.exitCode}` : ""}` : "unknown";
}

function crashloop(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const evidence: TimedEvidence[] = [];
  const recs: string[] = [];
  const ips: string[] = [];
  for (const pod of scope.pods) {
    const looping = pod.containerStatuses.filter((c) => c.state.waiting?.reason === "CrashLoopBackOff");
    const backoff = podEvents(scope, pod).filter((e) => e.reason === "BackOff" && /restarting failed container/.test(e.message));
    if (looping.length === 0 && backoff.length === 0) continue;
    for (const c of looping) {
      const t = c.lastState.terminated;
      evidence.push(
        timed(
          { kind: "Pod", namespace: pod.namespace, name: pod.name, field: `status.containerStatuses[${c.name}].state.waiting.reason`, value: `CrashLoopBackOff (restartCount ${c.restartCount})`, time: t?.finishedAt },
          { from: t?.finishedAt, ongoing: true },
        ),
      );
      if (t) {
        evidence.push(
          timed(
            { kind: "Pod", namespace: pod.namespace, name: pod.name, field: `status.containerStatuses[${c.name}].lastState.terminated.reason`, value: lastTermination(c), time: t.finishedAt },
            { from: t.startedAt ?? t.finishedAt, to: t.finishedAt },
          ),
        );
      }
      const hint = t?.reason === "Completed" ? "the process exits cleanly but restartPolicy Always restarts it: it must keep running" : t?.reason === "OOMKilled" ? "it is killed for memory (see oom-killed)" : "fix the startup failure shown in the previous logs";
      recs.push(`\`kubectl -n ${pod.namespace} logs ${pod.name} -c ${c.name} --previous\` — container \`${c.name}\` crash-looping, ${c.restartCount} restarts, last ${lastTermination(c)}${t?.finishedAt ? ` at ${hms(isoMs(t.finishedAt)!)}` : ""}; ${hint}`);
    }
    for (const e of backoff) evidence.push(eventEvidence(e));
    if (pod.podIP) ips.push(pod.podIP);
  }
  if (evidence.length === 0) return undefined;
  const hitAddrs = input.upstreamAddrs.filter((a) => ips.includes(a.replace(/:\d+$/, "")));
  if (hitAddrs.length > 0) {
    evidence.push(
      timed(
        { kind: "access-log", name: input.upstream ?? `${scope.ref.namespace}/${scope.ref.name}`, field: "upstream_addr", value: `requests went to crash-looping pod IP(s) ${hitAddrs.join(", ")}`, time: new Date(input.windowStartMs).toISOString() },
        { from: new Date(input.windowStartMs).toISOString(), to: new Date(input.windowEndMs).toISOString() },
      ),
    );
  }
  const hit = status(input, 502) + status(input, 503) > 0;
  return {
    summary: `container(s) in CrashLoopBackOff behind ${scope.ref.namespace}/${scope.ref.name}`,
    evidence,
    counterEvidence: hit ? [] : ["no 502/503 in the window (a crashing upstream refuses connections → 502)"],
    recommendations: recs,
    grade: (o) => (o && hit ? "high" : o ? "medium" : "low"),
  };
}

function oomKilled(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const evidence: TimedEvidence[] = [];
  const recs: string[] = [];
  for (const pod of scope.pods) {
    for (const c of pod.containerStatuses) {
      const t = [c.lastState.terminated, c.state.terminated].find((x) => x?.reason === "OOMKilled");
      if (!t) continue;
      evidence.push(
        timed(
          { kind: "Pod", namespace: pod.namespace, name: pod.name, field: `status.containerStatuses[${c.name}].lastState.terminated.reason`, value: `OOMKilled${t.exitCode !== undefined ? ` exit ${t.exitCode}` : ""} (restartCount ${c.restartCount})`, time: t.finishedAt },
          { from: t.startedAt ?? t.finishedAt, to: t.finishedAt },
        ),
      );
      const limit = pod.containers.find((x) => x.name === c.name)?.memoryLimit;
      const since = pod.createdAt ? ` since ${hms(isoMs(pod.createdAt)!)}` : "";
      recs.push(
        `\`kubectl -n ${pod.namespace} describe pod ${pod.name}\` — container \`${c.name}\` OOMKilled, restarted ${c.restartCount}×${since} (last at ${t.finishedAt ? hms(isoMs(t.finishedAt)!) : "?"}); ${limit ? `raise memory limit above ${limit}` : "set a memory limit that fits the working set"} or find the leak`,
      );
    }
  }
  const nodes = new Set(scope.pods.map((p) => p.nodeName));
  const oomEvents = scope.events.filter((e) => e.reason === "OOMKilling" && (e.involved.kind !== "Node" || nodes.has(e.involved.name)));
  for (const e of oomEvents) evidence.push(eventEvidence(e));
  if (evidence.length === 0) return undefined;
  const podLevel = evidence.some((e) => e.evidence.kind === "Pod");
  const hit = status(input, 502) + status(input, 503) + status(input, 504) > 0;
  return {
    summary: podLevel ? `container(s) behind ${scope.ref.namespace}/${scope.ref.name} were OOMKilled` : `the kernel OOM-killed processes on a node hosting the selected pods`,
    evidence,
    counterEvidence: podLevel ? [] : ["only node-level OOMKilling events: no selected container reports OOMKilled"],
    recommendations: recs.length ? recs : [`\`kubectl describe node ${[...nodes].filter(Boolean).join(" ")}\` — OOMKilling on the node; check which pod's cgroup was hit and its memory limit`],
    grade: (o) => (o && podLevel && hit ? "high" : o ? "medium" : "low"),
  };
}

function imagePull(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const evidence: TimedEvidence[] = [];
  const recs: string[] = [];
  const affected = new Set<string>();
  for (const pod of scope.pods) {
    const waiting = pod.containerStatuses.filter((c) => c.state.waiting?.reason && IMAGE_WAITING.has(c.state.waiting.reason));
    const events = podEvents(scope, pod).filter(
      (e) => (e.reason === "Failed" && /ErrImagePull|ImagePullBackOff|Failed to pull image/.test(e.message)) || (e.reason === "BackOff" && /^Back-off pulling image/.test(e.message)),
    );
    if (waiting.length === 0 && events.length === 0) continue;
    affected.add(pod.name);
    for (const c of waiting) {
      evidence.push(
        timed(
          { kind: "Pod", namespace: pod.namespace, name: pod.name, field: `status.containerStatuses[${c.name}].state.waiting.reason`, value: `${c.state.waiting!.reason}${c.state.waiting!.message ? ` (${quote(c.state.waiting!.message, 70)})` : ""}`, time: pod.createdAt },
          { from: pod.createdAt, ongoing: true },
        ),
      );
    }
    for (const e of events) evidence.push(eventEvidence(e));
    const image = waiting[0]?.image ?? pod.containers[0]?.image ?? "?";
    const deploy = scope.deployments.find((d) => Object.entries(d.matchLabels).every(([k, v]) => pod.labels[k] === v));
    const first = events[0]?.first ?? pod.createdAt;
    recs.push(
      `\`kubectl -n ${pod.namespace} describe pod ${pod.name}\` — image \`${image}\` cannot be pulled (ErrImagePull → ImagePullBackOff${first ? ` since ${hms(isoMs(first)!)}` : ""}); fix the tag or imagePullSecrets${deploy ? `, or \`kubectl -n ${pod.namespace} rollout undo deployment/${deploy.name}\`` : ""}`,
    );
  }
  if (evidence.length === 0) return undefined;
  const servingLeft = scope.pods.filter((p) => !affected.has(p.name) && readyCondition(p)?.status === "True").length;
  const noneReady = readyAddresses(scope).size === 0 && servingLeft === 0;
  const hit = fiveXx(input) > 0;
  return {
    summary: `${affected.size} pod(s) behind ${scope.ref.namespace}/${scope.ref.name} cannot pull their image${noneReady ? " and nothing else serves" : ""}`,
    evidence,
    counterEvidence: servingLeft > 0 ? [`${servingLeft} other selected pod(s) are ready and still serving: a stuck rollout alone does not fail requests`] : [],
    recommendations: recs,
    grade: (o) => (o && noneReady && hit ? "high" : o ? "medium" : "low"),
  };
}

function nodeNotReady(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const evidence: TimedEvidence[] = [];
  const recs: string[] = [];
  for (const node of scope.nodes) {
    const ready = node.conditions.find((c) => c.type === "Ready");
    const taints = node.taints.filter((t) => t.key === "node.kubernetes.io/unreachable" || t.key === "node.kubernetes.io/not-ready");
    if (ready?.status === "True" && taints.length === 0) continue;
    if (!ready && taints.length === 0) continue;
    const hosted = scope.pods.filter((p) => p.nodeName === node.name).map((p) => p.name);
    if (ready && ready.status !== "True") {
      evidence.push(
        timed(
          { kind: "Node", name: node.name, field: "status.conditions[Ready].status", value: `${ready.status}${ready.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ""})` : ""}`, time: ready.lastTransitionTime },
          { from: ready.lastTransitionTime, ongoing: true },
        ),
      );
    }
    for (const t of taints) {
      evidence.push(timed({ kind: "Node", name: node.name, field: "spec.taints", value: `${t.key}:${t.effect ?? ""}`, time: t.timeAdded }, { from: t.timeAdded, ongoing: true }));
    }
    recs.push(
      `\`kubectl describe node ${node.name}\` — node ${ready?.status === "Unknown" ? "unreachable" : "NotReady"}${ready?.lastTransitionTime ? ` since ${hms(isoMs(ready.lastTransitionTime)!)}` : ""}, hosting ${hosted.join(", ")}; restore the kubelet or drain the node, and spread replicas across nodes (topologySpreadConstraints, PodDisruptionBudget)`,
    );
  }
  const nodeEvents = scope.events.filter((e) => e.reason === "NodeNotReady");
  for (const e of nodeEvents) evidence.push(eventEvidence(e));
  if (evidence.length === 0) return undefined;
  if (recs.length === 0) recs.push(`\`kubectl get nodes -o wide\` — pods behind ${scope.ref.namespace}/${scope.ref.name} got NodeNotReady events; the snapshot has no Node object to confirm`);
  const hit = status(input, 502) + status(input, 503) + status(input, 504) > 0;
  return {
    summary: `node(s) hosting pods of ${scope.ref.namespace}/${scope.ref.name} are not ready`,
    evidence,
    recommendations: recs,
    grade: (o) => (o && hit ? "high" : o ? "medium" : "low"),
  };
}

const near = (value: number, target: number) => Math.abs(value - target) <= target * 0.1;

function timeoutShape(ctx: RuleContext) {
  const { input, proxyReadTimeoutS: read, proxyConnectTimeoutS: connect } = ctx;
  const readHit = input.upstreamResponseTimes.max >= read * 0.9;
  const attempts = Math.max(1, input.attemptsPerRequestMax);
  const connectHit = near(input.upstreamResponseTimes.max, connect) && input.requestTimes.max >= connect * attempts * 0.9;
  return { readHit, connectHit, attempts };
}

function upstreamTimeout(ctx: RuleContext): Draft | undefined {
  const { input, scope } = ctx;
  const c504 = status(input, 504);
  const errLines = (input.nonAccessEvidence ?? []).filter((e) => e.reason === "upstream-timeout");
  if (c504 === 0) return undefined;
  const { readHit, connectHit, attempts } = timeoutShape(ctx);
  const target = scope ? `${scope.ref.namespace}/${scope.ref.name}` : (input.upstream ?? "the upstream");
  const windowIso = { from: new Date(input.windowStartMs).toISOString(), to: new Date(input.windowEndMs).toISOString() };
  const evidence: TimedEvidence[] = [
    timed(
      { kind: "access-log", name: input.upstream ?? target, field: "status", value: `504 ×${c504} of ${fiveXx(input)} 5xx; upstream_response_time max ${input.upstreamResponseTimes.max.toFixed(3)}s, request_time max ${input.requestTimes.max.toFixed(3)}s, up to ${attempts} attempt(s)`, time: windowIso.from },
      windowIso,
    ),
  ];
  for (const e of errLines) {
    const at = e.ts === undefined ? undefined : new Date(e.ts).toISOString();
    evidence.push(timed({ kind: "error-log", name: input.upstream ?? target, field: e.kind, value: quote(e.message), time: at }, { from: at }));
  }
  const counter: string[] = [];
  const recs: string[] = [];
  if (connectHit) {
    const ready = scope ? readyAddresses(scope) : new Set<string>();
    const stale = input.upstreamAddrs.filter((a) => !ready.has(a.replace(/:\d+$/, "")));
    if (scope && scope.endpoints.length > 0 && stale.length > 0) {
      evidence.push(timed({ kind: "access-log", name: input.upstream ?? target, field: "upstream_addr", value: `${stale.join(", ")} not among the ready endpoints now`, time: windowIso.from }, windowIso));
    }
    recs.push(`connects to ${input.upstreamAddrs.join(", ") || target} time out after ${ctx.proxyConnectTimeoutS}s ×${attempts}: the pod IPs do not answer (stale endpoints, NetworkPolicy, lost node) — compare with \`kubectl -n ${scope?.ref.namespace ?? "<ns>"} get endpointslices -l kubernetes.io/service-name=${scope?.ref.name ?? "<svc>"}\``);
  } else if (readHit) {
    recs.push(`requests to ${target} hit proxy-read-timeout (${ctx.proxyReadTimeoutS}s, upstream p95 ${input.upstreamResponseTimes.p95.toFixed(1)}s): find the slow handler, or raise \`nginx.ingress.kubernetes.io/proxy-read-timeout\` only for the routes that need it`);
  } else {
    counter.push(`response times (max ${input.upstreamResponseTimes.max.toFixed(3)}s) are not near proxy-read-timeout ${ctx.proxyReadTimeoutS}s or proxy-connect-timeout ${ctx.proxyConnectTimeoutS}s: the timeouts may be configured differently`);
    recs.push(`check the proxy timeouts configured for ${target} (annotations or ConfigMap) against the response times above`);
  }
  const dominant = c504 * 2 >= fiveXx(input);
  if (!dominant) counter.push(`504 is ${c504} of ${fiveXx(input)} 5xx`);
  return {
    summary: connectHit ? `connects to ${target} time out (proxy-connect-timeout ${ctx.proxyConnectTimeoutS}s × ${attempts} attempts)` : readHit ? `${target} does not answer within proxy-read-timeout ${ctx.proxyReadTimeoutS}s` : `504 from ${target}`,
    evidence,
    counterEvidence: counter,
    recommendations: recs,
    grade: () => ((readHit || connectHit) && dominant ? "high" : readHit || connectHit ? "medium" : "low"),
  };
}

const LATENCY_P95_S = 1;

function upstreamLatency(ctx: RuleContext): Draft | undefined {
  const { input, scope } = ctx;
  if (fiveXx(input) === 0 || input.upstreamResponseTimes.p95 < LATENCY_P95_S) return undefined;
  const { readHit } = timeoutShape(ctx);
  if (status(input, 504) > 0 && readHit) return undefined; // the timeout rule already owns this
  const target = scope ? `${scope.ref.namespace}/${scope.ref.name}` : (input.upstream ?? "the upstream");
  const upstream5xx = Object.entries(input.upstreamStatusCounts).reduce((n, [k, v]) => (/^5\d\d$/.test(k) ? n + v : n), 0);
  const windowIso = { from: new Date(input.windowStartMs).toISOString(), to: new Date(input.windowEndMs).toISOString() };
  return {
    summary: `${target} is slow: upstream p95 ${input.upstreamResponseTimes.p95.toFixed(2)}s, p50 ${input.upstreamResponseTimes.p50.toFixed(2)}s`,
    evidence: [
      timed(
        { kind: "access-log", name: input.upstream ?? target, field: "upstream_response_time", value: `p50 ${input.upstreamResponseTimes.p50.toFixed(3)}s, p95 ${input.upstreamResponseTimes.p95.toFixed(3)}s, max ${input.upstreamResponseTimes.max.toFixed(3)}s; ${upstream5xx} 5xx from the upstream itself`, time: windowIso.from },
        windowIso,
      ),
    ],
    counterEvidence: ["latency correlates with the errors but does not prove they are caused by it"],
    recommendations: [`profile ${target} during ${hms(input.windowStartMs)}–${hms(input.windowEndMs)} (slow dependency, saturation, GC); scale out if CPU-bound`],
    grade: () => (upstream5xx > 0 ? "medium" : "low"),
  };
}

function unhandled501(ctx: RuleContext): Draft | undefined {
  const { input, scope } = ctx;
  const c501 = status(input, 501);
  const fromUpstream = input.upstreamStatusCounts["501"] ?? 0;
  if (c501 === 0 || fromUpstream === 0) return undefined;
  const target = scope ? `${scope.ref.namespace}/${scope.ref.name}` : (input.upstream ?? "the upstream");
  const paths = [...input.paths501].sort();
  const windowIso = { from: new Date(input.windowStartMs).toISOString(), to: new Date(input.windowEndMs).toISOString() };
  const dominant = c501 * 2 >= fiveXx(input);
  return {
    summary: `${target} answers 501 Not Implemented on ${paths.length} route(s): ${paths.slice(0, 5).join(", ")}`,
    evidence: [
      timed({ kind: "access-log", name: input.upstream ?? target, field: "upstream_status", value: `501 ×${fromUpstream} on ${paths.join(", ")}`, time: windowIso.from }, windowIso),
    ],
    counterEvidence: dominant ? [] : [`501 is ${c501} of ${fiveXx(input)} 5xx`],
    recommendations: [`${paths.join(", ")} reach ${target} but are not implemented there: implement them, or stop routing them (a client newer than the backend, or a scanner)`],
    grade: () => (dominant ? "high" : "medium"),
  };
}

export const DECISION_TABLE: ReadonlyArray<[RcaCause, (ctx: RuleContext) => Draft | undefined]> = [
  ["zero-ready-endpoints", zeroReadyEndpoints],
  ["readiness-failures", readinessFailures],
  ["crashloop", crashloop],
  ["oom-killed", oomKilled],
  ["image-pull", imagePull],
  ["node-not-ready", nodeNotReady],
  ["upstream-timeout", upstreamTimeout],
  ["upstream-latency", upstreamLatency],
  ["unhandled-501", unhandled501],
];

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

/** Run every rule; keep overlapping evidence, move the rest to counter-evidence; rank by confidence, then table order. */
export function evaluate(ctx: RuleContext): RcaFinding[] {
  const findings: Array<RcaFinding & { order: number }> = [];
  DECISION_TABLE.forEach(([cause, rule], order) => {
    const draft = rule(ctx);
    if (!draft) return;
    const inside = draft.evidence.filter((e) => overlaps(e, ctx.w) || e.fromMs === undefined);
    const outside = draft.evidence.filter((e) => !inside.includes(e));
    const overlapping = inside.some((e) => e.fromMs !== undefined);
    findings.push({
      cause,
      confidence: draft.grade(overlapping),
      summary: draft.summary,
      evidence: inside.map((e) => e.evidence),
      counterEvidence: [
        ...outside.map((e) => describeOutside(e, ctx.w)),
        ...(overlapping ? [] : ["no timestamped evidence overlaps the spike window"]),
        ...(draft.counterEvidence ?? []),
      ],
      recommendations: draft.recommendations,
      order,
    });
  });
  return findings
    .sort((a, b) => RANK[a.confidence] - RANK[b.confidence] || a.order - b.order)
    .map(({ order: _order, ...f }) => f);
}
