import { kubernetesRca, parseDuration, type PipelineOptions, type RcaOptions, type SnapshotDoc } from "@edgeproof/engine";
import { loadSnapshotDir, takeSnapshot } from "@edgeproof/k8s-adapter";
import { UsageError } from "../time-arg.js";

export interface K8sOptions {
  k8sSnapshot?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  /** Durations (`1s`, `1500ms`): the RCA's latency threshold and the proxy timeouts 504s are compared with. */
  latencyP95?: string;
  proxyReadTimeout?: string;
  proxyConnectTimeout?: string;
}

/** Reads Kubernetes state from a saved snapshot directory or, read-only, from a live cluster. */
export async function loadK8sDocs(o: K8sOptions, warn: (msg: string) => void): Promise<SnapshotDoc[] | undefined> {
  if (o.k8sSnapshot && o.kubeconfig) throw new UsageError("use either --k8s-snapshot or --kubeconfig, not both");
  if (o.k8sSnapshot) {
    const { docs, problems } = await loadSnapshotDir(o.k8sSnapshot);
    for (const p of problems) warn(`snapshot ${o.k8sSnapshot}/${p.file}: ${p.reason}`);
    return docs;
  }
  if (o.kubeconfig || o.context) {
    const { docs, errors, warnings, server } = await takeSnapshot({ kubeconfigPath: o.kubeconfig, context: o.context, namespaces: o.namespace });
    for (const e of [...errors, ...warnings]) warn(`kubernetes ${server}: ${e.resource}: ${e.message}`);
    return docs;
  }
  return undefined;
}

function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`${flag} must be a positive duration such as 1s, 1500ms or 60s, got "${text}"`);
  return ms / 1000;
}

/** The RCA thresholds from their flags; the engine's defaults for those not given. */
export function rcaOptions(o: K8sOptions): RcaOptions {
  const out: RcaOptions = {};
  const p95 = seconds("--latency-p95", o.latencyP95);
  const read = seconds("--proxy-read-timeout", o.proxyReadTimeout);
  const connect = seconds("--proxy-connect-timeout", o.proxyConnectTimeout);
  if (p95 !== undefined) out.latencyP95S = p95;
  if (read !== undefined) out.proxyReadTimeoutS = read;
  if (connect !== undefined) out.proxyConnectTimeoutS = connect;
  return out;
}

/**
 * The pipeline's Kubernetes hooks, or undefined when no Kubernetes source was given: RCA for reliability
 * incidents, and the host behind each upstream (from the Ingress rules) for lines that log none.
 */
export async function k8sHooks(o: K8sOptions, warn: (msg: string) => void): Promise<Pick<PipelineOptions, "rca" | "hostOfUpstream"> | undefined> {
  const thresholds = rcaOptions(o);
  const docs = await loadK8sDocs(o, warn);
  if (!docs) return undefined;
  const rca = kubernetesRca(docs, thresholds);
  const { rejected } = rca;
  if (rejected.length) warn(`snapshot: ${rejected.length} object(s) not usable, e.g. ${rejected[0].source}: ${rejected[0].reason}`);
  return { rca, hostOfUpstream: rca.hostOfUpstream };
}
