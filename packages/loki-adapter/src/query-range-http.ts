import { LokiPullError, parseMaxEntriesLimit, type NsRange } from "./errors.js";
import { retryDelayMs, parseRetryAfterMs, type Sleep } from "./retry.js";
import { QueryRangeResponseSchema, type LokiClientOptions, type QueryRangeResponse } from "./schemas.js";
import type { LokiStats } from "./stats.js";

export interface QueryRangeParams {
  query: string;
  range: NsRange;
  limit: number;
}

/** The server refused the limit; `max` is its max_entries_limit_per_query. Not a failure: the caller shrinks pages. */
export class MaxEntriesExceeded extends Error {
  constructor(readonly max: number) {
    super(`server max entries per query is ${max}`);
  }
}

export interface HttpDeps {
  fetch: typeof fetch;
  sleep: Sleep;
  now: () => number;
  stats: LokiStats;
}

type Outcome =
  | { kind: "ok"; response: QueryRangeResponse }
  | { kind: "retry"; reason: string; status?: number; body?: string; retryAfterMs?: number }
  | { kind: "fatal"; reason: string; status?: number; body?: string };

/** One GET of /loki/api/v1/query_range (forward), with the deterministic retry schedule. */
export class QueryRangeHttp {
  private readonly endpoint: URL;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly options: LokiClientOptions,
    private readonly deps: HttpDeps,
  ) {
    const base = options.url.endsWith("/") ? options.url : `${options.url}/`;
    this.endpoint = new URL("loki/api/v1/query_range", base);
    this.headers = { Accept: "application/json", ...options.headers, ...authHeaders(options) };
  }

  async get(params: QueryRangeParams, signal: AbortSignal): Promise<QueryRangeResponse> {
    const url = new URL(this.endpoint);
    url.searchParams.set("query", params.query);
    url.searchParams.set("start", params.range.startNs.toString());
    url.searchParams.set("end", params.range.endNs.toString());
    url.searchParams.set("limit", String(params.limit));
    url.searchParams.set("direction", "forward");

    const { retry } = this.options;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(url, signal);
      if (outcome.kind === "ok") return outcome.response;
      if (outcome.kind === "fatal" || attempt >= retry.maxAttempts) {
        throw new LokiPullError(params.query, params.range, outcome.reason, attempt, outcome.status, outcome.body);
      }
      this.deps.stats.retries++;
      await this.deps.sleep(retryDelayMs(retry, attempt - 1, outcome.retryAfterMs), signal);
    }
  }

  private async attempt(url: URL, outer: AbortSignal): Promise<Outcome> {
    outer.throwIfAborted();
    const controller = new AbortController();
    const forward = () => controller.abort(outer.reason);
    outer.addEventListener("abort", forward, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    this.deps.stats.requests++;
    try {
      const res = await this.deps.fetch(url, { headers: this.headers, signal: controller.signal });
      const bytes = new Uint8Array(await res.arrayBuffer());
      this.deps.stats.bytes += bytes.byteLength;
      const text = new TextDecoder().decode(bytes);
      return classify(res, text, this.deps.now());
    } catch (err) {
      if (outer.aborted) throw outer.reason;
      if (err instanceof MaxEntriesExceeded) throw err;
      const reason = timedOut ? `no complete answer within ${this.options.timeoutMs} ms` : `network error: ${describe(err)}`;
      return { kind: "retry", reason };
    } finally {
      clearTimeout(timer);
      outer.removeEventListener("abort", forward);
    }
  }
}

function classify(res: Response, text: string, nowMs: number): Outcome {
  const status = res.status;
  const body = text.slice(0, 2000);
  if (status === 200) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // A proxy in front of Loki may answer 200 with an HTML page or a cut body: transient.
      return { kind: "retry", reason: "200 with a body that is not JSON", status, body };
    }
    const parsed = QueryRangeResponseSchema.safeParse(json);
    if (!parsed.success) return { kind: "fatal", reason: `unexpected response shape: ${parsed.error.message}`, status, body };
    return { kind: "ok", response: parsed.data };
  }
  if (status === 400) {
    const max = parseMaxEntriesLimit(text);
    if (max !== undefined) throw new MaxEntriesExceeded(max);
  }
  const reason = `HTTP ${status}: ${text.trim().slice(0, 300) || res.statusText}`;
  if (status === 429 || status >= 500) {
    return { kind: "retry", reason, status, body, retryAfterMs: parseRetryAfterMs(res.headers.get("retry-after"), nowMs) };
  }
  return { kind: "fatal", reason, status, body };
}

function authHeaders(o: LokiClientOptions): Record<string, string> {
  const h: Record<string, string> = {};
  if (o.orgId) h["X-Scope-OrgID"] = o.orgId;
  if (o.bearerToken) h.Authorization = `Bearer ${o.bearerToken}`;
  else if (o.basicAuth) h.Authorization = `Basic ${base64Utf8(`${o.basicAuth.user}:${o.basicAuth.password}`)}`;
  return h;
}

/** btoa only takes Latin-1; passwords may not be. */
function base64Utf8(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
