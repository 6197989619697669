import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataFrame } from "@grafana/data";
import { spawnServe, type ServeProcess } from "../../cli/src/serve/testing/spawn-serve";
import { col, FROM, makeDataSource, request, TO, useVariables } from "../test/grafana-env";
import type { DataSource } from "./datasource";


// The plugin against a real `edgeproof serve` over the demo fixtures: Grafana's proxy is the only stand-in.
describe("edgeproof data source against edgeproof serve", () => {
  let srv: ServeProcess;
  let dataDir: string;
  let ds: DataSource;
  let server: { items: any[] };
  const api = async (path: string) => (await fetch(srv.url + path)).json() as Promise<any>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgeproof-grafana-"));
    srv = await spawnServe(["fixtures/demo", "--data-dir", dataDir]);
    server = await api(`/api/incidents?limit=1000&from=${Date.parse(FROM)}&to=${Date.parse(TO)}`);
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeAll(() => {
    useVariables({ kind: "reliability", severity: ["P0", "P1"], incident: "" });
  });

  it("builds the incidents table: one row per incident with key fields, metrics and a link to the detail view", async () => {
    ds = makeDataSource(srv.url);
    const res = await ds.query(request([{ refId: "A", queryType: "incidents" }], FROM, TO));
    expect(res.data).toHaveLength(1);
    const f = res.data[0] as DataFrame;
    expect(f.length).toBe(server.items.length);
    expect(col(f, "id")).toEqual(server.items.map((i) => i.id));
    expect(col(f, "time")).toEqual(server.items.map((i) => Date.parse(i.window.start)));
    expect(col(f, "requests")).toEqual(server.items.map((i) => i.metrics.requests));
    expect(col(f, "upstream")).toContain("shop-api-80");
    // One row per incident, with every rule that fired for its actor.
    expect(col(f, "findings")).toEqual(server.items.map((i) => i.findings.map((x: any) => `${x.severity} ${x.ruleId}`).join(", ")));
    expect(server.items.some((i) => i.findings.length > 1)).toBe(true);
    const link = f.fields.find((x) => x.name === "id")!.config.links![0];
    expect(link.url).toContain("var-incident=${__value.raw}");
  });

  it("applies template variables to the filters (multi-value as a list) and ignores unset ones", async () => {
    ds = makeDataSource(srv.url);
    const res = await ds.query(request([{ refId: "A", queryType: "incidents", kind: "$kind", severity: "$severity", host: "$nohost" }], FROM, TO));
    const f = res.data[0] as DataFrame;
    const want = server.items.filter((i) => i.kind === "reliability" && ["P0", "P1"].includes(i.severity));
    expect(want.length).toBeGreaterThan(0);
    expect(col(f, "id")).toEqual(want.map((i) => i.id));
  });

  it("builds the detail frames: proof block text, evidence, thresholds, RCA and recommendations", async () => {
    ds = makeDataSource(srv.url);
    const rel = server.items.find((i) => i.key.upstream === "shop-api-80");
    const res = await ds.query({ ...request([{ refId: "D", queryType: "incident", incidentId: "$incident" }], FROM, TO), scopedVars: { incident: { text: rel.id, value: rel.id } } });
    const byName = Object.fromEntries((res.data as DataFrame[]).map((f) => [f.name, f]));
    expect(Object.keys(byName)).toEqual(["proof", "evidence", "thresholds", "findings", "rca", "chain", "recommendations", "fix preview"]);
    const detail = await api(`/api/incidents/${rel.id}`);
    expect(col(byName["fix preview"], "name")).toEqual(detail.fixPreview.steps.map((s: any) => s.name));
    expect(col(byName["fix preview"], "instructions")[0]).toContain("kubectl -n shop describe pod");
    expect(col(byName.proof, "proof")[0]).toBe(detail.proof.text);
    expect(byName.evidence.length).toBe(detail.incident.evidence.length);
    expect(col(byName.evidence, "status")).toEqual(detail.incident.evidence.map((e: any) => e.status));
    expect(col(byName.rca, "cause")).toEqual(detail.incident.rca.causes.map((c: any) => c.cause));
    expect(col(byName.chain, "causal chain")).toEqual(detail.incident.rca.chains);
    expect(byName.thresholds.length).toBe(detail.incident.thresholds.length);
    expect(byName.recommendations.length).toBeGreaterThan(0);
    expect(col(byName.findings, "id")).toEqual(detail.incident.findings.map((f: any) => f.id));
    const only = await ds.query({ ...request([{ refId: "D", queryType: "incident", incidentId: rel.id, part: "rca" }], FROM, TO) });
    expect((only.data as DataFrame[]).map((f) => f.name)).toEqual(["rca"]);
    // With no incident chosen yet ($incident empty) the panel stays empty instead of erroring.
    expect((await ds.query(request([{ refId: "D", queryType: "incident", incidentId: "$incident" }], FROM, TO))).data).toEqual([]);
  });

  it("reports a server error with its message", async () => {
    ds = makeDataSource(srv.url);
    await expect(ds.query(request([{ refId: "D", queryType: "incident", incidentId: "nope" }], FROM, TO))).rejects.toThrow(/404 no incident with id "nope"/);
    await expect(ds.query(request([{ refId: "A", queryType: "incidents", severity: "P7" }], FROM, TO))).rejects.toThrow(/400 bad query parameters \(severity\.0: /);
  });

  it("builds the last-24h tile from the server's event-time default, with links to the filtered list", async () => {
    ds = makeDataSource(srv.url);
    const summary = await api("/api/summary");
    const res = await ds.query(request([{ refId: "S", queryType: "summary" }], "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z"));
    const [tile, byKs] = res.data as DataFrame[];
    expect(col(tile, "total")).toEqual([summary.total]);
    expect(col(tile, "P0")).toEqual([summary.bySeverity.P0]);
    expect(col(tile, "security")).toEqual([summary.byKind.security]);
    expect(tile.fields.find((x) => x.name === "security")!.config.links![0].url).toContain("var-kind=security");
    expect(col(byKs, "count").reduce((a: number, b) => a + (b as number), 0)).toBe(summary.total);
    const ranged = await ds.query(request([{ refId: "S", queryType: "summary", useDashboardRange: true }], "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z"));
    expect(col(ranged.data[0], "total")).toEqual([0]);
  });

  it("builds one time series frame per upstream with request/4xx/5xx rates", async () => {
    ds = makeDataSource(srv.url);
    const res = await ds.query(request([{ refId: "T", queryType: "timeseries", by: "upstream" }], "2026-11-20T10:00:00Z", "2026-11-20T10:30:00Z"));
    const frames = res.data as DataFrame[];
    expect(frames.map((f) => f.name)).toContain("shop-api-80");
    const step = (col(frames[0], "time")[1] as number) - (col(frames[0], "time")[0] as number);
    const total = frames.reduce((n, f) => n + (col(f, "requests/s") as number[]).reduce((a, b) => a + b * (step / 1000), 0), 0);
    expect(Math.round(total)).toBe(12049);
    expect(frames[0].fields[1].labels).toEqual({ upstream: frames[0].name });
  });

  it("turns incidents into annotation regions with severity tags and a short proof", async () => {
    ds = makeDataSource(srv.url);
    expect(ds.annotations?.getDefaultQuery?.()).toEqual({ queryType: "annotations" });
    const res = await ds.query(request([{ refId: "Anno", queryType: "annotations" }], FROM, TO));
    const f = res.data[0] as DataFrame;
    expect(f.length).toBe(server.items.length);
    const i = server.items.findIndex((x) => x.status === "closed");
    expect((col(f, "timeEnd")[i] as number) - (col(f, "time")[i] as number)).toBe(Date.parse(server.items[i].window.end) - Date.parse(server.items[i].window.start));
    expect(col(f, "tags")[i]).toEqual([server.items[i].severity, server.items[i].kind, "closed"]);
    expect(col(f, "text")[i]).toContain(`${server.items[i].metrics.requests} requests`);
  });

  it("offers template variable values and rejects unknown variable queries", async () => {
    ds = makeDataSource(srv.url);
    expect((await ds.metricFindQuery("upstream")).map((v) => v.text)).toContain("shop-api-80");
    expect((await ds.metricFindQuery("clientIp")).map((v) => v.text)).toContain("203.0.113.7");
    await expect(ds.metricFindQuery("pods")).rejects.toThrow(/must be one of kind, severity, host, upstream, clientIp/);
  });

  it("health check reports the server version and each source's state", async () => {
    ds = makeDataSource(srv.url);
    const r = await ds.testDatasource();
    expect(r.status).toBe("success");
    expect(r.message).toMatch(/^edgeproof 0\.1\.0; sources: .*fixtures\/demo\/access\.log \(file\) following/);
  });
});

describe("edgeproof data source with a token-protected server", () => {
  it("works when the proxy adds the token and fails the health check clearly when it does not", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "edgeproof-grafana-"));
    const srv = await spawnServe(["--data-dir", dataDir], { env: { EDGEPROOF_TOKEN: "grafana-secret" } });
    try {
      expect((await makeDataSource(srv.url, "grafana-secret").testDatasource()).status).toBe("success");
      const r = await makeDataSource(srv.url).testDatasource();
      expect(r.status).toBe("error");
      expect(r.message).toMatch(/401 missing or wrong bearer token/);
    } finally {
      await srv.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
