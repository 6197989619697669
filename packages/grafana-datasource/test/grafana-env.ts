import { dateTime, type DataFrame, type DataQueryRequest, type DataSourceInstanceSettings, type ScopedVars } from "@grafana/data";
import { setBackendSrv, setTemplateSrv, type TemplateSrv } from "@grafana/runtime";
import { DataSource } from "../src/datasource";
import type { EdgeproofOptions, EdgeproofQuery } from "../src/types";
import { proxyBackendSrv } from "./fetch-backend-srv";

export const PROXY = "/api/datasources/proxy/uid/edgeproof-test";

/** The demo fixture's time range, and a frame column by field name. */
export const FROM = "2026-11-20T09:00:00Z";
export const TO = "2026-11-20T11:00:00Z";
export const col = (f: DataFrame, name: string) => f.fields.find((x) => x.name === name)!.values as unknown[];

/** Dashboard variables as Grafana's TemplateSrv would hold them; multi-value ones join with commas for `csv`. */
export function useVariables(vars: Record<string, string | string[]>): void {
  const replace = (target = "", scoped: ScopedVars = {}, format?: unknown) =>
    target.replace(/\$(\w+)|\$\{(\w+)(?::\w+)?\}/g, (whole, a, b) => {
      const name = a ?? b;
      const v = scoped[name]?.value ?? vars[name];
      if (v === undefined) return whole;
      return Array.isArray(v) ? v.join(format === "csv" ? "," : ",") : String(v);
    });
  setTemplateSrv({ replace, getVariables: () => [], containsTemplate: (t?: string) => /\$/.test(t ?? ""), updateTimeRange() {} } as unknown as TemplateSrv);
}

/** A DataSource as Grafana constructs it, its proxy route leading to the real server at `serverUrl`. */
export function makeDataSource(serverUrl: string, token?: string): DataSource {
  setBackendSrv(proxyBackendSrv(`${PROXY}/edgeproof`, serverUrl, token));
  const settings = {
    id: 1,
    uid: "edgeproof-test",
    type: "edgeproof-incidents-datasource",
    name: "edgeproof",
    url: PROXY,
    access: "proxy",
    jsonData: { url: serverUrl },
    meta: { id: "edgeproof-incidents-datasource" },
    readOnly: false,
  } as unknown as DataSourceInstanceSettings<EdgeproofOptions>;
  return new DataSource(settings);
}

export function request(targets: EdgeproofQuery[], fromIso: string, toIso: string): DataQueryRequest<EdgeproofQuery> {
  const from = dateTime(fromIso);
  const to = dateTime(toIso);
  return {
    requestId: "t",
    interval: "1m",
    intervalMs: 60_000,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    targets,
    timezone: "utc",
    app: "dashboard",
    startTime: 0,
  } as DataQueryRequest<EdgeproofQuery>;
}
