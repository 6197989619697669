import type { Deployment, EndpointSet, K8sEvent, Node, Pod, Service, Snapshot } from "./snapshot.js";
import type { ServiceRef } from "./upstream-map.js";

/** The slice of the cluster behind one Service: what the decision table is allowed to blame. */
export interface Scope {
  ref: ServiceRef;
  service?: Service;
  pods: Pod[];
  endpoints: EndpointSet[];
  nodes: Node[];
  /** Events about the selected pods, their nodes, the Service or its endpoints. */
  events: K8sEvent[];
  deployments: Deployment[];
}

export const matchesSelector = (labels: Record<string, string>, selector: Record<string, string>) => {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
};

export function scopeOf(snapshot: Snapshot, ref: ServiceRef): Scope {
  const service = snapshot.services.find((s) => s.namespace === ref.namespace && s.name === ref.name);
  const endpoints = snapshot.endpoints.filter((e) => e.namespace === ref.namespace && e.serviceName === ref.name);
  const referenced = new Set(endpoints.flatMap((e) => e.addresses.map((a) => a.podName).filter((n): n is string => !!n)));
  const pods = snapshot.pods.filter(
    (p) =>
      p.namespace === ref.namespace &&
      ((service?.selector !== undefined && matchesSelector(p.labels, service.selector)) || referenced.has(p.name)),
  );
  const nodeNames = new Set(pods.map((p) => p.nodeName).filter((n): n is string => !!n));
  const nodes = snapshot.nodes.filter((n) => nodeNames.has(n.name));
  const podNames = new Set(pods.map((p) => p.name));
  const events = snapshot.events.filter((e) => {
    const o = e.involved;
    if (o.kind === "Node") return nodeNames.has(o.name);
    if (o.namespace !== ref.namespace) return false;
    if (o.kind === "Pod") return podNames.has(o.name);
    return (o.kind === "Service" || o.kind === "Endpoints") && o.name === ref.name;
  });
  const deployments = snapshot.deployments.filter(
    (d) => d.namespace === ref.namespace && pods.some((p) => matchesSelector(p.labels, d.matchLabels)),
  );
  return { ref, service, pods, endpoints, nodes, events, deployments };
}
