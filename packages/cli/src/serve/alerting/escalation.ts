/**
 * When an incident escalates: a P0 or P1 whose alert is still firing and that nobody acknowledged within its
 * level's escalation time. The escalation is a separate alert (labels plus `escalation="1"`), so an
 * Alertmanager route can page the next tier without touching the first alert's notifications.
 */
import { formatDuration, type Severity } from "@edgeproof/engine";
import { unacknowledged } from "../lifecycle/states.js";
import type { LifecycleRecord } from "../lifecycle/records.js";
import type { SeverityLevels } from "./severity-levels.js";

/** The seed escalates only the two paging severities; the lower levels' times are response targets. */
export const ESCALATING: readonly Severity[] = ["P0", "P1"];

/** Why the incident escalates now, or undefined when it does not. */
export function escalationReason(severity: Severity, lc: LifecycleRecord, levels: SeverityLevels, now: number): string | undefined {
  if (!ESCALATING.includes(severity) || !unacknowledged(lc.state)) return undefined;
  const after = levels[severity].escalationMs;
  if (after === undefined || now - lc.detectedAt < after) return undefined;
  return `${severity} (${levels[severity].name}) not acknowledged within ${formatDuration(after)} of detection at ${new Date(lc.detectedAt).toISOString()}`;
}
