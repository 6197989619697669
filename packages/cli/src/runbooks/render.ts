/**
 * A runbook filled in for one incident: the manual fix preview shown in the proof block, the API and
 * Grafana. Values nobody knows stay visible as such, so a responder never copies a half-empty command.
 */
import type { Incident } from "@edgeproof/engine";
import { PLACEHOLDER } from "./load.js";
import type { Runbook } from "./schema.js";

export interface FixPreview {
  runbook: string;
  title: string;
  steps: Array<{ name: string; type: "manual"; instructions: string }>;
}

/** The rule's runbook, else the one written for the incident's root cause. */
export function runbookFor(inc: Incident, byRule: (inc: Incident) => string | undefined, runbooks: Map<string, Runbook>): Runbook | undefined {
  const named = byRule(inc);
  if (named) return runbooks.get(named);
  const cause = inc.rca?.causes[0]?.cause;
  return [...runbooks.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .find((r) => r.appliesTo !== undefined && (r.appliesTo.kind?.includes(inc.kind) ?? true) && (r.appliesTo.rcaCause === undefined || (cause !== undefined && r.appliesTo.rcaCause.includes(cause))));
}

export function renderPreview(rb: Runbook, inc: Incident): FixPreview {
  const values = placeholderValues(inc);
  return {
    runbook: rb.name,
    title: rb.title,
    steps: rb.steps.map((s) => ({ name: s.name, type: s.type, instructions: s.instructions.replace(PLACEHOLDER, (_, expr: string) => values(expr) ?? `<${expr}: not known for this incident>`).trimEnd() })),
  };
}

/** The preview as proof-block text. */
export function previewText(p: FixPreview): string {
  const lines = [`manual fix preview (runbook ${p.runbook}: ${p.title}; edgeproof runs nothing)`];
  p.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.name}`);
    for (const l of s.instructions.split("\n")) lines.push(`     ${l}`);
  });
  return lines.join("\n");
}

function placeholderValues(inc: Incident): (expr: string) => string | undefined {
  const rca = inc.rca;
  const evidence = rca?.causes.flatMap((c) => c.evidence) ?? [];
  const ofKind = (kind: string) => evidence.find((e) => e.kind === kind);
  const container = evidence.map((e) => /\[([^\]]+)\]/.exec(e.field)?.[1]).find((c) => c !== undefined && !/^(Ready|[A-Z])/.test(c));
  const commands = rca?.causes.flatMap((c) => c.recommendations.flatMap((r) => [...r.matchAll(/`(kubectl [^`]+)`/g)].map((m) => m[1])));
  const rcaValues: Record<string, string | undefined> = {
    service: rca?.service?.name,
    namespace: rca?.service?.namespace ?? ofKind("Pod")?.namespace,
    port: rca?.service?.port,
    cause: rca?.causes[0]?.cause,
    summary: rca?.summary,
    commands: commands?.length ? [...new Set(commands)].join("\n") : undefined,
  };
  const evidenceValues: Record<string, string | undefined> = {
    pod: ofKind("Pod")?.name,
    container,
    node: ofKind("Node")?.name,
    service: ofKind("Service")?.name ?? rca?.service?.name,
    deployment: ofKind("Deployment")?.name,
    path: inc.evidence[0]?.path,
  };
  return (expr) => {
    const [root, ...rest] = expr.trim().split(".");
    if (root === "rca") return rcaValues[rest.join(".")];
    if (root === "evidence") return evidenceValues[rest.join(".")];
    let v: unknown = inc;
    for (const k of rest) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
    return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
  };
}
