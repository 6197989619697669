import { saveSnapshot, takeSnapshot } from "@edgeproof/k8s-adapter";

export async function snapshotCommand(o: { output: string; kubeconfig?: string; context?: string; namespace?: string[] }): Promise<number> {
  const { docs, errors, server } = await takeSnapshot({ kubeconfigPath: o.kubeconfig, context: o.context, namespaces: o.namespace });
  const files = await saveSnapshot(docs, o.output);
  for (const e of errors) process.stderr.write(`edgeproof: ${server}: ${e.resource}: ${e.message} (recorded as a blind spot)\n`);
  process.stderr.write(`edgeproof: saved ${files.length} file(s) from ${server} to ${o.output}\n`);
  return 0;
}
