// What the browser tests need around Chromium: the page bundle (Grafana's shared modules, built by esbuild) and
// a loopback server that plays Grafana's static file server and its data source proxy.
import { existsSync, readFileSync } from "node:fs";
import { normalize } from "node:path";
import { createServer, request as httpRequest, type Server } from "node:http";
import { build } from "esbuild";
import { REPO } from "../../../cli/src/serve/testing/spawn-serve";

export const CHROMIUM = "/usr/bin/chromium";
export const PKG = `${REPO}packages/grafana-datasource/`;
/** Browser tests run where chromium is; in CI (EDGEPROOF_REQUIRE_INTEGRATION=1) its absence is a failure, not a skip. */
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.EDGEPROOF_REQUIRE_INTEGRATION === "1") throw new Error(`${CHROMIUM} is missing and EDGEPROOF_REQUIRE_INTEGRATION=1: install it with apt-get install -y chromium`);

/**
 * Bundles a page script with Grafana's shared modules (svg icons inlined as text). With `css`, the style sheets
 * @grafana/ui imports (the table grid's, uPlot's) go to `<out>.css` as Grafana's own app bundle ships them;
 * otherwise they are dropped.
 */
export async function buildPageBundle(entry: string, out: string, o: { css?: boolean } = {}): Promise<void> {
  await build({
    entryPoints: [`${PKG}test/browser/${entry}`],
    bundle: true,
    format: "iife",
    outfile: out,
    minify: true,
    jsx: "automatic",
    logLevel: "silent",
    loader: { ".css": o.css ? "css" : "empty", ".svg": "text", ".woff": "empty", ".woff2": "empty", ".ttf": "empty", ".png": "empty" },
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
  });
}

const ICONS = "/public/build/img/icons/";
const ICON_DIR = `${REPO}node_modules/@grafana/ui/dist/public/img/icons/`;

/** The proxy route plugin.json declares, as Grafana serves it for the data source with uid `edgeproof`. */
export const PROXY_ROUTE = "/api/datasources/proxy/uid/edgeproof/edgeproof/";

/**
 * Static files (path → [file, content type]) plus what Grafana's data source proxy does: `PROXY_ROUTE*` is
 * forwarded to edgeproof serve with the bearer token added (the browser never sees it).
 */
export function harnessServer(files: Record<string, [string, string]>, serveUrl: string, token: string): Server {
  const all: Record<string, [string, string]> = {
    "/dist/module.js": [`${PKG}dist/module.js`, "text/javascript"],
    "/systemjs/system.js": [`${REPO}node_modules/systemjs/dist/system.js`, "text/javascript"],
    "/systemjs/extras/amd.js": [`${REPO}node_modules/systemjs/dist/extras/amd.js`, "text/javascript"],
    "/importmap.json": [`${PKG}test/browser/importmap.json`, "application/importmap+json"],
    ...files,
  };
  const upstream = new URL(serveUrl);
  return createServer((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith(PROXY_ROUTE)) {
      const fwd = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: "/" + url.slice(PROXY_ROUTE.length), method: "GET", headers: { authorization: `Bearer ${token}` }, timeout: 10_000 },
        (up) => {
          res.writeHead(up.statusCode ?? 502, { "content-type": up.headers["content-type"] ?? "application/json" });
          up.pipe(res);
        },
      );
      fwd.on("error", () => res.writeHead(502).end());
      fwd.end();
      return;
    }
    const path = url.split("?")[0];
    // Grafana serves @grafana/ui's icons from its public path; the pages set __grafana_public_path__ to /public/.
    if (path.startsWith(ICONS)) {
      const file = normalize(`${ICON_DIR}${decodeURIComponent(path.slice(ICONS.length))}`);
      if (!file.startsWith(ICON_DIR) || !existsSync(file)) return void res.writeHead(404).end();
      return void res.writeHead(200, { "content-type": "image/svg+xml" }).end(readFileSync(file));
    }
    const f = all[path];
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": f[1] }).end(readFileSync(f[0]));
  });
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
