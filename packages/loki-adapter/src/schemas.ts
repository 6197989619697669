import { z } from "zod";

const NsString = z.string().regex(/^\d+$/, "expected a nanosecond timestamp as a decimal string");
const LabelMap = z.record(z.string(), z.string());

/**
 * One value of a stream. Loki sends `[ts, line]`, and with structured metadata a third element that
 * is either `{structuredMetadata, parsed}` (categorize-labels) or a flat label map (push format).
 */
const StreamValue = z.tuple([NsString, z.string()]).rest(z.record(z.string(), z.unknown()));

export const StreamsResultSchema = z.array(z.object({ stream: LabelMap, values: z.array(StreamValue) }));
export type StreamsResult = z.infer<typeof StreamsResultSchema>;

/** Only what the adapter reads: `stats`, `warnings`, `encodingFlags` differ between versions and stay opaque. */
export const QueryRangeResponseSchema = z.object({
  status: z.literal("success"),
  data: z.discriminatedUnion("resultType", [
    z.object({ resultType: z.literal("streams"), result: StreamsResultSchema }),
    z.object({
      resultType: z.literal("matrix"),
      result: z.array(z.object({ metric: LabelMap, values: z.array(z.tuple([z.number(), z.string()])) })),
    }),
    z.object({ resultType: z.literal("vector"), result: z.array(z.unknown()) }),
    z.object({ resultType: z.literal("scalar"), result: z.unknown() }),
  ]),
});
export type QueryRangeResponse = z.infer<typeof QueryRangeResponseSchema>;

export const LokiEntrySchema = z.object({
  /** ns since epoch, decimal string (exceeds 2^53). */
  tsNs: NsString,
  line: z.string(),
  labels: LabelMap,
  /** canonicalLabels(labels): the stream identity, independent of the key order Loki sent. */
  stream: z.string(),
  structuredMetadata: LabelMap.optional(),
  parsed: LabelMap.optional(),
});
export type LokiEntry = z.infer<typeof LokiEntrySchema>;

/**
 * Resume point of a pull: every entry of `queries` with ts < nextNs has been emitted, none with
 * ts >= nextNs. The adapter only emits whole timestamps, so one position is exact (no per-entry memory).
 */
export const LokiCursorSchema = z.object({
  v: z.literal(1),
  queries: z.array(z.string()).min(1),
  nextNs: NsString,
});
export type LokiCursor = z.infer<typeof LokiCursorSchema>;

export const RetryOptionsSchema = z.object({
  /** Total tries per request, the first included. */
  maxAttempts: z.number().int().min(1).default(5),
  initialDelayMs: z.number().min(0).default(250),
  multiplier: z.number().min(1).default(2),
  maxDelayMs: z.number().min(0).default(8_000),
  /** A server's Retry-After is obeyed up to this bound. */
  maxRetryAfterMs: z.number().min(0).default(30_000),
});
export type RetryOptions = z.infer<typeof RetryOptionsSchema>;

export const LokiClientOptionsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  orgId: z.string().min(1).optional(),
  bearerToken: z.string().min(1).optional(),
  basicAuth: z.object({ user: z.string(), password: z.string() }).optional(),
  timeoutMs: z.number().int().positive().default(30_000),
  retry: RetryOptionsSchema.default(RetryOptionsSchema.parse({})),
  /** Loki's limits_config.max_entries_limit_per_query (default 5000); lowered automatically if the server says less. */
  maxEntriesPerQuery: z.number().int().positive().default(5000),
  /** Entries asked for per request; defaults to maxEntriesPerQuery. */
  pageLimit: z.number().int().positive().optional(),
  /** Length of the sub-ranges a long pull is split into (ms). */
  splitIntervalMs: z.number().int().positive().default(3_600_000),
  /** Sub-ranges fetched at the same time; results are still emitted in time order. */
  concurrency: z.number().int().min(1).max(32).default(2),
  /**
   * Labels that do not make a line distinct: an entry whose ts, line and remaining labels equal
   * another stream's is the same line shipped twice (e.g. by two agents). Empty = exact streams.
   */
  dedupeIgnoreLabels: z.array(z.string()).default([]),
  /** Extra request headers, e.g. X-Loki-Response-Encoding-Flags. */
  headers: z.record(z.string(), z.string()).default({}),
});
export type LokiClientOptionsInput = z.input<typeof LokiClientOptionsSchema>;
export type LokiClientOptions = z.infer<typeof LokiClientOptionsSchema>;
