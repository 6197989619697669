import type { Deployment, EndpointSet, Hpa, K8sEvent, Node, Pod, ReplicaSet, Service, Snapshot } from "./snapshot.js";
import type { ServiceRef } from "./upstream-map.js";

/** The slice of the cluster behind one Service: what the causes are allowed to blame. */
export interface Scope {
  ref: ServiceRef;
  service?: Service;
  pods: Pod[];
  endpoints: EndpointSet[];
  nodes: Node[];
  /** Events about the selected pods, their nodes, the Service, its endpoints, Deployments and ReplicaSets. */
  events: K8sEvent[];
  /** Deployments whose pods the Service selects (by their pods, or by their pod template when no pod exists). */
  deployments: Deployment[];
  replicasets: ReplicaSet[];
  /** Autoscalers of those Deployments: context for a shortfall of ready pods. */
  hpas: Hpa[];
}

export const matchesSelector = (labels: Record<string, string>, selector: Record<string, string>) => {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
};

export const selectorText = (selector: Record<string, string>) =>
  Object.entries(selector)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

export function scopeOf(snapshot: Snapshot, ref: ServiceRef): Scope {
  const ns = ref.namespace;
  const service = snapshot.services.find((s) => s.namespace === ns && s.name === ref.name);
  const endpoints = snapshot.endpoints.filter((e) => e.namespace === ns && e.serviceName === ref.name);
  const referenced = new Set(endpoints.flatMap((e) => e.addresses.map((a) => a.podName).filter((n): n is string => !!n)));
  const pods = snapshot.pods.filter(
    (p) => p.namespace === ns && ((service?.selector !== undefined && matchesSelector(p.labels, service.selector)) || referenced.has(p.name)),
  );
  const nodeNames = new Set(pods.map((p) => p.nodeName).filter((n): n is string => !!n));
  const nodes = snapshot.nodes.filter((n) => nodeNames.has(n.name));
  const deployments = snapshot.deployments.filter(
    (d) =>
      d.namespace === ns &&
      (pods.some((p) => matchesSelector(p.labels, d.matchLabels)) || (service?.selector !== undefined && matchesSelector(d.templateLabels, service.selector))),
  );
  const deployNames = new Set(deployments.map((d) => d.name));
  const replicasets = snapshot.replicasets.filter((r) => r.namespace === ns && r.owner?.kind === "Deployment" && deployNames.has(r.owner.name));
  const rsNames = new Set(replicasets.map((r) => r.name));
  const hpas = snapshot.hpas.filter((h) => h.namespace === ns && h.target?.kind === "Deployment" && deployNames.has(h.target.name));
  const podNames = new Set(pods.map((p) => p.name));
  const events = snapshot.events.filter((e) => {
    const o = e.involved;
    if (o.kind === "Node") return nodeNames.has(o.name);
    if (o.namespace !== ns) return false;
    if (o.kind === "Pod") return podNames.has(o.name);
    if (o.kind === "Deployment") return deployNames.has(o.name);
    if (o.kind === "ReplicaSet") return rsNames.has(o.name);
    return (o.kind === "Service" || o.kind === "Endpoints") && o.name === ref.name;
  });
  return { ref, service, pods, endpoints, nodes, events, deployments, replicasets, hpas };
}
