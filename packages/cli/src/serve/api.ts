import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { z } from "zod";
import type { Incident, RunStats } from "@edgeproof/engine";
import type { EventHub } from "./event-hub.js";
import { renderMetrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { DAY_MS, IncidentsQuery, SummaryQuery, TimeseriesQuery, describeIssues, encodeCursor, summarize, toFilter } from "./query-params.js";
import { RateLimiter } from "./rate-limit.js";
import type { SourceStatus } from "./sources.js";
import type { Store } from "./store.js";
import { BUCKET_MS, type Counts } from "./counters.js";

export interface ServerState {
  sources(): SourceStatus[];
  ready(): boolean;
  stats(): RunStats;
  /** Optional features that are on; the plugin shows only these. */
  features: string[];
  retentionMs: number;
}

/**
 * A layer of serve that adds to the API (alerting, lifecycle, runbooks) without the read-only core knowing
 * it: its routes, the POST paths it accepts, and what it adds to capabilities, metrics, the OpenAPI paths
 * and an incident's detail. A layer that is off is not in the list, so nothing of it shows.
 */
export interface ApiExtension {
  /** POST paths it answers; they need the bearer token and a small JSON body. Everything else stays GET-only. */
  writes?: RegExp;
  routes?(app: Hono): void;
  capabilities?(now: number): Record<string, unknown>;
  metrics?(now: number): string;
  openapi?(): Record<string, unknown>;
  /** Fields added to GET /api/incidents/:id (and its proof JSON), and a section for the proof text. */
  detail?(inc: Incident): { fields: Record<string, unknown>; proofText?: string } | undefined;
  /** Fields added to each item of GET /api/incidents. */
  summary?(inc: Incident): Record<string, unknown> | undefined;
}

export interface ApiDeps {
  store: Store;
  hub: EventHub;
  state: ServerState;
  version: string;
  token?: string;
  /** Requests per second per client (bursts of twice that). */
  rateLimit: number;
  now: () => number;
  /** Who is asking, for the rate limit (the socket's address on Node). */
  clientId: (c: Context) => string;
  extensions?: ApiExtension[];
}

const MAX_URL = 4096;
/** Largest body a write (a lifecycle transition: who and a note) may carry. */
const MAX_WRITE_BODY = 16_384;
const SSE_KEEPALIVE_MS = 15_000;
/** Points per series a timeseries answer may hold; beyond it the caller must choose a larger step. */
const MAX_POINTS = 5000;

/**
 * The HTTP API. Runtime-neutral (hono on web-standard Request/Response), so the Node, Bun and Deno entry
 * points share it. Read-only unless an extension declares writes; every other non-GET request is refused.
 */
export function createApp(d: ApiDeps): Hono {
  const app = new Hono();
  const extensions = d.extensions ?? [];
  const limiter = new RateLimiter(d.rateLimit, d.now);
  const httpCounts = new Map<string, number>();

  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "no-store");
    const route = c.req.routePath || "unmatched";
    const k = `${route} ${c.res.status}`;
    httpCounts.set(k, (httpCounts.get(k) ?? 0) + 1);
  });

  app.use("*", async (c, next) => {
    if (c.req.url.length > MAX_URL) return problem(c, 414, `request URL longer than ${MAX_URL} characters`);
    const write = c.req.method === "POST" && extensions.some((e) => e.writes?.test(c.req.path));
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && !write) {
      c.header("Allow", "GET, HEAD");
      return problem(c, 405, "the API is read-only: only GET and HEAD are allowed");
    }
    const length = Number(c.req.header("content-length") ?? 0);
    if (!write && (length > 0 || c.req.header("transfer-encoding"))) return problem(c, 413, "requests must not carry a body");
    if (write && (length > MAX_WRITE_BODY || !(length > 0))) return problem(c, length > 0 ? 413 : 400, `a write needs a JSON body of at most ${MAX_WRITE_BODY} bytes`);
    // Writes need the token on every address, loopback included: a browser tab on this machine is not a responder.
    if (write && !d.token) return problem(c, 403, "writes need a bearer token configured on the server");
    if (!limiter.take(d.clientId(c))) {
      c.header("Retry-After", "1");
      return problem(c, 429, `rate limit of ${d.rateLimit} requests per second exceeded`);
    }
    const path = c.req.path;
    const open = path === "/healthz" || path === "/readyz";
    if (d.token && !open && !bearerMatches(c.req.header("authorization"), d.token)) {
      c.header("WWW-Authenticate", 'Bearer realm="edgeproof"');
      return problem(c, 401, "missing or wrong bearer token");
    }
    await next();
  });

  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/readyz", (c) => {
    const ready = d.state.ready();
    return c.json({ ready, sources: d.state.sources() }, ready ? 200 : 503);
  });
  app.get("/metrics", (c) => {
    c.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    const now = d.now();
    return c.body(renderMetrics({ stats: d.state.stats(), sources: d.state.sources(), store: d.store, hub: d.hub, http: httpCounts, now }) + extensions.map((e) => e.metrics?.(now) ?? "").join(""));
  });
  app.get("/api/openapi.json", (c) => {
    const doc = openApiDocument(d.version);
    for (const e of extensions) Object.assign(doc.paths, e.openapi?.());
    return c.json(doc);
  });

  app.get("/api/capabilities", (c) =>
    c.json({
      name: "edgeproof",
      version: d.version,
      apiVersion: 1,
      features: d.state.features,
      ready: d.state.ready(),
      sources: d.state.sources(),
      retentionMs: d.state.retentionMs,
      newestEvent: iso(d.store.newestEventMs),
      incidentsStored: d.store.incidentCount,
      auth: d.token !== undefined,
      ...Object.assign({}, ...extensions.map((e) => e.capabilities?.(d.now()))),
    }),
  );

  app.get("/api/incidents", (c) => {
    const q = parseQuery(c, IncidentsQuery);
    if (!q.ok) return q.response;
    const f = toFilter(q.data, d.store.newestEventMs, d.now());
    const { items, next } = d.store.listIncidents(f, q.data.limit, q.data.cursor);
    const item = (inc: Incident) => Object.assign(summarize(inc), ...extensions.map((e) => e.summary?.(inc)));
    return c.json({ from: iso(f.from), to: iso(f.to), items: items.map(item), nextCursor: next ? encodeCursor(next) : undefined });
  });

  app.get("/api/incidents/:id", (c) => {
    const inc = d.store.getIncident(c.req.param("id"));
    if (!inc) return problem(c, 404, `no incident with id "${c.req.param("id")}" (it may be older than the retention of ${d.state.retentionMs / DAY_MS} days)`);
    const { proof, ...facts } = inc;
    const added = extensions.map((e) => e.detail?.(inc)).filter((x) => x !== undefined);
    const fields = Object.assign({}, ...added.map((x) => x.fields));
    const text = withSections(proof, added.flatMap((x) => (x.proofText ? [x.proofText] : [])));
    return c.json({ incident: inc, ...fields, proof: { text, json: { ...facts, ...fields } } });
  });

  app.get("/api/summary", (c) => {
    const q = parseQuery(c, SummaryQuery);
    if (!q.ok) return q.response;
    const f = toFilter(q.data, d.store.newestEventMs, d.now());
    const byKind: Record<string, number> = { security: 0, reliability: 0 };
    const bySeverity: Record<string, number> = { P0: 0, P1: 0, P2: 0, P3: 0, P4: 0 };
    const byKindSeverity = new Map<string, number>();
    let total = 0;
    let open = 0;
    for (const e of d.store.matching(f)) {
      total++;
      if (e.status === "open") open++;
      byKind[e.kind]++;
      bySeverity[e.severity]++;
      const k = `${e.kind}\u0000${e.severity}`;
      byKindSeverity.set(k, (byKindSeverity.get(k) ?? 0) + 1);
    }
    // Parameters that reproduce this view as an incidents list (API query or Grafana variables).
    const link = linkParams(f);
    return c.json({
      from: iso(f.from),
      to: iso(f.to),
      total,
      open,
      byKind,
      bySeverity,
      byKindSeverity: [...byKindSeverity].map(([k, count]) => {
        const [kind, severity] = k.split("\u0000");
        return { kind, severity, count, link: { ...link, kind, severity } };
      }),
      link,
    });
  });

  app.get("/api/timeseries", (c) => {
    const q = parseQuery(c, TimeseriesQuery);
    if (!q.ok) return q.response;
    const f = toFilter(q.data, d.store.newestEventMs, d.now());
    const by = q.data.by;
    const step = q.data.step ?? Math.max(BUCKET_MS, Math.ceil((f.to - f.from) / 300 / BUCKET_MS) * BUCKET_MS);
    const first = Math.floor(f.from / step) * step;
    const count = Math.ceil((f.to - first) / step);
    if (count > MAX_POINTS) return problem(c, 400, `step: ${count} points per series is over ${MAX_POINTS}; use a larger step or a shorter range`);
    const names = by === "host" ? f.host : f.upstream;
    const series = [...readAll(d.store, by, f.from, f.to, names)].map(([name, points]) => {
      const sums = Array.from({ length: count }, () => ({ requests: 0, c4xx: 0, c5xx: 0 }));
      for (const [t, cnt] of points) {
        const s = sums[Math.floor((t - first) / step)];
        if (!s) continue;
        s.requests += cnt.requests;
        s.c4xx += cnt.c4xx;
        s.c5xx += cnt.c5xx;
      }
      const perSec = step / 1000;
      return {
        name,
        points: sums.map((s, i) => ({ t: first + i * step, requests: s.requests, c4xx: s.c4xx, c5xx: s.c5xx, rps: s.requests / perSec, rate4xx: s.c4xx / perSec, rate5xx: s.c5xx / perSec })),
      };
    });
    return c.json({ from: iso(f.from), to: iso(f.to), by, stepMs: step, series });
  });

  // Values for Grafana template variables. Hosts and upstreams come from the traffic counters (so a host
  // without incidents is still selectable); client addresses only from incidents in the range.
  app.get("/api/values/:field", (c) => {
    const field = c.req.param("field");
    const q = parseQuery(c, SummaryQuery);
    if (!q.ok) return q.response;
    let values: string[];
    if (field === "kind") values = ["security", "reliability"];
    else if (field === "severity") values = ["P0", "P1", "P2", "P3", "P4"];
    else if (field === "host" || field === "upstream") values = d.store.seriesNames(field);
    else if (field === "clientIp") {
      const set = new Set<string>();
      for (const e of d.store.matching(toFilter(q.data, d.store.newestEventMs, d.now()))) if (e.clientIp !== undefined) set.add(e.clientIp);
      values = [...set].sort();
    } else return problem(c, 404, `no values for "${field}": use kind, severity, host, upstream or clientIp`);
    return c.json({ field, values });
  });

  app.get("/api/stream", (c) => {
    const queue: Array<{ event: string; data: string; id: string }> = [];
    let wake: (() => void) | undefined;
    const unsubscribe = d.hub.subscribe((e, seq) => {
      queue.push({ event: e.type, data: JSON.stringify(summarize(e.incident)), id: String(seq) });
      wake?.();
    });
    if (!unsubscribe) return problem(c, 503, `too many event-stream clients (limit ${d.hub.maxClients})`);
    let connected = true;
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => {
        connected = false;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: "ready", data: JSON.stringify({ version: d.version }) });
      while (connected) {
        while (queue.length) await stream.writeSSE(queue.shift()!);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, SSE_KEEPALIVE_MS);
        });
        clearTimeout(timer);
        wake = undefined;
        if (!queue.length && connected) await stream.write(": keepalive\n\n");
      }
    });
  });

  for (const e of extensions) e.routes?.(app);

  app.notFound((c) => problem(c, 404, `no such endpoint: ${c.req.path} (see /api/openapi.json)`));
  app.onError((err, c) => problem(c, 500, `internal error: ${err.message}`));
  return app;
}

function* readAll(store: Store, by: "host" | "upstream", from: number, to: number, names: string[] | undefined): Generator<[string, Array<[number, Counts]>]> {
  if (names === undefined) yield* store.readSeries(by, from, to);
  else for (const n of names) yield* store.readSeries(by, from, to, n);
}

function parseQuery<T extends z.ZodType>(c: Context, schema: T): { ok: true; data: z.infer<T> } | { ok: false; response: Response } {
  const r = schema.safeParse(c.req.query());
  if (r.success) return { ok: true, data: r.data };
  return { ok: false, response: c.json({ error: "bad query parameters", details: describeIssues(r.error) }, 400) };
}

/** Sections serve adds (lifecycle, fix preview) go inside the proof block, before its closing rule. */
function withSections(proof: string, sections: string[]): string {
  if (!sections.length) return proof;
  const lines = proof.replace(/\n+$/, "").split("\n");
  const closing = /^─+$/.test(lines[lines.length - 1] ?? "") ? lines.pop()! : undefined;
  return [...lines, ...sections.flatMap((s) => ["", s]), ...(closing ? [closing] : [])].join("\n") + (proof.endsWith("\n") ? "\n" : "");
}

export function problem(c: Context, status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 414 | 429 | 500 | 503, message: string, extra: Record<string, unknown> = {}): Response {
  return c.json({ error: message, ...extra }, status);
}

function linkParams(f: ReturnType<typeof toFilter>): Record<string, string> {
  const out: Record<string, string> = { from: String(f.from), to: String(f.to) };
  for (const k of ["kind", "severity", "host", "clientIp", "upstream"] as const) if (f[k]) out[k] = f[k]!.join(",");
  return out;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Compares in time independent of where the first difference is, so the token cannot be guessed byte by byte. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  const given = m?.[1]?.trim() ?? "";
  let diff = given.length ^ token.length;
  for (let i = 0; i < token.length; i++) diff |= token.charCodeAt(i) ^ (given.charCodeAt(i % Math.max(1, given.length)) || 0);
  return diff === 0;
}
