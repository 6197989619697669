import { z } from "zod";

const Quantiles = z.object({ p50: z.number(), p95: z.number(), max: z.number() });

/** A volumetric incident on the spike's host or upstream that overlapped it (see IncidentLog.surgesDuring). */
export const DemandSurge = z.object({
  incident: z.string(),
  verdict: z.enum(["attack-like", "organic"]),
  key: z.string(),
  startMs: z.number(),
  peak: z.number(),
  baselineMedian: z.number(),
  windowS: z.number(),
  prefixes: z.array(z.object({ prefix: z.string(), share: z.number() })),
  topPrefixShare: z.number(),
});
export type DemandSurge = z.infer<typeof DemandSurge>;

/** What the reliability detector knows about one spike; filled from the incident's events. */
export const RcaInput = z.object({
  host: z.string().optional(),
  /** ingress-nginx `$proxy_upstream_name`, Envoy `upstream_cluster`, or Traefik service name. */
  upstream: z.string().optional(),
  windowStartMs: z.number(),
  windowEndMs: z.number(),
  /** Client-facing status → count, over the window. */
  statusCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** Upstream status of the last attempt → count (`-` when nginx answered without an upstream). */
  upstreamStatusCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** Distinct upstream `IP:port` seen in the window. */
  upstreamAddrs: z.array(z.string()),
  /** Seconds. */
  requestTimes: Quantiles,
  /** Seconds, per attempt. */
  upstreamResponseTimes: Quantiles,
  attemptsPerRequestMax: z.number().int().nonnegative(),
  /** Distinct paths answered 501 by the upstream. */
  paths501: z.array(z.string()),
  /** Requests answered 503 with upstream `0.0.0.1:80`, `127.0.0.1:8181` or no upstream address. */
  noEndpointSignals: z.number().int().nonnegative(),
  /** Surges of requests on the same host or upstream while it failed: demand the pods fell over under. */
  demandSurges: z.array(DemandSurge).optional(),
  nonAccessEvidence: z
    .array(
      z.object({
        kind: z.enum(["klog", "nginx-error"]),
        ts: z.number().optional(),
        /** e.g. `no-active-endpoint`, `connection-refused`, `upstream-timeout`, `no-route-to-host`. */
        reason: z.string(),
        /** `namespace/name` when the line names a Service. */
        service: z.string().optional(),
        message: z.string(),
      }),
    )
    .optional(),
});
export type RcaInput = z.infer<typeof RcaInput>;

/** Tuning of the RCA decision table (evidence slack, the proxy's read and connect timeouts). */
export const RcaOptions = z.object({
  /** How long before the spike evidence may start and still count. */
  slackMs: z.number().nonnegative().default(10 * 60_000),
  /** ingress-nginx defaults (proxy-read-timeout 60, proxy-connect-timeout 5): 504s at these times are timeouts. */
  proxyReadTimeoutS: z.number().positive().default(60),
  proxyConnectTimeoutS: z.number().positive().default(5),
  /** Upstream p95 at or above which latency is a lead for the errors. */
  latencyP95S: z.number().positive().default(1),
});
export type RcaOptions = z.input<typeof RcaOptions>;
