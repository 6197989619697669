import { analyzeReliability } from "../rca/analyze.js";
import { parseSnapshot, type RejectedObject, type SnapshotDoc } from "../rca/parse-snapshot.js";
import type { RcaOptions } from "../rca/rca-input.js";
import type { Snapshot } from "../rca/snapshot.js";
import { upstreamHostResolver } from "../rca/upstream-hosts.js";
import type { RcaHook } from "./create-engine.js";

/** The RCA hook {@link kubernetesRca} returns, with what it made of the snapshot. */
export interface KubernetesRca extends RcaHook {
  /** The snapshot as the RCA reads it. */
  readonly snapshot: Snapshot;
  /** Objects that could not be used (malformed or of an unknown kind), each with its reason. */
  readonly rejected: RejectedObject[];
  /**
   * The one host the Ingress rules serve an upstream under (undefined when none or several): {@link createEngine}
   * gives it to lines that log an upstream but no host, as `edgeproof run` does with a snapshot.
   */
  readonly hostOfUpstream: (upstream: string) => string | undefined;
}

/**
 * Attaches a Kubernetes snapshot to an engine for root-cause analysis of reliability incidents: pass the result
 * as `createEngine({ rca })`. Each doc is one saved `kubectl get ... -o json` output (a `List`, a raw API list or
 * a single object) with a name (its file name, which also hints the kind of an empty list); this is what
 * `edgeproof run --k8s-snapshot DIR` reads from DIR's `*.json` files, sorted by name. `options` are the RCA's
 * thresholds (`edgeproof run --latency-p95`, `--proxy-read-timeout`, `--proxy-connect-timeout`).
 *
 * @example
 * ```ts
 * const docs = [{ name: "pods.json", json: await (await fetch("/snap/pods.json")).json() }];
 * const engine = createEngine({ packs: defaultPacks, rca: kubernetesRca(docs) });
 * ```
 */
export function kubernetesRca(docs: SnapshotDoc[], options?: RcaOptions): KubernetesRca {
  const { snapshot, rejected } = parseSnapshot(docs);
  const rca = (input: Parameters<RcaHook>[0]) => analyzeReliability(snapshot, input, options);
  return Object.assign(rca, { snapshot, rejected, hostOfUpstream: upstreamHostResolver(snapshot) });
}
