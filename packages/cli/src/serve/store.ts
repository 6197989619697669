/**
 * Persistence for `edgeproof serve`, in LMDB (the `lmdb` package).
 *
 * Why LMDB: it is an embedded, memory-mapped copy-on-write B+tree with MVCC. A commit is atomic and a
 * crashed process (kill -9 included) leaves the last committed state intact with no recovery step, readers
 * never block the writer (API queries run while ingestion commits), and lmdb-js ships prebuilt binaries on
 * npm for Linux/macOS/Windows, so there is nothing to compile and no server to run. SQLite would also do,
 * but needs a native module with the same build story and a schema; LevelDB/RocksDB need compaction tuning.
 *
 * Layout (one environment under --data-dir, four named databases):
 *   incidents  id → StoredIncident (the full incident plus the epoch-ms window used for queries)
 *   byStart    [startMs, id] → IndexEntry (the fields the list filters need, so a page scan never decodes proofs)
 *   series     [dim, name, bucketMs] → Counts (per-minute request / 4xx / 5xx counts for /api/timeseries)
 *   meta       "cursor:<source>" → source cursor, "newestEventMs", "maxSpanMs"
 * plus the databases the alerting and lifecycle layers open through database() (alerts, outbox, lifecycle).
 * Incidents, counters and cursors are written in one transaction per commit, so after a crash the cursors
 * never claim more than the incidents and counters reflect.
 */
import { open, type Database, type Key, type RootDatabase } from "lmdb";
import type { Incident } from "@edgeproof/engine";
import type { Counts, SeriesDim } from "./counters.js";

const MIN = Number.MIN_SAFE_INTEGER;
const MAX = Number.MAX_SAFE_INTEGER;

export interface IndexEntry {
  kind: Incident["kind"];
  severity: Incident["severity"];
  status: Incident["status"];
  endMs: number;
  host?: string;
  clientIp?: string;
  upstream?: string;
}

/** Each list matches any of its values (multi-value template variables); absent means no constraint. */
export interface IncidentFilter {
  kind?: string[];
  severity?: string[];
  host?: string[];
  clientIp?: string[];
  upstream?: string[];
  /** Incidents whose window overlaps [from, to). */
  from: number;
  to: number;
}

export interface PageCursor {
  startMs: number;
  id: string;
}

/** What changed for an incident when it was written: drives SSE `opened` / `updated` / `closed`. */
export type UpsertResult = "opened" | "updated" | "closed" | "unchanged";

export class Store {
  private readonly root: RootDatabase;
  private readonly incidents: Database<Incident, string>;
  private readonly byStart: Database<IndexEntry, [number, string]>;
  private readonly series: Database<Counts, [string, string, number]>;
  private readonly meta: Database<unknown, string>;

  constructor(dir: string) {
    // noSubdir: false, or lmdb takes a directory whose name has a dot (`edgeproof.d`) for a database file.
    this.root = open({ path: dir, compression: false, noSubdir: false });
    this.incidents = this.root.openDB({ name: "incidents" });
    this.byStart = this.root.openDB({ name: "byStart" });
    this.series = this.root.openDB({ name: "series" });
    this.meta = this.root.openDB({ name: "meta" });
  }

  /**
   * A named database of a layer around the incidents (alert outbox, lifecycle): its writes inside commit()
   * land in the same transaction as the incident change that caused them.
   */
  database<V, K extends Key = string>(name: string): Database<V, K> {
    return this.root.openDB({ name });
  }

  /** Runs `fn` as one atomic, durable write transaction. */
  commit<T>(fn: () => T): T {
    return this.root.transactionSync(fn);
  }

  /**
   * Writes an incident unless the stored copy is already as far along: a closed incident is never reopened
   * and a window never shrinks. That makes replaying a source after a restart idempotent (same ids, no
   * duplicates, no regressions). Call inside commit().
   *
   * A closed incident does change when a replay after a restart closes it differently, with at least as many
   * requests: the replay is deterministic and saw at least what the earlier process did (which may have
   * dropped events as late, or closed the incident before they came), so it is what `edgeproof run` over
   * the same input gives. That is published as `updated`.
   */
  upsertIncident(inc: Incident): UpsertResult {
    const prev = this.incidents.get(inc.id);
    const startMs = Date.parse(inc.window.start);
    const endMs = Date.parse(inc.window.end);
    if (prev) {
      if (prev.status === "closed") {
        if (inc.status !== "closed" || inc.metrics.requests < prev.metrics.requests || JSON.stringify(prev) === JSON.stringify(inc)) return "unchanged";
        this.put(inc, startMs, endMs, prev);
        return "updated";
      }
      const prevEnd = Date.parse(prev.window.end);
      if (inc.status === "open" && (endMs < prevEnd || sameFacts(prev, inc))) return "unchanged";
    }
    this.put(inc, startMs, endMs, prev);
    if (!prev) return inc.status === "closed" ? "closed" : "opened";
    return inc.status === "closed" ? "closed" : "updated";
  }

  private put(inc: Incident, startMs: number, endMs: number, prev: Incident | undefined): void {
    // The id fixes the open time, but the window's start is rendered from the events: drop a stale index key.
    if (prev && prev.window.start !== inc.window.start) this.byStart.removeSync([Date.parse(prev.window.start), inc.id]);
    this.incidents.putSync(inc.id, inc);
    this.byStart.putSync([startMs, inc.id], indexEntry(inc, endMs));
    const span = endMs - startMs;
    if (span > this.maxSpanMs) this.meta.putSync("maxSpanMs", span);
  }

  getIncident(id: string): Incident | undefined {
    return this.incidents.get(id);
  }

  get incidentCount(): number {
    return this.incidents.getCount();
  }

  /** Newest first (by window start, then id descending), after `cursor` if given. */
  listIncidents(f: IncidentFilter, limit: number, cursor?: PageCursor): { items: Incident[]; next?: PageCursor } {
    const items: Incident[] = [];
    let next: PageCursor | undefined;
    for (const { key } of this.scan(f, cursor)) {
      if (items.length === limit) {
        const last = items[limit - 1];
        next = { startMs: Date.parse(last.window.start), id: last.id };
        break;
      }
      const inc = this.incidents.get(key[1]);
      if (inc) items.push(inc);
    }
    return { items, next };
  }

  /** Every index entry matching the filter, newest first, without decoding the incidents themselves. */
  *matching(f: IncidentFilter): Generator<IndexEntry & { id: string; startMs: number }> {
    for (const { key, value } of this.scan(f)) yield { ...value, id: key[1], startMs: key[0] };
  }

  private *scan(f: IncidentFilter, cursor?: PageCursor): Generator<{ key: [number, string]; value: IndexEntry }> {
    // Windows overlapping [from, to) start before `to` and at most maxSpan before `from`.
    const lowest = f.from - this.maxSpanMs;
    const start: [number, string] = cursor ? [cursor.startMs, cursor.id] : [f.to, ""];
    for (const entry of this.byStart.getRange({ start, end: [lowest, ""], reverse: true })) {
      const [startMs, id] = entry.key;
      if (cursor && startMs === cursor.startMs && id === cursor.id) continue;
      if (startMs >= f.to) continue;
      const v = entry.value;
      if (v.endMs < f.from) continue;
      if (!oneOf(f.kind, v.kind) || !oneOf(f.severity, v.severity)) continue;
      if (!oneOf(f.host, v.host) || !oneOf(f.clientIp, v.clientIp) || !oneOf(f.upstream, v.upstream)) continue;
      yield entry;
    }
  }

  /** Drops incidents that ended before `beforeMs` and counters older than it. Call inside commit(). */
  expire(beforeMs: number): number {
    let removed = 0;
    for (const { key, value } of this.byStart.getRange({ start: [MIN, ""], end: [beforeMs, ""] })) {
      if (value.endMs >= beforeMs) continue;
      this.byStart.removeSync(key);
      this.incidents.removeSync(key[1]);
      removed++;
    }
    for (const { key } of this.series.getRange({})) if (key[2] < beforeMs) this.series.removeSync(key);
    return removed;
  }

  addCounts(dim: SeriesDim, name: string, bucketMs: number, c: Counts): void {
    const key: [string, string, number] = [dim, name, bucketMs];
    const prev = this.series.get(key);
    this.series.putSync(key, prev ? { requests: prev.requests + c.requests, c4xx: prev.c4xx + c.c4xx, c5xx: prev.c5xx + c.c5xx } : c);
  }

  /** Per-bucket counts of every `name` of `dim` (or only `only`) in [from, to). */
  readSeries(dim: SeriesDim, from: number, to: number, only?: string): Map<string, Array<[number, Counts]>> {
    const out = new Map<string, Array<[number, Counts]>>();
    const names = only !== undefined ? [only] : this.seriesNames(dim);
    for (const name of names) {
      const points: Array<[number, Counts]> = [];
      for (const { key, value } of this.series.getRange({ start: [dim, name, from], end: [dim, name, to] })) points.push([key[2], value]);
      if (points.length) out.set(name, points);
    }
    return out;
  }

  /** Every host or upstream that has counts, in key order. */
  seriesNames(dim: SeriesDim): string[] {
    const names: string[] = [];
    let after: [string, string, number] = [dim, "", MIN];
    for (;;) {
      const [first] = [...this.series.getRange({ start: after, limit: 1 })];
      if (!first || first.key[0] !== dim) return names;
      names.push(first.key[1]);
      after = [dim, first.key[1], MAX];
    }
  }

  getCursor<T>(source: string): T | undefined {
    return this.meta.get(`cursor:${source}`) as T | undefined;
  }

  putCursor(source: string, cursor: unknown): void {
    this.meta.putSync(`cursor:${source}`, cursor);
  }

  get newestEventMs(): number | undefined {
    return this.meta.get("newestEventMs") as number | undefined;
  }

  setNewestEventMs(ms: number): void {
    if (ms > (this.newestEventMs ?? -Infinity)) this.meta.putSync("newestEventMs", ms);
  }

  private get maxSpanMs(): number {
    return (this.meta.get("maxSpanMs") as number | undefined) ?? 0;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

function oneOf(allowed: string[] | undefined, value: string | undefined): boolean {
  return allowed === undefined || (value !== undefined && allowed.includes(value));
}

function indexEntry(inc: Incident, endMs: number): IndexEntry {
  const e: IndexEntry = { kind: inc.kind, severity: inc.severity, status: inc.status, endMs };
  if (inc.key.host !== undefined) e.host = inc.key.host;
  if (inc.key.clientIp !== undefined) e.clientIp = inc.key.clientIp;
  if (inc.key.upstream !== undefined) e.upstream = inc.key.upstream;
  return e;
}

function sameFacts(a: Incident, b: Incident): boolean {
  return a.status === b.status && a.window.end === b.window.end && a.severity === b.severity && a.metrics.requests === b.metrics.requests;
}
