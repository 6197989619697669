/**
 * Lifecycle of an incident as responders handle it: detected → acknowledged → investigating → resolved →
 * closed. A layer of serve: it never changes what the engine detects. Humans move an incident forward only
 * (a step may be skipped, e.g. closing a false positive); only a detection that goes on after `resolved`
 * moves it back to `detected`, stated in the audit trail.
 */
import { z } from "zod";

export const LifecycleState = z.enum(["detected", "acknowledged", "investigating", "resolved", "closed"]);
export type LifecycleState = z.infer<typeof LifecycleState>;

export const Action = z.enum(["ack", "investigate", "resolve", "close"]);
export type Action = z.infer<typeof Action>;

const TARGET: Record<Action, LifecycleState> = { ack: "acknowledged", investigate: "investigating", resolve: "resolved", close: "closed" };
const ORDER = LifecycleState.options;

export function targetOf(a: Action): LifecycleState {
  return TARGET[a];
}

/** The actions a responder may take from `state` (forward moves only). */
export function allowedActions(state: LifecycleState): Action[] {
  return Action.options.filter((a) => ORDER.indexOf(TARGET[a]) > ORDER.indexOf(state));
}

/** Whether the incident still waits for a human (what escalation watches). */
export function unacknowledged(state: LifecycleState): boolean {
  return state === "detected";
}

/** Whether responders consider it over (its alert resolves). */
export function done(state: LifecycleState): boolean {
  return state === "resolved" || state === "closed";
}

export const AuditEntry = z.object({
  at: z.string(),
  by: z.string(),
  from: LifecycleState.nullable(),
  to: LifecycleState,
  note: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A transition request body: who, and why. */
export const TransitionBody = z
  .object({
    by: z.string().trim().min(1).max(200),
    note: z.string().max(4000).optional(),
  })
  .strict();
