import type { Cause, Draft, Found, RuleContext } from "../cause.js";
import { timed, type TimedEvidence } from "../evidence.js";
import { iso, quote, readyAddresses, status, windowIso } from "../facts.js";
import { to } from "../links.js";
import type { Pod, Service, ServicePort } from "../snapshot.js";

function servicePort(service: Service, port: string | undefined): ServicePort | undefined {
  if (port !== undefined) return service.ports.find((p) => p.name === port || String(p.port) === port);
  return service.ports.length === 1 ? service.ports[0] : undefined;
}

/** Every port the selected containers declare or probe readiness on, by number, and the declared names. */
function listening(pods: Pod[]) {
  const numbers = new Set<number>();
  const names = new Set<string>();
  for (const p of pods) {
    for (const c of p.containers) {
      for (const port of c.ports) {
        numbers.add(port.containerPort);
        if (port.name) names.add(port.name);
      }
      const probe = c.readinessPort;
      if (typeof probe === "number") numbers.add(probe);
      else if (probe !== undefined) {
        const named = c.ports.find((x) => x.name === probe);
        if (named) numbers.add(named.containerPort);
      }
    }
  }
  return { numbers, names };
}

function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  const svc = scope?.service;
  if (!scope || !svc || scope.pods.length === 0) return undefined;
  const sp = servicePort(svc, scope.ref.port);
  if (!sp) return undefined;
  const tp = sp.targetPort ?? sp.port;
  // Container ports are optional in Kubernetes: a container that declares none and probes none may listen on
  // the target port, so only pods whose every container says what it listens on can be judged.
  if (scope.pods.some((p) => p.containers.length === 0 || p.containers.some((c) => c.ports.length === 0 && c.readinessPort === undefined))) return undefined;
  const { numbers, names } = listening(scope.pods);
  const named = typeof tp === "string" && !/^\d+$/.test(tp);
  if (named ? names.has(tp) : numbers.has(Number(tp))) return undefined;
  const ready = readyAddresses(scope);
  // A number the pods do not listen on still gets ready endpoints (readiness checks another port): the
  // proxy connects and is refused. A name no container declares leaves the pods out of the endpoints.
  if (!named && ready.size === 0) return undefined;

  const ns = scope.ref.namespace;
  const declared = [...numbers].sort((a, b) => a - b).join(", ");
  const evidence: TimedEvidence[] = [timed({ kind: "Service", namespace: ns, name: svc.name, field: `spec.ports[${sp.name ?? sp.port}].targetPort`, value: String(tp) }, {})];
  const pod = scope.pods[0];
  for (const c of pod.containers) {
    const ports = c.ports.map((p) => `${p.containerPort}${p.name ? ` (${p.name})` : ""}`).join(", ") || "none";
    evidence.push(timed({ kind: "Pod", namespace: ns, name: pod.name, field: `spec.containers[${c.name}].ports`, value: `${ports}; readinessProbe port ${c.readinessPort ?? "none"}` }, {}));
  }
  for (const set of scope.endpoints) {
    evidence.push(
      timed(
        { kind: set.source, namespace: set.namespace, name: set.name, field: "ready addresses", value: `${set.addresses.filter((a) => a.ready).length} (last change ${set.lastChange ?? "unknown"})`, time: set.lastChange },
        { from: set.lastChange, ongoing: true },
      ),
    );
  }
  const atTarget = input.upstreamAddrs.filter((a) => a.endsWith(`:${tp}`) && ready.has(a.replace(/:\d+$/, "")));
  const refused = (input.nonAccessEvidence ?? []).filter((e) => e.reason === "connection-refused");
  const c502 = status(input, 502);
  if (atTarget.length) {
    evidence.push(timed({ kind: "access-log", name: input.upstream ?? svc.name, field: "upstream_addr", value: `502 ×${c502}; requests went to ${atTarget.slice(0, 3).join(", ")}, port ${tp} of ready pods`, time: windowIso(input).from }, windowIso(input)));
  }
  for (const e of refused.slice(0, 3)) {
    const at = e.ts === undefined ? undefined : iso(e.ts);
    evidence.push(timed({ kind: "error-log", name: input.upstream ?? svc.name, field: e.kind, value: quote(e.message), time: at }, { from: at }));
  }
  const refusedShape = c502 > 0 && (atTarget.length > 0 || refused.length > 0);
  return {
    summary: named
      ? `Service ${ns}/${svc.name} targets port name ${tp}, which no selected container declares (declared: ${[...names].sort().join(", ") || "none"})`
      : `Service ${ns}/${svc.name} sends port ${sp.port} to targetPort ${tp}, but the selected containers declare or probe ${declared}`,
    label: named ? `targetPort ${tp} not declared` : `targetPort ${tp} ≠ container port ${declared}`,
    evidence,
    counterEvidence: named || refusedShape ? [] : ["no 502 to the ready pods' target port in the window: the container may listen on a port it does not declare"],
    recommendations: [
      `\`kubectl -n ${ns} get service ${svc.name} -o jsonpath='{.spec.ports}'\` — targetPort ${tp}; the pods declare ${declared || [...names].join(", ")}: set targetPort to the port the container listens on (or name the container port)`,
    ],
    pods: [],
    grade: (o) => (named ? (o ? "medium" : "low") : o && refusedShape ? "high" : o && c502 > 0 ? "medium" : "low"),
  };
}

/** A targetPort name no container declares gives the endpoints controller no port: the pods are left out. */
function leavesPodsOut(from: Found, _to: Found, ctx: RuleContext): string[] | undefined {
  const scope = ctx.scope!;
  if (!from.draft.label.endsWith("not declared") || readyAddresses(scope).size > 0) return undefined;
  return [`the endpoints controller cannot resolve the targetPort name on any pod of ${scope.ref.namespace}/${scope.ref.name}, so it lists none of them`];
}

export const portMismatch: Cause = { id: "port-mismatch", reads: ["services", "pods"], detect, leadsTo: [to("zero-ready-endpoints", leavesPodsOut)] };
