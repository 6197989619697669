export { LokiClient, parseCursor, pullAll, type LokiBatch, type LokiClientDeps, type PullRequest } from "./client.js";
export { LokiPullError, parseMaxEntriesLimit, describeRange, type NsRange } from "./errors.js";
export { canonicalLabels, type Labels } from "./labels.js";
export { backoffDelayMs, parseRetryAfterMs, type Sleep } from "./retry.js";
export {
  LokiClientOptionsSchema,
  LokiCursorSchema,
  LokiEntrySchema,
  QueryRangeResponseSchema,
  RetryOptionsSchema,
  type LokiClientOptions,
  type LokiClientOptionsInput,
  type LokiCursor,
  type LokiEntry,
  type RetryOptions,
} from "./schemas.js";
export type { LokiStats } from "./stats.js";
export { toNs, nsToIso, type TimeInput } from "./timestamp.js";
