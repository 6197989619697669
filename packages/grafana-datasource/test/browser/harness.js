// Runs in Chromium. Plays Grafana's part: provides BackendSrv (requests go to the same-origin data source
// proxy path, which the test server forwards to edgeproof serve), a TemplateSrv, the theme, and a panel
// that re-runs the query whenever the editor calls onRunQuery.
(async () => {
  const out = document.getElementById("result");
  try {
    const [data, ui, runtime, React, ReactDOMClient, rxjs, jsx] = await Promise.all(
      ["@grafana/data", "@grafana/ui", "@grafana/runtime", "react", "react-dom/client", "rxjs", "react/jsx-runtime"].map((m) => System.import(m)),
    );
    runtime.setBackendSrv({
      fetch(opts) {
        const qs = new URLSearchParams(opts.params || {}).toString();
        return rxjs.from(
          fetch(opts.url + (qs ? `?${qs}` : "")).then(async (r) => {
            const body = await r.json().catch(() => undefined);
            if (!r.ok) throw { status: r.status, statusText: r.statusText, data: body, config: opts };
            return { data: body, status: r.status, statusText: r.statusText, ok: true, headers: r.headers, redirected: false, type: r.type, url: r.url, config: opts };
          }),
        );
      },
    });
    runtime.setTemplateSrv({ replace: (s) => s ?? "", getVariables: () => [], containsTemplate: () => false, updateTimeRange() {} });

    const { plugin } = await System.import("/dist/module.js");
    const ds = new plugin.DataSourceClass({
      id: 1,
      uid: "edgeproof",
      type: "edgeproof-incidents-datasource",
      name: "edgeproof",
      url: "/api/datasources/proxy/uid/edgeproof",
      access: "proxy",
      jsonData: {},
      meta: { id: "edgeproof-incidents-datasource" },
    });
    const params = new URLSearchParams(location.search);
    const range = () => {
      const from = data.dateTime(params.get("from"));
      const to = data.dateTime(params.get("to"));
      return { from, to, raw: { from, to } };
    };
    let runs = 0;
    const run = async (query) => {
      const res = await ds.query({ requestId: `r${++runs}`, targets: [query], range: range(), scopedVars: {}, interval: "1m", intervalMs: 60000, timezone: "utc", app: "dashboard", startTime: Date.now() });
      const frames = res.data.map((f) => ({ name: f.name, length: f.length, fields: f.fields.map((x) => x.name), first: Object.fromEntries(f.fields.map((x) => [x.name, x.values[0]])) }));
      document.getElementById("frames").textContent = frames.map((f) => `${f.name}: ${f.length} rows · ${f.fields.join(", ")}`).join("\n");
      return frames;
    };

    const log = [];
    function Panel() {
      const [query, setQuery] = React.useState({ refId: "A", queryType: "incidents", limit: 100 });
      const latest = React.useRef(query);
      latest.current = query;
      const onRunQuery = () => run(latest.current).then((frames) => log.push({ query: latest.current, frames }), (e) => log.push({ query: latest.current, error: String(e.message || e) }));
      return jsx.jsx(ui.ThemeContext.Provider, {
        value: data.createTheme(),
        children: jsx.jsx(plugin.components.QueryEditor, { query, datasource: ds, onChange: (q) => ((latest.current = q), setQuery(q)), onRunQuery }),
      });
    }
    ReactDOMClient.createRoot(document.getElementById("editor")).render(jsx.jsx(Panel, {}));

    const initial = await run({ refId: "A", queryType: "incidents", limit: 100 });
    const test = await ds.testDatasource();
    window.__harness = { log, run };
    out.textContent = "OK " + JSON.stringify({ initial, test, annotations: Boolean(ds.annotations) });
  } catch (err) {
    out.textContent = "ERR " + (err && err.stack ? err.stack : String(err));
  }
})();
