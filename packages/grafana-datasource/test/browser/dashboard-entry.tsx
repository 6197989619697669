// Runs in Chromium: the provisioned dashboard as a Grafana user opens it, minus Grafana's server and app shell.
// The plugin comes from dist/module.js (SystemJS + AMD, as Grafana loads it); the panels are drawn by
// @grafana/ui's own components (PanelChrome, TableNG, BigValue, TimeSeries, DataLinksContextMenu) on frames
// processed by @grafana/data's applyFieldOverrides / getFieldDisplayValues, as Grafana's panel query runner
// does. What is the harness's own, not Grafana's: the grid layout, the template-variable interpolation
// (a subset of Grafana's TemplateSrv: $var, ${var:csv}, ${__value.raw}, ${__data.fields.x},
// ${__url_time_range}), the field-config registry (the options the dashboard JSON uses, no editors), the
// annotation markers on the graphs, and hiding panels whose detail part needs a server feature that is off.
import "./host-entry";
import { useLayoutEffect, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { createRoot } from "react-dom/client";
import {
  FieldConfigOptionsRegistry,
  applyFieldOverrides,
  createTheme,
  dataLinksOverrideProcessor,
  dateTime,
  getFieldDisplayValues,
  identityOverrideProcessor,
  locationUtil,
  thresholdsOverrideProcessor,
  valueMappingsOverrideProcessor,
  type DataFrame,
  type FieldConfigPropertyItem,
  type FieldConfigSource,
  type ScopedVars,
  type TimeRange,
} from "@grafana/data";
import { setBackendSrv, setTemplateSrv, type TemplateSrv } from "@grafana/runtime";
import { BigValue, DataLinksContextMenu, GlobalStyles, PanelChrome, ThemeContext, TimeSeries, type UPlotConfigBuilder } from "@grafana/ui";
import { TableNG } from "@grafana/ui/unstable";
import { from as rxFrom } from "rxjs";
import { PART_FEATURE, type EdgeproofQuery } from "../../src/types";

declare const System: { import(id: string): Promise<any> };

const WIDTH = 1400;
const ROW_PX = 30;
const GAP = 8;
const theme = createTheme();

interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: EdgeproofQuery[];
  fieldConfig?: FieldConfigSource;
  options?: any;
}
interface Variable {
  name: string;
  type: string;
  query?: string;
  allValue?: string;
  current?: { value: string | string[] };
}
/** What the test reads back: per panel what was drawn from which frames. */
interface PanelReport {
  id: number;
  title: string;
  type: string;
  hidden?: string;
  frames: Array<{ name?: string; length: number; fields: string[] }>;
  error?: string;
}

const params = new URLSearchParams(location.search);

/** The dashboard's time range from the URL, as Grafana reads `from`/`to` (epoch ms or ISO). */
function timeRange(): TimeRange {
  const at = (v: string | null) => dateTime(/^\d+$/.test(v ?? "") ? Number(v) : v ?? undefined);
  const from = at(params.get("from"));
  const to = at(params.get("to"));
  return { from, to, raw: { from, to } };
}

/** Variable values: from `var-name` URL parameters (what data links set), else the dashboard's current. */
function variableValues(vars: Variable[], options: Map<string, string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const v of vars) {
    const fromUrl = params.getAll(`var-${v.name}`);
    const current = v.current?.value ?? "";
    let values = fromUrl.length ? fromUrl : Array.isArray(current) ? current : [current];
    if (values.includes("$__all") || values.includes("All")) values = [v.allValue ?? options.get(v.name)?.join(",") ?? ""];
    out.set(v.name, values);
  }
  return out;
}

/** The subset of Grafana's TemplateSrv.replace the dashboard and the plugin's links use. */
function makeReplace(values: Map<string, string[]>, range: TimeRange) {
  const lookup = (name: string, scoped: ScopedVars = {}): string | string[] | undefined => {
    if (name === "__url_time_range") return undefined;
    const ctx = (scoped.__dataContext?.value ?? undefined) as { data: DataFrame[]; frameIndex?: number; field: { values: unknown[] }; rowIndex?: number } | undefined;
    if (name.startsWith("__value.") && ctx && ctx.rowIndex !== undefined) return String(ctx.field.values[ctx.rowIndex]);
    if (name.startsWith("__data.fields.") && ctx && ctx.rowIndex !== undefined) {
      const f = ctx.data[ctx.frameIndex ?? 0].fields.find((x) => x.name === name.slice("__data.fields.".length));
      return f && String(f.values[ctx.rowIndex]);
    }
    if (scoped[name]) return String(scoped[name]!.value);
    return values.get(name);
  };
  return (target?: string, scoped?: ScopedVars, format?: string | Function): string =>
    (target ?? "").replace(/\$\{([\w.]+)(?::(\w+))?\}|\$(\w+)/g, (whole, braced, fmt, bare) => {
      const name = braced ?? bare;
      if (name === "__url_time_range") return `from=${range.from.valueOf()}&to=${range.to.valueOf()}`;
      const v = lookup(name, scoped);
      if (v === undefined) return whole;
      const f = fmt ?? (typeof format === "string" ? format : undefined);
      const list = Array.isArray(v) ? v : [v];
      return (f === "uriencode" || f === "percentencode" ? list.map(encodeURIComponent) : list).join(",");
    });
}

/** Field options the dashboard JSON sets, registered so applyFieldOverrides keeps them (Grafana's registry has editors too). */
function registry(fc: FieldConfigSource, customDefaults: Record<string, unknown>): FieldConfigOptionsRegistry {
  const item = (id: string, process = identityOverrideProcessor, isCustom = false): FieldConfigPropertyItem => ({
    id,
    path: isCustom ? id.slice("custom.".length) : id,
    name: id,
    isCustom,
    process,
    shouldApply: () => true,
    override: () => null,
    editor: () => null,
  });
  const customs = new Set([...Object.keys(customDefaults), ...Object.keys(fc.defaults?.custom ?? {})]);
  for (const o of fc.overrides ?? []) for (const p of o.properties) if (p.id.startsWith("custom.")) customs.add(p.id.slice(7));
  const reg = new FieldConfigOptionsRegistry();
  reg.register(item("mappings", valueMappingsOverrideProcessor));
  reg.register(item("thresholds", thresholdsOverrideProcessor));
  reg.register(item("links", dataLinksOverrideProcessor));
  for (const id of ["unit", "color", "decimals", "min", "max", "displayName", "noValue"]) reg.register(item(id));
  for (const c of customs) reg.register(item(`custom.${c}`, identityOverrideProcessor, true));
  return reg;
}

/** Timeseries field defaults of Grafana's timeseries panel (its defaultGraphConfig), which the panel JSON only overrides. */
const GRAPH_DEFAULTS = {
  drawStyle: "line",
  lineInterpolation: "linear",
  lineWidth: 1,
  fillOpacity: 0,
  gradientMode: "none",
  showPoints: "auto",
  pointSize: 5,
  axisPlacement: "auto",
  axisColorMode: "text",
  axisBorderShow: false,
  axisCenteredZero: false,
  scaleDistribution: { type: "linear" },
  barAlignment: 0,
  barWidthFactor: 0.6,
  spanNulls: false,
  insertNulls: false,
  stacking: { mode: "none", group: "A" },
  thresholdsStyle: { mode: "off" },
  hideFrom: { legend: false, tooltip: false, viz: false },
};

function processFrames(frames: DataFrame[], panel: Panel, replace: ReturnType<typeof makeReplace>): DataFrame[] {
  const customDefaults = panel.type === "timeseries" ? GRAPH_DEFAULTS : {};
  const base = panel.fieldConfig ?? { defaults: {}, overrides: [] };
  const fieldConfig: FieldConfigSource = {
    defaults: {
      ...(panel.type === "timeseries" ? { color: { mode: "palette-classic" } } : { color: { mode: "thresholds" }, thresholds: { mode: "absolute", steps: [{ color: "green", value: -Infinity }] } }),
      ...base.defaults,
      custom: { ...customDefaults, ...base.defaults?.custom },
    } as FieldConfigSource["defaults"],
    overrides: base.overrides ?? [],
  };
  return applyFieldOverrides({ data: frames, fieldConfig, fieldConfigRegistry: registry(fieldConfig, customDefaults), replaceVariables: replace as any, theme, timeZone: "utc" });
}

interface Annotation {
  time: number;
  timeEnd: number;
  title: string;
  text: string;
}

/** Incident regions over a graph: shaded on the canvas, with a marker per incident under the plot (like Grafana's). */
function AnnotationRegions({ config, annotations }: { config: UPlotConfigBuilder; annotations: Annotation[] }) {
  const [plot, setPlot] = useState<{ u: any; min: number; max: number }>();
  useLayoutEffect(() => {
    // Markers follow the x scale: placed once uPlot has one, moved when it changes.
    config.addHook("setScale", (u: any, key: string) => key === "x" && setPlot({ u, min: u.scales.x.min, max: u.scales.x.max }));
    config.addHook("draw", (u: any) => {
      const ctx = u.ctx as CanvasRenderingContext2D;
      ctx.save();
      ctx.fillStyle = "rgba(242, 73, 92, 0.15)";
      for (const a of annotations) {
        const x0 = u.valToPos(a.time, "x", true);
        const x1 = u.valToPos(a.timeEnd, "x", true);
        ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
      }
      ctx.restore();
    });
  }, [config, annotations]);
  if (!plot || plot.min == null) return null;
  const { u, min, max } = plot;
  return createPortal(
    <>
      {annotations
        .filter((a) => a.timeEnd >= min && a.time <= max)
        .map((a, i) => (
          <div
            key={i}
            data-testid="annotation-marker"
            title={`${a.title}\n${a.text}`}
            style={{ position: "absolute", left: u.valToPos(Math.max(a.time, min), "x"), bottom: -8, width: 8, height: 8, marginLeft: -4, background: "#F2495C", borderRadius: 2 }}
          />
        ))}
    </>,
    u.over,
  );
}

function PanelBody({ panel, frames, width, height, annotations, range, replace }: { panel: Panel; frames: DataFrame[]; width: number; height: number; annotations: Annotation[]; range: TimeRange; replace: ReturnType<typeof makeReplace> }): ReactNode {
  if (!frames.length || frames.every((f) => f.length === 0)) return <div style={{ padding: 8, color: theme.colors.text.secondary }}>No data</div>;
  switch (panel.type) {
    case "table": {
      const frame = frames[panel.options?.frameIndex ?? 0];
      return (
        <TableNG
          data={frame}
          width={width}
          height={height}
          noHeader={panel.options?.showHeader === false}
          cellHeight={panel.options?.cellHeight}
          enableVirtualization={false}
          enablePagination={false}
          timeRange={range}
          fieldConfig={panel.fieldConfig}
        />
      );
    }
    case "stat": {
      const o = panel.options ?? {};
      const values = getFieldDisplayValues({ fieldConfig: panel.fieldConfig!, reduceOptions: o.reduceOptions, replaceVariables: replace as any, theme, data: frames, timeZone: "utc" });
      // Two rows of values, as Grafana's stat panel lays out many values in a wide, short panel.
      const perRow = Math.ceil(values.length / 2);
      const w = Math.floor(width / perRow) - 1;
      const h = Math.floor(height / Math.ceil(values.length / perRow)) - 1;
      return (
        <div style={{ display: "flex", flexWrap: "wrap" }}>
          {values.map((v, i) => (
            <div key={i} data-testid="stat-value" data-name={v.display.title}>
              <DataLinksContextMenu links={v.getLinks ?? (() => [])}>
                {(api) => <BigValue value={v.display} width={w} height={h} colorMode={o.colorMode} graphMode={o.graphMode} textMode={o.textMode} justifyMode={o.justifyMode} theme={theme} onClick={api.openMenu} className={api.targetClassName} />}
              </DataLinksContextMenu>
            </div>
          ))}
        </div>
      );
    }
    case "timeseries":
      return (
        <TimeSeries frames={frames} width={width} height={height} timeRange={range} timeZone="utc" legend={{ showLegend: true, displayMode: "list" as any, placement: "bottom", calcs: [] }} options={{ tooltip: { mode: "single", sort: "none" } }}>
          {(config) => <AnnotationRegions config={config} annotations={annotations} />}
        </TimeSeries>
      );
    default:
      return <div>panel type {panel.type} is not drawn by this harness</div>;
  }
}

async function main() {
  const out = document.getElementById("result")!;
  try {
    setBackendSrv({
      fetch(opts: any) {
        const qs = new URLSearchParams(opts.params || {}).toString();
        return rxFrom(
          fetch(opts.url + (qs ? `?${qs}` : "")).then(async (r) => {
            const body = await r.json().catch(() => undefined);
            if (!r.ok) throw { status: r.status, statusText: r.statusText, data: body, config: opts };
            return { data: body, status: r.status, statusText: r.statusText, ok: true, headers: r.headers, redirected: false, type: r.type, url: r.url, config: opts };
          }),
        );
      },
    } as any);
    const dash = await (await fetch("/dashboard.json")).json();
    const range = timeRange();
    const vars: Variable[] = dash.templating.list;
    let replace = makeReplace(new Map(), range);
    setTemplateSrv({ replace: (t: string, s: ScopedVars, f: any) => replace(t, s, f), getVariables: () => [], containsTemplate: (t?: string) => /\$/.test(t ?? ""), updateTimeRange() {} } as unknown as TemplateSrv);
    locationUtil.initialize({ config: { appSubUrl: "" } as any, getTimeRangeForUrl: () => ({ from: String(range.from.valueOf()), to: String(range.to.valueOf()) }), getVariablesUrlParams: () => ({}) });

    const { plugin } = await System.import("/dist/module.js");
    const ds = new plugin.DataSourceClass({ id: 1, uid: "edgeproof", type: "edgeproof-incidents-datasource", name: "edgeproof", url: "/api/datasources/proxy/uid/edgeproof", access: "proxy", jsonData: {}, meta: { id: "edgeproof-incidents-datasource" } });
    const caps = await ds.getCapabilities();

    // Template variables, resolved as Grafana does on load: query variables through metricFindQuery.
    const options = new Map<string, string[]>();
    for (const v of vars.filter((x) => x.type === "query")) options.set(v.name, (await ds.metricFindQuery(v.query!)).map((x: { text: string }) => x.text));
    const values = variableValues(vars, options);
    replace = makeReplace(values, range);

    const query = (targets: EdgeproofQuery[]) =>
      ds.query({ requestId: "p", targets, range, scopedVars: {}, interval: "1m", intervalMs: 60_000, timezone: "utc", app: "dashboard", startTime: Date.now() }).then((r: { data: DataFrame[] }) => r.data);
    const annoTargets = dash.annotations.list.filter((a: any) => a.enable && a.datasource?.uid === "edgeproof").map((a: any) => a.target);
    const annoFrames: DataFrame[] = annoTargets.length ? await query(annoTargets) : [];
    const annotations: Annotation[] = annoFrames.flatMap((f) => {
      const col = (n: string) => f.fields.find((x) => x.name === n)!.values;
      return Array.from({ length: f.length }, (_, i) => ({ time: col("time")[i], timeEnd: col("timeEnd")[i], title: col("title")[i], text: col("text")[i] }));
    });

    const colW = (WIDTH - GAP * 23) / 24;
    const reports: PanelReport[] = [];
    const cells: ReactNode[] = [];
    for (const p of dash.panels as Panel[]) {
      const style = { gridColumn: `${p.gridPos.x + 1} / span ${p.gridPos.w}`, gridRow: `${p.gridPos.y + 1} / span ${p.gridPos.h}` };
      if (p.type === "row") {
        cells.push(
          <h2 key={p.id} data-testid="dashboard-row" style={{ ...style, margin: 0, fontSize: 16, alignSelf: "end" }}>
            {replace(p.title)}
          </h2>,
        );
        continue;
      }
      const report: PanelReport = { id: p.id, title: p.title, type: p.type, frames: [] };
      reports.push(report);
      const off = (p.targets ?? []).map((t) => t.part && PART_FEATURE[t.part]).filter((f): f is string => Boolean(f) && !caps.features.includes(f!));
      if (off.length && off.length === p.targets!.length) {
        report.hidden = `needs ${off.join(", ")}`;
        continue;
      }
      const w = Math.round(colW * p.gridPos.w + GAP * (p.gridPos.w - 1));
      const h = p.gridPos.h * ROW_PX + GAP * (p.gridPos.h - 1);
      let frames: DataFrame[] = [];
      try {
        frames = processFrames(await query(p.targets ?? []), p, replace);
        report.frames = frames.map((f) => ({ name: f.name, length: f.length, fields: f.fields.map((x) => x.name) }));
      } catch (err) {
        report.error = String((err as Error)?.message ?? err);
      }
      cells.push(
        <section key={p.id} data-testid="panel" data-panel-id={p.id} data-panel-title={p.title} style={style}>
          <PanelChrome title={p.title} description={p.description} width={w} height={h} statusMessage={report.error}>
            {(iw, ih) => <PanelBody panel={p} frames={frames} width={iw} height={ih} annotations={annotations} range={range} replace={replace} />}
          </PanelChrome>
        </section>,
      );
    }
    const root = createRoot(document.getElementById("dashboard")!);
    root.render(
      <ThemeContext.Provider value={theme}>
        <GlobalStyles />
        <div style={{ display: "grid", width: WIDTH, gridTemplateColumns: `repeat(24, ${colW}px)`, gridAutoRows: ROW_PX, gap: GAP }}>{cells}</div>
      </ThemeContext.Provider>,
    );
    // For the test: a named colour of the dashboard JSON (value mappings) as the browser computes it.
    const colorOf = (name: string) => {
      const el = document.createElement("i");
      el.style.color = theme.visualization.getColorByName(name);
      document.body.append(el);
      const rgb = getComputedStyle(el).color;
      el.remove();
      return rgb;
    };
    (window as any).__dashboard = { colorOf, panels: reports, variables: Object.fromEntries(values), options: Object.fromEntries(options), annotations: annotations.length, features: caps.features };
    out.textContent = "OK";
  } catch (err) {
    out.textContent = "ERR " + ((err as Error)?.stack ?? String(err));
  }
}

// After every script of the page has run: the AMD extra (loaded after this bundle) must be there for module.js.
window.addEventListener("load", () => void main());
