// The provisioning files: the dashboard checked against @grafana/schema's types (by the TypeScript checker), and
// every panel, variable and tile link run through the data source against a real `edgeproof serve` over the demo.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataFrame } from "@grafana/data";
import { parse as parseYaml } from "yaml";
import { REPO, spawnServe, type ServeProcess } from "../../cli/src/serve/testing/spawn-serve";
import { col, FROM, makeDataSource, request, TO, useVariables } from "../test/grafana-env";
import { VARIABLE_QUERIES } from "./datasource";
import { DASHBOARD_UID, DETAIL_PARTS, QUERY_TYPES, type EdgeproofQuery } from "./types";

const DASHBOARD_FILE = `${REPO}provisioning/dashboards/incident-intelligence.json`;
const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, "utf8"));
const panels: any[] = dashboard.panels.filter((p: any) => p.type !== "row");

/**
 * TypeScript that assigns the dashboard JSON to @grafana/schema's `Dashboard`, each panel's options and field
 * config to its panel plugin's `Options`/`FieldConfig` (table, stat, timeseries), and each override property
 * to the type at its id's path (`custom.hideFrom.viz` → TableFieldOptions["hideFrom"]["viz"]), and every query to
 * this plugin's EdgeproofQuery (the schema types an annotation's target as a bare DataQuery, so it is checked
 * there). The schema's enums are read as their string values, which is what JSON holds.
 */
function schemaCheckSource(): string {
  const composable = (p: string, name: string) => `@grafana/schema/dist/esm/raw/composable/${p}/panelcfg/x/${name}PanelCfg_types.gen`;
  const lines = [
    `import type { Dashboard, FieldConfig, FieldConfigSource, Panel } from "@grafana/schema";`,
    `import type * as table from "${composable("table", "Table")}";`,
    `import type * as stat from "${composable("stat", "Stat")}";`,
    `import type * as timeseries from "${composable("timeseries", "TimeSeries")}";`,
    `import type { EdgeproofQuery } from "./types";`,
    `type Json<T> = T extends string ? \`\${T}\` : T extends Array<infer U> ? ReadonlyArray<Json<U>> : T extends object ? { readonly [K in keyof T]: Json<T[K]> } : T;`,
    `interface Kinds { table: { options: table.Options; custom: table.FieldConfig }; stat: { options: stat.Options; custom: {} }; timeseries: { options: timeseries.Options; custom: timeseries.FieldConfig } }`,
    `type Typed<K extends keyof Kinds> = Omit<Panel, "options" | "fieldConfig" | "type"> & { type: K; options?: Partial<Kinds[K]["options"]>; fieldConfig?: FieldConfigSource<Partial<Kinds[K]["custom"]>> };`,
    `type At<T, P extends string> = P extends \`\${infer H}.\${infer R}\` ? (H extends keyof T ? At<NonNullable<T[H]>, R> : never) : P extends keyof T ? T[P] : never;`,
    `type Property<K extends keyof Kinds, P extends string> = P extends \`custom.\${infer R}\` ? At<Kinds[K]["custom"], R> : At<FieldConfig, P>;`,
    `declare function override<K extends keyof Kinds, P extends string>(kind: K, id: P, value: Json<NonNullable<Property<K, P>>>): void;`,
    `export const dashboard: Json<Dashboard> = ${JSON.stringify({ ...dashboard, annotations: { list: dashboard.annotations.list.map(({ target, ...a }: any) => a) } }, null, 1)};`,
  ];
  for (const a of dashboard.annotations.list) if (a.target) lines.push(`export const annotation${lines.length}: Json<EdgeproofQuery> = ${JSON.stringify(a.target)};`);
  panels.forEach((p, i) => {
    lines.push(`export const panel${i}: Json<Typed<${JSON.stringify(p.type)}>> = ${JSON.stringify(p)};`);
    for (const t of p.targets ?? []) lines.push(`export const query${lines.length}: Json<EdgeproofQuery> = ${JSON.stringify(t)};`);
    for (const o of p.fieldConfig?.overrides ?? []) for (const prop of o.properties) lines.push(`override(${JSON.stringify(p.type)}, ${JSON.stringify(prop.id)}, ${JSON.stringify(prop.value)}); // ${p.title}`);
  });
  return lines.join("\n") + "\n";
}

/** Type errors of `source` checked as a file of this package (so @grafana/schema resolves from node_modules). */
function typeErrors(source: string): string[] {
  const file = `${REPO}packages/grafana-datasource/src/__provisioned-dashboard__.ts`;
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, source, lang) : getSourceFile.call(host, name, lang, ...rest));
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? source.split("\n")[d.file.getLineAndCharacterOfPosition(d.start).line].trim().slice(0, 160) : "";
    return `${ts.flattenDiagnosticMessageText(d.messageText, "\n")}\n  at: ${where}`;
  });
}

describe("provisioning files", () => {
  const dsYaml = parseYaml(readFileSync(`${REPO}provisioning/datasources/edgeproof.yaml`, "utf8"));
  const pluginJson = JSON.parse(readFileSync(`${REPO}packages/grafana-datasource/src/plugin.json`, "utf8"));

  it("provision this plugin's data source, and the dashboard uses exactly it with valid queries", () => {
    const [ds] = dsYaml.datasources;
    expect(ds.type).toBe(pluginJson.id);
    expect(dashboard.uid).toBe(DASHBOARD_UID);
    expect(dashboard.title).toBe("Incident Intelligence");
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: pluginJson.id, uid: ds.uid });
      for (const t of p.targets) {
        expect(QUERY_TYPES, p.title).toContain(t.queryType);
        if (t.part) expect(DETAIL_PARTS, p.title).toContain(t.part);
      }
    }
    for (const v of dashboard.templating.list.filter((x: any) => x.type === "query")) expect(VARIABLE_QUERIES).toContain(v.query);
    const rows = dashboard.panels.filter((p: any) => p.type === "row").map((p: any) => p.title);
    expect(rows).toEqual(expect.arrayContaining(["Security", "Reliability"]));
    expect(panels.map((p) => p.title)).toEqual(expect.arrayContaining(["Live incidents (last 24h)", "Proof block", "Recommendations", "Root cause (Kubernetes)", "Causal chain"]));
    expect(dashboard.annotations.list.some((a: any) => a.datasource?.uid === ds.uid && a.target.queryType === "annotations")).toBe(true);
  });

  it("the dashboard is a @grafana/schema Dashboard: panels, options, field config and every override", () => {
    expect(typeErrors(schemaCheckSource())).toEqual([]);
    // The check itself catches what Grafana 13 no longer reads (Grafana 12's table used custom.hidden and cellOptions.wrapText).
    const old = { ...dashboard, panels: dashboard.panels.map((p: any) => (p.title === "Security incidents" ? { ...p, fieldConfig: { ...p.fieldConfig, overrides: [{ matcher: { id: "byName", options: "rca" }, properties: [{ id: "custom.hidden", value: true }] }] } } : p)) };
    const saved = dashboard.panels;
    dashboard.panels = old.panels;
    panels.splice(0, panels.length, ...old.panels.filter((p: any) => p.type !== "row"));
    try {
      expect(typeErrors(schemaCheckSource()).join("\n")).toMatch(/custom\.hidden/);
    } finally {
      dashboard.panels = saved;
      panels.splice(0, panels.length, ...saved.filter((p: any) => p.type !== "row"));
    }
  }, 60_000);
});

describe("the dashboard against edgeproof serve over the demo, every feature on", () => {
  let srv: ServeProcess;
  let dataDir: string;
  let hook: Server;
  const TOKEN = "provisioning-token";
  const api = async (path: string) => (await fetch(srv.url + path, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<any>;
  const range = `from=${Date.parse(FROM)}&to=${Date.parse(TO)}`;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgeproof-provisioning-"));
    hook = createServer((req, res) => req.resume().on("end", () => res.writeHead(200).end("{}")));
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
    srv = await spawnServe(["fixtures/demo", "--data-dir", dataDir, "--lifecycle", "--webhook", hookUrl], { env: { EDGEPROOF_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await srv?.stop();
    await new Promise((r) => hook?.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("every panel and annotation query returns frames with rows, the detail ones for an incident picked from the table", async () => {
    const rel: any = (await api(`/api/incidents?kind=reliability&upstream=shop-api-80&${range}`)).items[0];
    // What Grafana sends with every variable on "All" and an incident picked from the table.
    useVariables({ kind: "*", severity: "*", host: "*", upstream: "*", incident: rel.id });
    const ds = makeDataSource(srv.url, TOKEN);
    const targets: Array<[string, EdgeproofQuery]> = [
      ...panels.flatMap((p) => p.targets.map((t: EdgeproofQuery) => [p.title, t] as [string, EdgeproofQuery])),
      ...dashboard.annotations.list.filter((a: any) => a.target).map((a: any) => [a.name, a.target] as [string, EdgeproofQuery]),
    ];
    for (const [title, t] of targets) {
      const frames = (await ds.query(request([t], FROM, TO))).data as DataFrame[];
      expect(frames.length, title).toBeGreaterThan(0);
      expect(frames.reduce((n, f) => n + f.length, 0), title).toBeGreaterThan(0);
    }
  });

  it("template variables resolve to the server's values, and each value filters the tables to its incidents", async () => {
    const ds = makeDataSource(srv.url, TOKEN);
    const all = (await api(`/api/incidents?${range}&limit=1000`)).items;
    for (const v of dashboard.templating.list.filter((x: any) => x.type === "query")) {
      const values = (await ds.metricFindQuery(v.query)).map((x) => x.text);
      expect(values, v.name).toEqual((await api(`/api/values/${v.query}`)).values);
      expect(values.length, v.name).toBeGreaterThan(0);
    }
    for (const severity of (await ds.metricFindQuery("severity")).map((x) => x.text)) {
      useVariables({ kind: "*", severity, host: "*", upstream: "*", incident: "" });
      for (const title of ["Security incidents", "Reliability incidents"]) {
        const p = panels.find((x) => x.title === title);
        const f = (await ds.query(request(p.targets, FROM, TO))).data[0] as DataFrame;
        expect(col(f, "id"), `${title} at ${severity}`).toEqual(all.filter((i: any) => i.kind === p.targets[0].kind && i.severity === severity).map((i: any) => i.id));
      }
    }
  });

  it("the last-24h tile's links open the dashboard on exactly the incidents they count", async () => {
    useVariables({ kind: "*", severity: "*", host: "*", upstream: "*", incident: "" });
    const ds = makeDataSource(srv.url, TOKEN);
    const tile = panels.find((p) => p.title === "Live incidents (last 24h)");
    const [summary] = (await ds.query(request(tile.targets, FROM, TO))).data as DataFrame[];
    expect(summary.fields.length).toBeGreaterThan(0);
    for (const field of summary.fields) {
      const [link] = field.config.links!;
      const url = new URL(link.url, "http://grafana.invalid");
      expect(url.pathname, field.name).toBe(`/d/${DASHBOARD_UID}/incident-intelligence`);
      const q = url.searchParams;
      // The dashboard opened with the link's variables: its two tables together list what the tile counted.
      useVariables({ kind: q.get("var-kind") ?? "*", severity: q.get("var-severity") ?? "*", host: "*", upstream: "*", incident: "" });
      const from = new Date(Number(q.get("from"))).toISOString();
      const to = new Date(Number(q.get("to"))).toISOString();
      const kind = q.get("var-kind");
      const ids: string[] = [];
      for (const title of ["Security incidents", "Reliability incidents"]) {
        const p = panels.find((x) => x.title === title);
        if (kind && p.targets[0].kind !== kind) continue;
        ids.push(...(col((await ds.query(request(p.targets, from, to))).data[0] as DataFrame, "id") as string[]));
      }
      const counted = field.values[0] as number;
      if (field.name === "open") {
        expect(ids.length, field.name).toBeGreaterThanOrEqual(counted);
        continue;
      }
      expect(ids.length, `${field.name}: the tile says ${counted}`).toBe(counted);
      const params = new URLSearchParams({ from: q.get("from")!, to: q.get("to")!, limit: "1000", ...(kind ? { kind } : {}), ...(q.get("var-severity") ? { severity: q.get("var-severity")! } : {}) });
      expect(ids.sort(), field.name).toEqual((await api(`/api/incidents?${params}`)).items.map((i: any) => i.id).sort());
    }
  });
});
