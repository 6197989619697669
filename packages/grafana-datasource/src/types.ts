import type { DataQuery, DataSourceJsonData } from "@grafana/schema";
import * as z from "zod/mini";

export const QUERY_TYPES = ["incidents", "incident", "summary", "timeseries", "annotations"] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

/** Filters shared by every query type; each may hold `$variables` and comma-separated values. */
export interface Filters {
  kind?: string;
  severity?: string;
  host?: string;
  clientIp?: string;
  upstream?: string;
}

export interface EdgeproofQuery extends DataQuery, Filters {
  queryType?: QueryType;
  /** Incident detail: the id, usually `$incident`. */
  incidentId?: string;
  /** Incident detail: only this frame (for panels that show one part), default all. */
  part?: DetailPart;
  limit?: number;
  /** Time series: one series per host or per upstream. */
  by?: "host" | "upstream";
  /** Summary: count over the dashboard range instead of the server's last 24h of event time. */
  useDashboardRange?: boolean;
}

export const DETAIL_PARTS = ["proof", "evidence", "thresholds", "findings", "rca", "chain", "recommendations", "lifecycle", "fix preview", "alert"] as const;
export type DetailPart = (typeof DETAIL_PARTS)[number];

/**
 * Detail parts that exist only when a server feature is on (`/api/capabilities`); the others always do. A
 * feature that is off leaves nothing behind: the editor does not offer the part, no frame carries it.
 */
export const PART_FEATURE: Partial<Record<DetailPart, string>> = { rca: "rca", chain: "rca", lifecycle: "lifecycle", "fix preview": "runbooks", alert: "alerting" };

/** Values of a template variable's "All" option: no constraint. */
export const ALL_VALUES = ["*", "$__all"];

export const DEFAULT_QUERY: Partial<EdgeproofQuery> = { queryType: "incidents", limit: 100 };

/** Settings stored in Grafana: the URL feeds the plugin.json proxy route. */
export interface EdgeproofOptions extends DataSourceJsonData {
  url?: string;
}

/** Kept encrypted by Grafana and only added by its proxy as `Authorization: Bearer …`. */
export interface EdgeproofSecureJsonData {
  token?: string;
}

/** The dashboard the provisioning files install; data links point at it. */
export const DASHBOARD_UID = "edgeproof-incidents";

// Response shapes of `edgeproof serve` (see its /api/openapi.json), checked on arrival. zod/mini keeps the bundle small.
const Key = z.object({ clientIp: z.optional(z.string()), host: z.optional(z.string()), upstream: z.optional(z.string()) });
const Window = z.object({ start: z.string(), end: z.string() });
/** One rule that fired for the incident's key (a security incident is one actor with every rule it set off). */
const FindingSummary = z.object({ id: z.string(), ruleId: z.string(), pack: z.string(), severity: z.string(), outcome: z.optional(z.string()), window: Window });

export const IncidentSummary = z.object({
  id: z.string(),
  kind: z.string(),
  ruleId: z.string(),
  title: z.string(),
  category: z.string(),
  severity: z.string(),
  status: z.string(),
  key: Key,
  window: Window,
  outcome: z.optional(z.string()),
  // Optional: a server older than findings sends none, and its incidents are one rule each.
  findings: z.optional(z.array(FindingSummary)),
  metrics: z.object({
    requests: z.number(),
    peakRps: z.number(),
    distinctPaths: z.number(),
    fiveXx: z.optional(z.number()),
    errorRatio: z.optional(z.number()),
    latencyP95: z.optional(z.number()),
  }),
  rcaSummary: z.optional(z.string()),
  /** Only from a server with the lifecycle feature on. */
  lifecycleState: z.optional(z.string()),
});
export type IncidentSummary = z.infer<typeof IncidentSummary>;

export const IncidentList = z.object({ from: z.string(), to: z.string(), items: z.array(IncidentSummary), nextCursor: z.optional(z.string()) });
export type IncidentList = z.infer<typeof IncidentList>;

const RcaEvidence = z.object({ kind: z.string(), namespace: z.optional(z.string()), name: z.string(), field: z.string(), value: z.string(), time: z.optional(z.string()) });
const RcaFinding = z.object({
  cause: z.string(),
  confidence: z.string(),
  summary: z.string(),
  evidence: z.array(RcaEvidence),
  counterEvidence: z.array(z.string()),
  recommendations: z.array(z.string()),
  /** The cause this one follows from; with `link`, what ties the two (shared objects, timestamp order). */
  because: z.optional(z.string()),
  link: z.optional(z.array(z.string())),
});

export const IncidentDetail = z.object({
  incident: z.object({
    id: z.string(),
    kind: z.string(),
    title: z.string(),
    severity: z.string(),
    status: z.string(),
    window: Window,
    key: Key,
    evidence: z.array(
      z.object({
        line: z.number(),
        file: z.optional(z.string()),
        time: z.string(),
        clientIp: z.optional(z.string()),
        method: z.optional(z.string()),
        path: z.string(),
        status: z.number(),
        upstreamStatus: z.optional(z.string()),
        requestTime: z.optional(z.number()),
        why: z.string(),
      }),
    ),
    thresholds: z.array(z.object({ condition: z.string(), observed: z.number(), required: z.number(), op: z.string(), met: z.boolean() })),
    findings: z.optional(z.array(z.extend(FindingSummary, { name: z.string(), category: z.string(), metrics: z.object({ requests: z.number(), distinctPaths: z.number(), peakRps: z.number() }) }))),
    recommendations: z.array(z.string()),
    rca: z.optional(z.object({ summary: z.string(), causes: z.array(RcaFinding), chains: z.optional(z.array(z.string())), blindSpots: z.array(z.string()) })),
  }),
  proof: z.object({ text: z.string(), json: z.record(z.string(), z.unknown()) }),
  lifecycle: z.optional(
    z.object({
      state: z.string(),
      audit: z.array(z.object({ at: z.string(), by: z.string(), from: z.nullable(z.string()), to: z.string(), note: z.optional(z.string()) })),
    }),
  ),
  fixPreview: z.optional(z.object({ runbook: z.string(), title: z.string(), steps: z.array(z.object({ name: z.string(), instructions: z.string() })) })),
  /** Only from a server with alerting on, once the incident has an alert. */
  alert: z.optional(
    z.object({
      status: z.string(),
      startsAt: z.string(),
      endsAt: z.optional(z.string()),
      labels: z.record(z.string(), z.string()),
      escalation: z.optional(z.object({ note: z.string(), startsAt: z.string(), endsAt: z.optional(z.string()) })),
    }),
  ),
});
export type IncidentDetail = z.infer<typeof IncidentDetail>;

export const Summary = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number(),
  open: z.number(),
  byKind: z.record(z.string(), z.number()),
  bySeverity: z.record(z.string(), z.number()),
  byKindSeverity: z.array(z.object({ kind: z.string(), severity: z.string(), count: z.number() })),
  link: z.record(z.string(), z.string()),
});
export type Summary = z.infer<typeof Summary>;

export const Timeseries = z.object({
  by: z.string(),
  stepMs: z.number(),
  series: z.array(z.object({ name: z.string(), points: z.array(z.object({ t: z.number(), rps: z.number(), rate4xx: z.number(), rate5xx: z.number() })) })),
});
export type Timeseries = z.infer<typeof Timeseries>;

export const Capabilities = z.object({
  name: z.string(),
  version: z.string(),
  features: z.array(z.string()),
  ready: z.boolean(),
  sources: z.array(z.object({ kind: z.string(), name: z.string(), state: z.string(), linesRead: z.number(), error: z.optional(z.string()) })),
});
export type Capabilities = z.infer<typeof Capabilities>;

export const Values = z.object({ field: z.string(), values: z.array(z.string()) });
