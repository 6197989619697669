import { saveSnapshot, takeSnapshot } from "@edgeproof/k8s-adapter";

export async function snapshotCommand(o: { output: string; kubeconfig?: string; context?: string; namespace?: string[] }): Promise<number> {
  const { docs, errors, warnings, server } = await takeSnapshot({ kubeconfigPath: o.kubeconfig, context: o.context, namespaces: o.namespace });
  const files = await saveSnapshot(docs, o.output);
  for (const e of errors) process.stderr.write(`edgeproof: ${server}: ${e.resource}: ${e.message} (recorded as a blind spot)\n`);
  for (const e of warnings) process.stderr.write(`edgeproof: ${server}: ${e.resource}: ${e.message} (the core/v1 list still covers them)\n`);
  process.stderr.write(`edgeproof: saved ${files.length} file(s) from ${server} to ${o.output}\n`);
  return 0;
}
