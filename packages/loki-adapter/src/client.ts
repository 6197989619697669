import type { NsRange } from "./errors.js";
import { inOrder, splitRange } from "./intervals.js";
import { mergeQueries } from "./merge-queries.js";
import { QueryRangeHttp } from "./query-range-http.js";
import { PageLimits, pageRange } from "./range-pager.js";
import { defaultSleep, type Sleep } from "./retry.js";
import {
  LokiClientOptionsSchema,
  LokiCursorSchema,
  type LokiClientOptions,
  type LokiClientOptionsInput,
  type LokiCursor,
  type LokiEntry,
} from "./schemas.js";
import { emptyStats, type LokiStats } from "./stats.js";
import { toNs, type TimeInput } from "./timestamp.js";

export interface LokiClientDeps {
  /** Defaults to the global fetch (Node ≥18, Deno, Bun, browsers). */
  fetch?: typeof fetch;
  /** Retry waits go through here, so tests need not wait. */
  sleep?: Sleep;
  /** Clock for HTTP-date Retry-After values only. */
  now?: () => number;
}

export interface PullRequest {
  /** One LogQL log query, or several whose results are merged and de-duplicated. */
  query: string | string[];
  start: TimeInput;
  /** Exclusive, as in Loki. */
  end: TimeInput;
  /** Resume after a previous pull of the same queries; replaces `start`. */
  cursor?: LokiCursor;
  signal?: AbortSignal;
}

export interface LokiBatch {
  /** In timestamp order; a timestamp is never split across batches. */
  entries: LokiEntry[];
  /** Where a later pull resumes if it stops after this batch. */
  cursor: LokiCursor;
  /** The sub-range the batch came from. */
  range: NsRange;
}

export class LokiClient {
  readonly options: LokiClientOptions;
  readonly stats: LokiStats = emptyStats();
  private readonly http: QueryRangeHttp;
  private readonly limits: PageLimits;
  private readonly ignoreLabels: ReadonlySet<string>;

  constructor(options: LokiClientOptionsInput, deps: LokiClientDeps = {}) {
    this.options = LokiClientOptionsSchema.parse(options);
    const fetchFn = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.http = new QueryRangeHttp(this.options, {
      fetch: fetchFn,
      sleep: deps.sleep ?? defaultSleep,
      now: deps.now ?? (() => Date.now()),
      stats: this.stats,
    });
    this.limits = new PageLimits(this.options.maxEntriesPerQuery, this.options.pageLimit ?? this.options.maxEntriesPerQuery);
    this.ignoreLabels = new Set(this.options.dedupeIgnoreLabels);
  }

  /** The max entries per query in force (lowered if the server reported a smaller cap). */
  get maxEntriesPerQuery(): number {
    return this.limits.maxEntries;
  }

  async *pull(req: PullRequest): AsyncGenerator<LokiBatch> {
    const queries = typeof req.query === "string" ? [req.query] : [...req.query];
    if (queries.length === 0) throw new Error("pull needs at least one query");
    const startNs = req.cursor ? resumePoint(req.cursor, queries) : toNs(req.start);
    const endNs = toNs(req.end);
    if (endNs < startNs) throw new Error(`pull end ${endNs} is before start ${startNs}`);

    const abort = new AbortController();
    const onOuterAbort = () => abort.abort(req.signal?.reason);
    req.signal?.addEventListener("abort", onOuterAbort, { once: true });
    if (req.signal?.aborted) abort.abort(req.signal.reason);
    const intervals = splitRange({ startNs, endNs }, BigInt(this.options.splitIntervalMs) * 1_000_000n);
    const producers = intervals.map((range) => () => this.pullRange(queries, range, abort.signal));
    try {
      yield* inOrder(producers, this.options.concurrency);
    } finally {
      req.signal?.removeEventListener("abort", onOuterAbort);
      abort.abort(new Error("pull finished"));
    }
  }

  private async *pullRange(queries: string[], range: NsRange, signal: AbortSignal): AsyncGenerator<LokiBatch> {
    const pagers = queries.map((q) => pageRange(this.http, q, range, this.limits, this.stats, signal));
    for await (const step of mergeQueries(pagers, range, this.ignoreLabels, this.stats)) {
      yield { entries: step.entries, cursor: { v: 1, queries, nextNs: step.frontier.toString() }, range };
    }
  }
}

function resumePoint(cursor: LokiCursor, queries: string[]): bigint {
  const c = LokiCursorSchema.parse(cursor);
  if (c.queries.length !== queries.length || c.queries.some((q, i) => q !== queries[i])) {
    throw new Error(`cursor belongs to queries ${JSON.stringify(c.queries)}, not ${JSON.stringify(queries)}`);
  }
  return BigInt(c.nextNs);
}

/** Reads a cursor saved with JSON.stringify; a bad one is an error, never a silent restart from zero. */
export function parseCursor(text: string): LokiCursor {
  return LokiCursorSchema.parse(JSON.parse(text));
}

/** Convenience for callers that want everything: all entries in order (memory grows with the range). */
export async function pullAll(client: LokiClient, req: PullRequest): Promise<LokiEntry[]> {
  const out: LokiEntry[] = [];
  for await (const batch of client.pull(req)) out.push(...batch.entries);
  return out;
}

export type { LokiCursor, LokiEntry };
