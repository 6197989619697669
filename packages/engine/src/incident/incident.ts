import { z } from "zod";
import { VolumetricEvidence } from "./volumetric-schema.js";

/** P0 (most urgent) to P4. */
export const Severity = z.enum(["P0", "P1", "P2", "P3", "P4"]);
export type Severity = z.infer<typeof Severity>;

/** `security` (scanners, exploits) or `reliability` (5xx spikes). */
export const IncidentKind = z.enum(["security", "reliability"]);
export type IncidentKind = z.infer<typeof IncidentKind>;

/** What a security incident achieved: every probe `blocked`, a probed path answered (`partial`), or `impact`. */
export const Outcome = z.enum(["blocked", "partial", "impact"]);
export type Outcome = z.infer<typeof Outcome>;

/** What an incident is about: the rule's groupBy values (client IP, host or upstream). */
export const IncidentKey = z.object({
  clientIp: z.string().optional(),
  host: z.string().optional(),
  upstream: z.string().optional(),
});
export type IncidentKey = z.infer<typeof IncidentKey>;

/** A sample request as it counted towards the incident (secrets already redacted). */
export const EvidenceSample = z.object({
  line: z.number().int(),
  file: z.string().optional(),
  time: z.string(),
  clientIp: z.string().optional(),
  /** The proxies the request came through when the client was read from a forwarded header, nearest it first. */
  via: z.string().optional(),
  method: z.string().optional(),
  path: z.string(),
  status: z.number().int(),
  userAgent: z.string().optional(),
  upstreamStatus: z.string().optional(),
  requestTime: z.number().optional(),
  signatures: z.array(z.string()).optional(),
  why: z.string(),
});
export type EvidenceSample = z.infer<typeof EvidenceSample>;

/** One of a rule's conditions as it stood when the incident was rendered. */
export const ThresholdCheck = z.object({
  /** Human form of the condition, e.g. `distinct(path) >= 10 within 60s`. */
  condition: z.string(),
  observed: z.number(),
  required: z.number(),
  op: z.enum([">=", ">", "<=", "<"]),
  met: z.boolean(),
});
export type ThresholdCheck = z.infer<typeof ThresholdCheck>;

/** An incident's figures over its window. */
export const IncidentMetrics = z.object({
  requests: z.number().int(),
  peakRps: z.number().int(),
  distinctPaths: z.number().int(),
  signatureHits: z.record(z.string(), z.number().int()),
  statusCounts: z.record(z.string(), z.number().int()),
  /** Reliability only. */
  fiveXx: z.number().int().optional(),
  errorRatio: z.number().optional(),
  upstreamStatusCounts: z.record(z.string(), z.number().int()).optional(),
  retries: z.number().int().optional(),
  latencyP50: z.number().optional(),
  latencyP95: z.number().optional(),
  /** Most frequent paths among the requests that made the incident (5xx for reliability, probes for security). */
  topPaths: z.array(z.object({ path: z.string(), count: z.number().int() })).optional(),
  /**
   * Reliability: requests of clients that had an open security incident, left out of the counts and ratio
   * above so a scanner can neither dilute an outage nor fake one.
   */
  scannerTraffic: z.object({ requests: z.number().int(), fiveXx: z.number().int(), clients: z.number().int() }).optional(),
  /** Set when a distinct-value count hit its memory cap; the figure is then a lower bound. */
  distinctCapped: z.boolean().optional(),
});
export type IncidentMetrics = z.infer<typeof IncidentMetrics>;

/** The root causes the RCA can name. */
export const RcaCause = z.enum([
  "demand-surge",
  "zero-ready-endpoints",
  "readiness-failures",
  "crashloop",
  "oom-killed",
  "image-pull",
  "node-not-ready",
  "upstream-timeout",
  "upstream-latency",
  "unhandled-501",
  "no-pods-selected",
  "port-mismatch",
  "rollout-stuck",
  "pods-pending",
  "config-error",
]);
export type RcaCause = z.infer<typeof RcaCause>;

/** A Kubernetes object field (or log fact) a cause rests on. */
export const RcaEvidence = z.object({
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  /** The field path or event reason that shows it, e.g. `status.containerStatuses[web].lastState.terminated.reason`. */
  field: z.string(),
  value: z.string(),
  /** Kubernetes timestamp (ISO 8601) of the evidence, when the object carries one. */
  time: z.string().optional(),
});
export type RcaEvidence = z.infer<typeof RcaEvidence>;

/** One cause found, with its evidence, what speaks against it and what to do. */
export const RcaFinding = z.object({
  cause: RcaCause,
  confidence: z.enum(["high", "medium", "low"]),
  summary: z.string(),
  evidence: z.array(RcaEvidence),
  counterEvidence: z.array(z.string()),
  recommendations: z.array(z.string()),
  /** The cause this one follows from (a symptom of it), when a link between the two holds. */
  because: RcaCause.optional(),
  /** What ties this finding to `because`: the shared objects and the order of their timestamps. */
  link: z.array(z.string()).optional(),
});
export type RcaFinding = z.infer<typeof RcaFinding>;

/** A reliability incident's root-cause analysis against a Kubernetes snapshot. */
export const Rca = z.object({
  /** The Service the upstream was mapped to, if any. */
  service: z.object({ namespace: z.string(), name: z.string(), port: z.string().optional() }).optional(),
  /** Root cause first, then the causes that follow from it (`because`), then unrelated leads. */
  causes: z.array(RcaFinding),
  /** Each chain from a root to what the clients saw, e.g. `OOMKilled (limit 512Mi) → CrashLoopBackOff (5 restarts) → 0/2 ready → 503 from ingress-nginx`. */
  chains: z.array(z.string()).optional(),
  /** What could not be checked (resource types missing or forbidden in the snapshot). */
  blindSpots: z.array(z.string()),
  summary: z.string(),
});
export type Rca = z.infer<typeof Rca>;

/**
 * What one rule found about the incident's key: an incident of a security actor lists every rule that fired for
 * it, each with its own thresholds and samples (a reliability incident is its one finding).
 */
export const Finding = z.object({
  /** Stable like an incident id: the same pack, rule, key and open time give the same id. */
  id: z.string(),
  ruleId: z.string(),
  pack: z.string(),
  name: z.string(),
  category: z.string(),
  /** After the rule's own escalations. */
  severity: Severity,
  window: z.object({ start: z.string(), end: z.string() }),
  outcome: Outcome.optional(),
  /** The requests this rule counted while its condition held (the window that opened it, then its key's traffic). */
  metrics: z.object({ requests: z.number().int(), distinctPaths: z.number().int(), peakRps: z.number().int() }),
  thresholds: z.array(ThresholdCheck),
  evidence: z.array(EvidenceSample),
});
export type Finding = z.infer<typeof Finding>;

/** Another incident of the same client on another host, or (a volumetric incident) on the same host or upstream while it overlapped. */
export const RelatedIncident = z.object({ id: z.string(), host: z.string().optional(), severity: Severity, window: z.object({ start: z.string(), end: z.string() }) });
export type RelatedIncident = z.infer<typeof RelatedIncident>;

/** An incident as every output carries it (JSON, table, proof block, Grafana): zod schema and type. */
export const Incident = z.object({
  id: z.string(),
  kind: IncidentKind,
  ruleId: z.string(),
  pack: z.object({ name: z.string(), version: z.string(), hash: z.string() }),
  title: z.string(),
  category: z.string(),
  severity: Severity,
  status: z.enum(["open", "closed"]),
  key: IncidentKey,
  window: z.object({ start: z.string(), end: z.string() }),
  metrics: IncidentMetrics,
  outcome: Outcome.optional(),
  /** Samples of every finding, merged (the proof block shows each finding's own). */
  evidence: z.array(EvidenceSample),
  /** Every finding's thresholds, each condition prefixed by its rule when there are several findings. */
  thresholds: z.array(ThresholdCheck),
  /** The rules that fired for this key, in the order they opened; the first one's id is the incident's. */
  findings: z.array(Finding),
  /** Security: the same client's incidents on other hosts. */
  related: z.array(RelatedIncident).optional(),
  recommendations: z.array(z.string()),
  rca: Rca.optional(),
  /** Volumetric incidents (a flood, or an organic surge's notice): the rate and the surge against the baseline. */
  volumetric: VolumetricEvidence.optional(),
  proof: z.string(),
});
export type Incident = z.infer<typeof Incident>;
