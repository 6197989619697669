import type * as K8s from "@kubernetes/client-node";
import { POD_LOGS_KIND, type PodLogSamples, type SnapshotDoc, type SnapshotError } from "@edgeproof/engine";

/**
 * Bounded pod-log samples for the RCA: the last lines of the containers an RCA cause can name (restarted or
 * crash-looping ones, running ones that are not ready), one non-streaming `GET …/log` per container with
 * `tailLines`/`limitBytes`, `previous=true` for a restarted container (the instance that died), at most
 * MAX_PODS pods. A 403 on `pods/log` or a call that times out ends the sampling and is recorded as a blind spot.
 */
export const LOG_BOUNDS = { maxPods: 10, tailLines: 50, limitBytes: 16_384 } as const;

interface RawContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string } };
  lastState?: { terminated?: unknown };
}
interface RawPod {
  metadata?: { name?: string; namespace?: string };
  status?: { phase?: string; containerStatuses?: RawContainerStatus[] };
}

/** The containers worth a sample, pod by pod, in a fixed order. */
export function logTargets(pods: unknown[]): Array<{ namespace: string; pod: string; container: string; previous: boolean }> {
  const out: Array<{ namespace: string; pod: string; container: string; previous: boolean }> = [];
  const sorted = (pods as RawPod[])
    .filter((p) => p.metadata?.name && p.metadata.namespace)
    .sort((a, b) => `${a.metadata!.namespace}/${a.metadata!.name}`.localeCompare(`${b.metadata!.namespace}/${b.metadata!.name}`));
  let taken = 0;
  for (const p of sorted) {
    const wanted = (p.status?.containerStatuses ?? []).filter(
      (c) => (c.restartCount ?? 0) > 0 || c.state?.waiting?.reason === "CrashLoopBackOff" || (p.status?.phase === "Running" && c.ready === false),
    );
    if (wanted.length === 0) continue;
    if (taken++ >= LOG_BOUNDS.maxPods) break;
    for (const c of wanted) out.push({ namespace: p.metadata!.namespace!, pod: p.metadata!.name!, container: c.name, previous: (c.restartCount ?? 0) > 0 && c.lastState?.terminated !== undefined });
  }
  return out;
}

export async function samplePodLogs(
  core: K8s.CoreV1Api,
  pods: unknown[],
  options: () => K8s.ConfigurationOptions,
  classify: (err: unknown) => { status?: number; message: string; fatal?: string },
): Promise<{ doc?: SnapshotDoc; error?: SnapshotError }> {
  const logs: PodLogSamples = [];
  for (const t of logTargets(pods)) {
    try {
      const text = await core.readNamespacedPodLog({ name: t.pod, namespace: t.namespace, container: t.container, previous: t.previous, tailLines: LOG_BOUNDS.tailLines, limitBytes: LOG_BOUNDS.limitBytes }, options());
      logs.push({ ...t, text: String(text) });
    } catch (err) {
      const c = classify(err);
      // A container without a previous instance (or gone since the pod list) has nothing to give: next one.
      if (c.status === 400 || c.status === 404) continue;
      return { doc: logs.length ? { name: "pod-logs.json", json: { kind: POD_LOGS_KIND, logs } } : undefined, error: { resource: "podlogs", status: c.status, message: `${t.namespace}/${t.pod}: ${c.message}` } };
    }
  }
  return { doc: logs.length ? { name: "pod-logs.json", json: { kind: POD_LOGS_KIND, logs } } : undefined };
}
