import type { Severity, Outcome } from "./incident.js";

const ORDER: Severity[] = ["P0", "P1", "P2", "P3", "P4"];

/** 0 for P0 (the most urgent) to 4 for P4: sorts severities by urgency. */
export function severityRank(s: Severity): number {
  return ORDER.indexOf(s);
}

/** The more urgent of two severities (P0 is the most urgent). */
export function raise(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** Whether `s` is as urgent as `threshold` or more, e.g. `atLeast("P1", "P2")` (as `edgeproof run --fail-on`). */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

export interface EscalationInput {
  base: Severity;
  outcome?: Outcome;
  escalations: Array<{ severity: Severity; outcome?: Outcome[]; met?: boolean }>;
}

export function resolveSeverity(input: EscalationInput): Severity {
  let s = input.base;
  for (const esc of input.escalations) {
    const byOutcome = esc.outcome !== undefined && input.outcome !== undefined && esc.outcome.includes(input.outcome);
    if (byOutcome || esc.met === true) s = raise(s, esc.severity);
  }
  return s;
}
