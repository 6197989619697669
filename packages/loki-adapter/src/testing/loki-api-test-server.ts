/**
 * TEST INFRASTRUCTURE, not a Loki. A loopback HTTP server that answers `/loki/api/v1/query_range`
 * (log queries) and `/loki/api/v1/push` the way a real Grafana Loki 2.4.2 does, as recorded in
 * fixtures/loki/real-loki-2.4.2.semantics.json (checked by loki-api-test-server.test.ts):
 * `start` inclusive, `end` exclusive, `limit` counted across streams (the globally first/last N by
 * time), one result entry per stream, ns timestamps as strings, stream label keys in a different
 * order per response (as Go maps do), plain-text 400s with Loki's messages, X-Scope-OrgID tenants.
 * Push drops an entry identical to its stream's previous one and refuses entries too far behind the
 * stream's newest, as 2.4 does. Metric queries are not implemented.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { canonicalLabels } from "../labels.js";
import { LogQLParseError, parseLogSelector } from "./logql-selector.js";

export interface LokiApiTestServerOptions {
  /** limits_config.max_entries_limit_per_query. */
  maxEntriesPerQuery?: number;
  /** Multi-tenant mode: requests without X-Scope-OrgID get 401 `no org id`. Otherwise the tenant is `fake`, as in Loki. */
  authEnabled?: boolean;
  /** Clock (ns) for the defaults end=now, start=end-1h. */
  nowNs?: () => bigint;
  /** How far behind its stream's newest entry a pushed entry may be (2.4 default: max_chunk_age/2 = 1h). */
  outOfOrderWindowNs?: bigint;
}

export interface PushStream {
  stream: Record<string, string>;
  values: [string | number | bigint, string, ...unknown[]][];
}

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  orgId?: string;
  status: number;
}

interface StoredStream {
  labels: Record<string, string>;
  key: string;
  ts: bigint[];
  lines: string[];
  newest: bigint;
  lastPushedTs?: bigint;
  lastPushedLine?: string;
}

const HOUR_NS = 3_600_000_000_000n;
const DEFAULT_TENANT = "fake";

export class LokiApiTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly tenants = new Map<string, Map<string, StoredStream>>();
  private server?: Server;
  private port = 0;
  private responses = 0;
  private readonly maxEntries: number;
  private readonly nowNs: () => bigint;
  private readonly window: bigint;

  constructor(private readonly options: LokiApiTestServerOptions = {}) {
    this.maxEntries = options.maxEntriesPerQuery ?? 5000;
    this.nowNs = options.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.window = options.outOfOrderWindowNs ?? HOUR_NS;
  }

  get url(): string {
    if (!this.server) throw new Error("test server is not listening");
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1; port 0 picks a free one. Data survives close()/listen() like a restarted Loki with a WAL. */
  async listen(port = 0): Promise<string> {
    const server = createServer({ keepAlive: true }, (req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Same rules as POST /loki/api/v1/push. Returns the status and body Loki would answer. */
  push(streams: PushStream[], tenant = DEFAULT_TENANT): { status: number; body: string } {
    let store = this.tenants.get(tenant);
    if (!store) this.tenants.set(tenant, (store = new Map()));
    let total = 0;
    let ignored = 0;
    let firstError = "";
    for (const { stream, values } of streams) {
      const names = Object.keys(stream);
      if (names.length === 0) return { status: 400, body: "error at least one label pair is required per stream" };
      const bad = names.find((n) => !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n));
      const key = canonicalLabels(stream);
      if (bad) {
        // Loki re-parses the label string it built, so the column is counted in that string.
        const at = bad.search(/[^a-zA-Z0-9_]/);
        return { status: 400, body: `1:${key.indexOf(`${bad}=`) + at + 1}: parse error: unexpected character inside braces: '${bad[at]}'` };
      }
      let s = store.get(key);
      for (const [rawTs, line] of values) {
        total++;
        const ts = BigInt(rawTs);
        if (!s) store.set(key, (s = { labels: { ...stream }, key, ts: [], lines: [], newest: ts }));
        if (s.ts.length && ts < s.newest - this.window) {
          ignored++;
          firstError ||= `entry with timestamp ${goTime(ts)} ignored, reason: 'entry too far behind' for stream: ${key}`;
          continue;
        }
        if (s.lastPushedTs === ts && s.lastPushedLine === line) continue;
        const at = upperBound(s.ts, ts);
        s.ts.splice(at, 0, ts);
        s.lines.splice(at, 0, line);
        s.lastPushedTs = ts;
        s.lastPushedLine = line;
        if (ts > s.newest) s.newest = ts;
      }
    }
    if (ignored) return { status: 400, body: `${firstError},\ntotal ignored: ${ignored} out of ${total}` };
    return { status: 204, body: "" };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const orgHeader = req.headers["x-scope-orgid"];
    const orgId = typeof orgHeader === "string" && orgHeader ? orgHeader : undefined;
    const record: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, params: Object.fromEntries(url.searchParams), orgId, status: 0 };
    this.requests.push(record);
    const send = (status: number, body: string, type = "text/plain; charset=utf-8") => {
      record.status = status;
      res.writeHead(status, { "Content-Type": type, ...(type.startsWith("text/plain") ? { "X-Content-Type-Options": "nosniff" } : {}) });
      res.end(body);
    };
    if (url.pathname === "/ready") return send(200, "ready\n");
    if (this.options.authEnabled && !orgId) return send(401, "no org id\n");
    const tenant = orgId ?? DEFAULT_TENANT;
    if (url.pathname === "/loki/api/v1/query_range" && req.method === "GET") {
      const out = this.queryRange(url.searchParams, tenant);
      return typeof out === "string" ? send(400, out) : send(200, JSON.stringify(out), "application/json; charset=UTF-8");
    }
    if (url.pathname === "/loki/api/v1/push" && req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let body: { streams?: PushStream[] };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch (e) {
          return send(400, `loghttp.PushRequest.Streams: ${(e as Error).message}`);
        }
        const r = this.push(body.streams ?? [], tenant);
        send(r.status, r.body);
      });
      return;
    }
    send(404, "404 page not found\n");
  }

  /** Returns the JSON body, or Loki's plain-text 400 message. */
  private queryRange(p: URLSearchParams, tenant: string): object | string {
    const now = this.nowNs();
    let start: bigint;
    let end: bigint;
    try {
      end = parseLokiTime(p.get("end"), now, "end");
      start = parseLokiTime(p.get("start"), end - HOUR_NS, "start");
    } catch (e) {
      return (e as Error).message;
    }
    const limit = p.has("limit") ? Number(p.get("limit")) : 100;
    if (!Number.isInteger(limit)) return `invalid limit '${p.get("limit")}'`;
    if (limit <= 0) return "limit must be a positive value";
    const direction = p.get("direction") ?? "backward";
    if (direction !== "forward" && direction !== "backward") return `invalid direction '${direction}'`;
    if (end <= start) return "end timestamp must not be before or equal to start time";
    let selector;
    try {
      selector = parseLogSelector(p.get("query") ?? "");
    } catch (e) {
      if (e instanceof LogQLParseError) return e.message;
      throw e;
    }
    if (limit > this.maxEntries) return `max entries limit per query exceeded, limit > max_entries_limit (${limit} > ${this.maxEntries})`;

    const forward = direction === "forward";
    type Hit = { s: StoredStream; i: number };
    const hits: Hit[] = [];
    let scanned = 0;
    let scannedBytes = 0;
    for (const s of this.tenants.get(tenant)?.values() ?? []) {
      if (!selector.matchesLabels(s.labels)) continue;
      const lo = lowerBound(s.ts, start);
      const hi = lowerBound(s.ts, end);
      let taken = 0;
      for (let k = 0; k < hi - lo && taken < limit; k++) {
        const i = forward ? lo + k : hi - 1 - k;
        scanned++;
        scannedBytes += s.lines[i].length;
        if (!selector.matchesLine(s.lines[i])) continue;
        hits.push({ s, i });
        taken++;
      }
    }
    // The globally first (forward) or last (backward) `limit` entries; ties across streams by stream key.
    const sign = forward ? 1 : -1;
    hits.sort((a, b) => {
      const d = a.s.ts[a.i] - b.s.ts[b.i];
      if (d !== 0n) return d < 0n ? -sign : sign;
      if (a.s !== b.s) return (a.s.key < b.s.key ? -1 : 1) * sign;
      return (a.i - b.i) * sign;
    });
    hits.length = Math.min(hits.length, limit);

    const byStream = new Map<StoredStream, [string, string][]>();
    for (const h of hits) {
      let values = byStream.get(h.s);
      if (!values) byStream.set(h.s, (values = []));
      values.push([h.s.ts[h.i].toString(), h.s.lines[h.i]]);
    }
    const turn = this.responses++;
    const result = [...byStream]
      .sort(([a], [b]) => fnv(a.key + turn) - fnv(b.key + turn))
      .map(([s, values]) => ({ stream: rotateKeys(s.labels, turn), values }));
    const bytes = hits.reduce((n, h) => n + h.s.lines[h.i].length, 0);
    return {
      status: "success",
      data: {
        resultType: "streams",
        result,
        stats: {
          summary: {
            bytesProcessedPerSecond: 0,
            linesProcessedPerSecond: 0,
            totalBytesProcessed: scannedBytes,
            totalLinesProcessed: scanned,
            execTime: 0,
            queueTime: 0,
          },
          store: { compressedBytes: 0, decompressedBytes: 0, decompressedLines: 0, chunksDownloadTime: 0, totalChunksRef: 0, totalChunksDownloaded: 0, totalDuplicates: 0 },
          ingester: { totalReached: 1, totalChunksMatched: byStream.size, totalBatches: 1, totalLinesSent: hits.length, headChunkBytes: bytes, headChunkLines: hits.length, decompressedBytes: 0, decompressedLines: 0, compressedBytes: 0, totalDuplicates: 0 },
        },
      },
    };
  }
}

/** Loki's loghttp time parsing: float seconds if it has a '.', ns integer (seconds if ≤10 digits), else RFC3339Nano. */
export function parseLokiTime(value: string | null, def: bigint, name: string): bigint {
  if (value === null || value === "") return def;
  if (value.includes(".") && /^\d+\.\d*$/.test(value)) {
    const [s, f] = value.split(".");
    return BigInt(s) * 1_000_000_000n + BigInt(Math.round(Number(`0.${f || "0"}`) * 1000)) * 1_000_000n;
  }
  if (/^-?\d+$/.test(value)) return value.replace("-", "").length <= 10 ? BigInt(value) * 1_000_000_000n : BigInt(value);
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new Error(`could not parse '${name}' parameter: cannot parse "${value}" as a timestamp`);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/** Go's time.Time.String() in UTC, as Loki prints it in push errors: `2026-11-22 23:19:55.738 +0000 UTC`. */
function goTime(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  const frac = (ns % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ""} +0000 UTC`;
}

function lowerBound(a: bigint[], x: bigint): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: bigint[], x: bigint): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function rotateKeys(labels: Record<string, string>, turn: number): Record<string, string> {
  const keys = Object.keys(labels).sort();
  const r = keys.length ? turn % keys.length : 0;
  return Object.fromEntries([...keys.slice(r), ...keys.slice(0, r)].map((k) => [k, labels[k]]));
}

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
