import { analyzeReliability, parseSnapshot, type PipelineOptions, type SnapshotDoc } from "@edgeproof/engine";
import { loadSnapshotDir, takeSnapshot } from "@edgeproof/k8s-adapter";
import { UsageError } from "../time-arg.js";

export interface K8sOptions {
  k8sSnapshot?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
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
    const { docs, errors, server } = await takeSnapshot({ kubeconfigPath: o.kubeconfig, context: o.context, namespaces: o.namespace });
    for (const e of errors) warn(`kubernetes ${server}: ${e.resource}: ${e.message}`);
    return docs;
  }
  return undefined;
}

/** The RCA hook for the pipeline, or undefined when no Kubernetes source was given. */
export async function rcaHook(o: K8sOptions, warn: (msg: string) => void): Promise<PipelineOptions["rca"]> {
  const docs = await loadK8sDocs(o, warn);
  if (!docs) return undefined;
  const { snapshot, rejected } = parseSnapshot(docs);
  if (rejected.length) warn(`snapshot: ${rejected.length} object(s) not usable, e.g. ${rejected[0].source}: ${rejected[0].reason}`);
  return (input) => analyzeReliability(snapshot, input);
}
