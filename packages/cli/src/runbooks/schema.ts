/**
 * Runbooks: ordered manual steps a responder follows, with placeholders filled from the incident. edgeproof
 * renders them as a fix preview and never runs anything, so the schema has no way to say "run this".
 */
import { z } from "zod";
import { IncidentKind, RcaCause } from "@edgeproof/engine";

/** Where a placeholder may look: the incident itself, its RCA, and the Kubernetes evidence behind it. */
export const PLACEHOLDER_ROOTS = {
  incident: "any incident field, e.g. incident.key.host, incident.key.clientIp, incident.id, incident.window.start",
  rca: "rca.service, rca.namespace, rca.port, rca.cause, rca.summary, rca.commands (the kubectl commands the RCA built)",
  evidence: "evidence.pod, evidence.container, evidence.node, evidence.service, evidence.deployment, evidence.path (first sample request path)",
} as const;
export const RCA_FIELDS = ["service", "namespace", "port", "cause", "summary", "commands"] as const;
export const EVIDENCE_FIELDS = ["pod", "container", "node", "service", "deployment", "path"] as const;

export const RunbookStep = z
  .object({
    name: z.string().min(1),
    type: z.literal("manual"),
    instructions: z.string().min(1),
  })
  .strict();

export const Runbook = z
  .object({
    apiVersion: z.literal("edgeproof/v1"),
    kind: z.literal("Runbook"),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "runbook names are lower-case words joined by '-'"),
    title: z.string().min(1),
    description: z.string().optional(),
    /**
     * Incidents of rules that name no runbook get the first runbook (in name order) that applies: by kind,
     * and for reliability by the root cause the RCA ranked first. A rule's own `runbook:` always wins.
     */
    appliesTo: z
      .object({
        kind: z.array(IncidentKind).optional(),
        rcaCause: z.array(RcaCause).optional(),
      })
      .strict()
      .optional(),
    steps: z.array(RunbookStep).min(1),
  })
  .strict();
export type Runbook = z.infer<typeof Runbook>;
