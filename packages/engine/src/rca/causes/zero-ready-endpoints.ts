import type { Cause, Draft, RuleContext } from "../cause.js";
import { timed, type TimedEvidence } from "../evidence.js";
import { isReady, quote, readyAddresses, status, iso } from "../facts.js";
import { selectorText } from "../scope.js";

/** No ready address behind the Service: what ingress-nginx answers 503 for. The symptom most chains end in. */
function detect(ctx: RuleContext): Draft | undefined {
  const { scope, input } = ctx;
  if (!scope) return undefined;
  const svc = `${scope.ref.namespace}/${scope.ref.name}`;
  const klog = (input.nonAccessEvidence ?? []).filter((e) => e.reason === "no-active-endpoint" && e.service === svc);
  const logSignal = input.noEndpointSignals > 0 || klog.length > 0;
  const ready = readyAddresses(scope);
  const haveEndpoints = scope.endpoints.length > 0;
  const selectedReady = scope.pods.filter(isReady);
  const k8sZero = haveEndpoints ? ready.size === 0 : scope.service !== undefined && selectedReady.length === 0;
  if (!k8sZero && !logSignal) return undefined;

  const evidence: TimedEvidence[] = [];
  const counter: string[] = [];
  for (const set of scope.endpoints) {
    const notReady = set.addresses.filter((a) => !a.ready).length;
    evidence.push(
      timed(
        {
          kind: set.source,
          namespace: set.namespace,
          name: set.name,
          field: set.source === "Endpoints" ? "subsets[].addresses" : "endpoints[].conditions.ready",
          value: `${set.addresses.length - notReady} ready, ${notReady} not ready`,
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
    const at = k.ts === undefined ? undefined : iso(k.ts);
    evidence.push(timed({ kind: "controller-log", name: svc, field: "klog", value: quote(k.message), time: at }, { from: at }));
  }
  if (input.noEndpointSignals > 0) {
    evidence.push(
      timed(
        { kind: "access-log", name: input.upstream ?? svc, field: "upstream_addr", value: `${input.noEndpointSignals} requests answered 503 with no upstream peer (-, 0.0.0.1:80 or 127.0.0.1:8181)`, time: iso(input.windowStartMs) },
        { from: iso(input.windowStartMs), to: iso(input.windowEndMs) },
      ),
    );
  }
  if (!k8sZero) counter.push(`the snapshot shows ${ready.size || selectedReady.length} ready endpoint(s) for ${svc} now: endpoints may have recovered after the spike`);
  if (k8sZero && status(input, 503) === 0) counter.push(`no 503 in the window, which is what ingress-nginx answers when a Service has no endpoint`);

  const selector = scope.service?.selector;
  const ns = scope.ref.namespace;
  const recs =
    selector && scope.pods.length === 0
      ? [`\`kubectl -n ${ns} get pods -l ${selectorText(selector)}\` — Service ${svc} selects ${selectorText(selector)} but no pod in ${ns} matches; compare the selector with the Deployment's pod template labels`]
      : [`\`kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${scope.ref.name}\` — ${scope.pods.length} pod(s) selected, ${selectedReady.length} ready: see the pod-level causes for why they are not ready`];
  return {
    summary: k8sZero
      ? `Service ${svc} has no ready endpoint (${scope.pods.length} pod(s) selected)`
      : `ingress-nginx found no endpoint for ${svc} during the spike, but the snapshot shows ready endpoints now`,
    label: k8sZero ? `${selectedReady.length}/${scope.pods.length} ready` : `no endpoint during the spike (${ready.size || selectedReady.length} ready now)`,
    evidence,
    counterEvidence: counter,
    recommendations: recs,
    pods: scope.pods.map((p) => p.name),
    grade: (o) => (k8sZero && o && (status(input, 503) > 0 || logSignal) ? "high" : k8sZero && o ? "medium" : "low"),
  };
}

export const zeroReadyEndpoints: Cause = { id: "zero-ready-endpoints", reads: ["endpoints", "endpointslices", "pods"], detect, leadsTo: [] };
