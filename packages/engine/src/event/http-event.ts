import { z } from "zod";

/** One attempt against an upstream, from nginx's multi-value `$upstream_*` variables. */
export const UpstreamAttempt = z.object({
  addr: z.string(),
  status: z.number().int().optional(),
  responseTime: z.number().optional(),
  responseLength: z.number().int().optional(),
  /** Index of the server group: values after ` : ` (internal redirect) belong to the next group. */
  group: z.number().int().nonnegative(),
  /** Seconds to connect (`$upstream_connect_time`, HAProxy Tc). */
  connectTime: z.number().optional(),
  /** Seconds until the response header (`$upstream_header_time`, HAProxy Tr). */
  headerTime: z.number().optional(),
});
export type UpstreamAttempt = z.infer<typeof UpstreamAttempt>;

/** The access-log formats the parsers read; `source.format` of an event names the one its line was in. */
export const LogFormat = z.enum([
  "combined",
  "main",
  "upstreaminfo",
  "upstreaminfo-pre0.22",
  "json",
  "traefik",
  "traefik-json",
  "envoy",
  "envoy-json",
  /** A format compiled from the user's nginx `log_format` string or `json:{...}` key mapping. */
  "custom",
  "caddy",
  "haproxy",
  "cloudfront",
  "aws-alb",
  "nginx-proxy-manager",
]);
export type LogFormat = z.infer<typeof LogFormat>;

/** Where an event's line came from: its format, line number, file and (Loki) labels. */
export const EventSource = z.object({
  format: LogFormat,
  /** 1-based line number within the input it came from. */
  line: z.number().int().positive(),
  file: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

/**
 * The normal form every parser produces. Missing values are `undefined`, never `'-'`:
 * downstream code must not have to know each format's spelling of "absent".
 */
export const HTTPEvent = z.object({
  /** Epoch ms, from the log line; never the wall clock. */
  ts: z.number(),
  clientIp: z.string().optional(),
  host: z.string(),
  method: z.string().optional(),
  /** Path as logged (escapes decoded once), without the query string. */
  path: z.string(),
  query: z.string().optional(),
  protocol: z.string().optional(),
  /**
   * The HTTP version the request line states, as written (`1.1`, `2.0`, an invalid `1.7` or `x`); `0.9` for a
   * request line without one (`GET /`, the HTTP/0.9 form). Unset when the format logs no request line or
   * the line was malformed. CrowdSec's `evt.Parsed.http_version`.
   */
  httpVersion: z.string().optional(),
  /** Client-facing status; 0 when the proxy logged none (Traefik `-`, Envoy 0: client left before a response). */
  status: z.number().int(),
  bytes: z.number().int().optional(),
  requestLength: z.number().int().optional(),
  /** Seconds. */
  requestTime: z.number().optional(),
  userAgent: z.string().optional(),
  referer: z.string().optional(),
  remoteUser: z.string().optional(),
  forwardedFor: z.string().optional(),
  /** Other client-address headers, where the format logs them. */
  clientHeaders: z
    .object({
      forwarded: z.string().optional(),
      xRealIp: z.string().optional(),
      cfConnectingIp: z.string().optional(),
      trueClientIp: z.string().optional(),
    })
    .optional(),
  /**
   * Set when clientIp was taken from a forwarded header (--trusted-proxies): the proxies the request came
   * through, nearest the client first, ending with the address that connected.
   */
  via: z.array(z.string()).optional(),
  upstream: z
    .object({
      name: z.string().optional(),
      alternative: z.string().optional(),
      attempts: z.array(UpstreamAttempt),
      /** Proxy-specific reason codes, e.g. Envoy response flags `UH`, `UT`. */
      flags: z.string().optional(),
    })
    .optional(),
  requestId: z.string().optional(),
  /** The request line was not a parseable HTTP request (empty, binary, no method/protocol). */
  malformedRequest: z.boolean().optional(),
  /** The request target was in absolute form (`GET http://other.host/x`): open-proxy probing. */
  absoluteUri: z.boolean().optional(),
  /** Authority named by an absolute-form target or a CONNECT request; `path` holds only the path. */
  targetHost: z.string().optional(),
  source: EventSource,
});
export type HTTPEvent = z.infer<typeof HTTPEvent>;

/** Why a line gave no event (counted per reason in the run's stats). */
export const RejectReason = z.enum([
  "empty",
  "unknown-format",
  "bad-timestamp",
  "bad-status",
  "bad-field",
  "truncated",
  "too-long",
  "not-access-log",
]);
export type RejectReason = z.infer<typeof RejectReason>;

/** A line that gave no event, with the reason and a bounded sample of it. */
export const Rejected = z.object({
  reason: RejectReason,
  /** 1-based line number. */
  line: z.number().int().positive(),
  /** The line, cut to a bounded length so a hostile input cannot blow up memory. */
  sample: z.string(),
  detail: z.string().optional(),
});
export type Rejected = z.infer<typeof Rejected>;

/** What parseLine returns: the event, or why there is none. */
export type ParseResult = { ok: true; event: HTTPEvent } | { ok: false; rejected: Rejected };
