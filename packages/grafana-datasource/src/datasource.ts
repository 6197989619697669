import {
  DataSourceApi,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from "@grafana/data";
import { getBackendSrv, getTemplateSrv, isFetchError } from "@grafana/runtime";
import { lastValueFrom } from "rxjs";
import type * as z from "zod/mini";
import { annotationsFrame, detailFrames, incidentsFrame, summaryFrames, timeseriesFrames } from "./frames";
import {
  ALL_VALUES,
  Capabilities,
  DEFAULT_QUERY,
  IncidentDetail,
  IncidentList,
  Summary,
  Timeseries,
  Values,
  type EdgeproofOptions,
  type EdgeproofQuery,
  type Filters,
} from "./types";

const FILTERS = ["kind", "severity", "host", "clientIp", "upstream"] as const;
/** Template variables `metricFindQuery` understands. */
export const VARIABLE_QUERIES = ["kind", "severity", "host", "upstream", "clientIp"] as const;

/**
 * Talks to `edgeproof serve` through Grafana's data source proxy: requests go to `<instance url>/edgeproof`,
 * the plugin.json route of that name, where Grafana adds the server URL and the bearer token (kept in
 * secure JSON data, never sent to the browser).
 */
export class DataSource extends DataSourceApi<EdgeproofQuery, EdgeproofOptions> {
  readonly base: string;
  private capabilities: Promise<Capabilities> | undefined;

  constructor(instanceSettings: DataSourceInstanceSettings<EdgeproofOptions>) {
    super(instanceSettings);
    this.base = `${instanceSettings.url ?? ""}/edgeproof`;
    // Incidents become annotation regions; the editor offers the same filters.
    this.annotations = { getDefaultQuery: () => ({ queryType: "annotations" }) };
  }

  getDefaultQuery(): Partial<EdgeproofQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(q: EdgeproofQuery): boolean {
    return !q.hide;
  }

  async query(req: DataQueryRequest<EdgeproofQuery>): Promise<DataQueryResponse> {
    const range = { from: String(req.range.from.valueOf()), to: String(req.range.to.valueOf()) };
    const data = await Promise.all(req.targets.filter((t) => !t.hide).map((t) => this.runQuery(t, range, req.scopedVars)));
    return { data: data.flat() };
  }

  /** One target to frames. Exposed for the editor's preview and tests. */
  async runQuery(q: EdgeproofQuery, range: { from: string; to: string }, scopedVars: ScopedVars = {}): Promise<DataFrame[]> {
    const filters = this.filterParams(q, scopedVars);
    switch (q.queryType ?? "incidents") {
      case "incidents": {
        const [list, caps] = await Promise.all([this.get("/api/incidents", IncidentList, { ...filters, ...range, limit: String(q.limit ?? 100) }), this.getCapabilities()]);
        return [incidentsFrame(q.refId, list, caps.features)];
      }
      case "annotations":
        return [annotationsFrame(q.refId, await this.get("/api/incidents", IncidentList, { ...filters, ...range, limit: String(q.limit ?? 500) }))];
      case "incident": {
        const id = getTemplateSrv().replace(q.incidentId ?? "", scopedVars).trim();
        if (!id || id.startsWith("$")) return [];
        const frames = detailFrames(q.refId, await this.get(`/api/incidents/${encodeURIComponent(id)}`, IncidentDetail, {}));
        return q.part ? frames.filter((f) => f.name === q.part) : frames;
      }
      case "summary":
        return summaryFrames(q.refId, await this.get("/api/summary", Summary, q.useDashboardRange ? { ...filters, ...range } : filters));
      case "timeseries": {
        const by = q.by ?? "host";
        // Counts are kept per host and per upstream, not per client or incident kind.
        const own = by === "host" ? { host: filters.host } : { upstream: filters.upstream };
        return timeseriesFrames(q.refId, await this.get("/api/timeseries", Timeseries, { ...dropEmpty(own), ...range, by }));
      }
    }
  }

  /** Template variable values: the query is one of kind, severity, host, upstream, clientIp. */
  async metricFindQuery(query: string): Promise<MetricFindValue[]> {
    const field = query.trim();
    if (!(VARIABLE_QUERIES as readonly string[]).includes(field)) throw new Error(`variable query must be one of ${VARIABLE_QUERIES.join(", ")}, got "${query}"`);
    const r = await this.get(`/api/values/${field}`, Values, {});
    return r.values.map((text) => ({ text }));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      const caps = await this.getCapabilities(true);
      const sources = caps.sources.map((s) => `${s.name} (${s.kind}) ${s.state}${s.error ? `: ${s.error}` : ""}`);
      const bad = caps.sources.filter((s) => s.state === "error" || s.state === "missing");
      return {
        status: bad.length ? "warning" : "success",
        message: `edgeproof ${caps.version}${caps.ready ? "" : " (still catching up)"}; sources: ${sources.join("; ") || "none"}`,
        details: { message: `features: ${caps.features.join(", ")}` },
      };
    } catch (err) {
      return { status: "error", message: `cannot reach edgeproof serve: ${errorMessage(err)}` };
    }
  }

  /** Features the server has on; the editor hides what is absent. */
  getCapabilities(refresh = false): Promise<Capabilities> {
    if (refresh || !this.capabilities) {
      this.capabilities = this.get("/api/capabilities", Capabilities, {});
      this.capabilities.catch(() => (this.capabilities = undefined));
    }
    return this.capabilities;
  }

  private filterParams(q: Filters, scopedVars: ScopedVars): Record<string, string> {
    const out: Record<string, string> = {};
    const tpl = getTemplateSrv();
    for (const k of FILTERS) {
      const raw = q[k];
      if (!raw) continue;
      const v = tpl.replace(raw, scopedVars, "csv").trim();
      // An unset variable or "All" is no constraint.
      if (v && !v.startsWith("$") && !v.split(",").some((x) => ALL_VALUES.includes(x))) out[k] = v;
    }
    return out;
  }

  private async get<S extends z.ZodMiniType>(path: string, schema: S, params: Record<string, string>): Promise<z.infer<S>> {
    let data: unknown;
    try {
      const res = await lastValueFrom(getBackendSrv().fetch<unknown>({ url: this.base + path, method: "GET", params, showErrorAlert: false }));
      data = res.data;
    } catch (err) {
      throw new Error(`edgeproof ${path}: ${errorMessage(err)}`);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new Error(`edgeproof ${path}: unexpected response (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}); is the server version compatible?`);
    return parsed.data;
  }
}

function dropEmpty(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""));
}

function errorMessage(err: unknown): string {
  if (isFetchError(err)) {
    const body = err.data as { error?: string; details?: string[] } | undefined;
    const detail = body?.details?.length ? ` (${body.details.join("; ")})` : "";
    return `${err.status ?? ""} ${body?.error ?? err.statusText ?? "request failed"}${detail}`.trim();
  }
  return (err as Error)?.message ?? String(err);
}
