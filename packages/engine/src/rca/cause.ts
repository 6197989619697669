import type { RcaCause, RcaFinding } from "../incident/incident.js";
import type { TimedEvidence, Window } from "./evidence.js";
import type { RcaInput } from "./rca-input.js";
import type { Scope } from "./scope.js";
import type { ResourceType, Snapshot } from "./snapshot.js";

/**
 * The shape every cause in `causes/` has: a detector that reads the spike and the Service's slice of the
 * cluster, and the links to the causes it can lead to. `chain.ts` turns the links that hold into the ranking.
 */

export interface Thresholds {
  proxyReadTimeoutS: number;
  proxyConnectTimeoutS: number;
  /** Upstream p95 at or above which latency counts as a lead. */
  latencyP95S: number;
}

export interface RuleContext {
  /** Undefined when the upstream maps to no Service: only the log-based causes can speak. */
  scope?: Scope;
  snapshot: Snapshot;
  input: RcaInput;
  w: Window;
  t: Thresholds;
}

export type Confidence = RcaFinding["confidence"];

export interface Draft {
  summary: string;
  /** Short form for the chain line, e.g. `OOMKilled (limit 512Mi)`. */
  label: string;
  evidence: TimedEvidence[];
  counterEvidence?: string[];
  recommendations: string[];
  /** Confidence given whether any evidence overlaps the window (slack included). */
  grade: (overlapping: boolean) => Confidence;
  /** Pods (in the Service's namespace) this finding is about: what links compare. */
  pods: string[];
  /** Deployments this finding is about (rollout-stuck). */
  deployments?: string[];
}

/** A detected cause with its evidence split at the spike window. */
export interface Found {
  cause: RcaCause;
  draft: Draft;
  finding: RcaFinding;
  /** Position in the cause table: the tie-breaker of every ordering. */
  order: number;
  /** Some timestamped evidence overlaps the window: only such a cause can be a root or lead to another. */
  overlapping: boolean;
  /** Earliest and latest Kubernetes time of its overlapping evidence (end Infinity for ongoing states). */
  startMs?: number;
  endMs?: number;
}

export interface Link {
  to: RcaCause;
  /** The evidence that ties the objects of `from` to those of `to`, or undefined when nothing does. */
  tie: (from: Found, to: Found, ctx: RuleContext) => string[] | undefined;
}

export interface Cause {
  id: RcaCause;
  /** Resource types the detector reads: with all of them missing from the snapshot it cannot be checked. */
  reads: ResourceType[];
  /** The one of `reads` it cannot do without (otherwise any one of them is enough to check something). */
  requires?: ResourceType;
  detect: (ctx: RuleContext) => Draft | undefined;
  leadsTo: Link[];
  /** Its pods' sampled logs (when the snapshot has them) explain it: their telling lines join its evidence. */
  logs?: boolean;
}

/** The lists a detector fills as it walks the Service's pods. */
export const parts = (): Pick<Draft, "evidence" | "recommendations" | "pods"> => ({ evidence: [], recommendations: [], pods: [] });
