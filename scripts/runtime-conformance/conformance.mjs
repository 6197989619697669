#!/usr/bin/env node
// Runs the demo fixtures through the built engine bundle (packages/engine/dist) in Node, Bun, Deno and headless
// Chromium and compares each JSON output byte for byte with Node's.
//   node scripts/runtime-conformance/conformance.mjs        prints one line per runtime; exit 1 on any difference
// A runtime that is not installed is reported as "missing" (see scripts/setup-system-deps.mjs for installing it).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const BUNDLE = join(REPO, "packages/engine/dist/index.js");
const HERE = join(REPO, "scripts/runtime-conformance");
const RUN_TIMEOUT_MS = 120_000;

/** The demo case: every default pack, the demo access log and the demo Kubernetes snapshot. */
export function demoInput() {
  const rules = join(REPO, "rules");
  const files = {};
  for (const f of walk(rules)) files[rel(f)] = readFileSync(f, "utf8");
  // The CLI's default pack discovery (packages/cli/src/rule-packs.ts packFiles); the test that compares this
  // harness with the CLI's own output fails if the two drift apart.
  const packs = walk(rules)
    .filter((f) => /\.ya?ml$/.test(f) && !f.includes(".test.") && !rel(f).split("/").some((seg) => seg === "lists" || seg === "tests" || seg.startsWith(".")))
    .map((f) => ({ file: rel(f), text: files[rel(f)] }));
  const k8s = join(REPO, "fixtures/demo/k8s");
  const snapshot = readdirSync(k8s)
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((name) => ({ name, json: JSON.parse(readFileSync(join(k8s, name), "utf8")) }));
  const log = "fixtures/demo/access.log";
  return { packs, files, log: { name: log, text: readFileSync(join(REPO, log), "utf8") }, host: "shop.example.com", snapshot };
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

const rel = (f) => relative(REPO, f).split(sep).join("/");

/** Where each runtime's binary is, or undefined when it is not installed. */
export function locateRuntimes() {
  const tools = join(REPO, ".tools/node_modules");
  const first = (...c) => c.find((p) => p && existsSync(p));
  // A real binary, not the few-hundred-byte stub bun leaves when its postinstall did not run.
  const notStub = (p) => (p && statSync(p).size > 1_000_000 ? p : undefined);
  return {
    node: process.execPath,
    // bun's postinstall moves the platform binary to bun/bin/bun.exe; without it, it stays in @oven/*.
    bun: notStub(first(process.env.EDGEPROOF_BUN, join(tools, "bun/bin/bun.exe"), join(tools, "@oven/bun-linux-x64/bin/bun"), join(tools, "@oven/bun-linux-x64-baseline/bin/bun"), onPath("bun"))),
    deno: first(process.env.EDGEPROOF_DENO, join(tools, "@deno/linux-x64-glibc/deno"), join(tools, ".bin/deno"), onPath("deno")),
    chromium: first(process.env.EDGEPROOF_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"),
  };
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

/** Runs a command to its end (killed after RUN_TIMEOUT_MS); resolves with its exit and output, never rejects. */
export function run(cmd, args, env = {}, cwd = REPO) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    const err = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    child.on("error", (e) => err.push(Buffer.from(String(e))));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

async function runCli(name, bin, inputFile) {
  const main = join(HERE, "main.mjs");
  const argv = {
    node: [main, inputFile],
    bun: [main, inputFile],
    deno: ["run", "--no-prompt", "--no-config", `--allow-read=${REPO},${inputFile}`, "--allow-env", main, inputFile],
  }[name];
  const r = await run(bin, argv, { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" });
  if (r.code !== 0) throw new Error(`${name} exited ${r.code ?? r.signal}: ${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}

const TYPES = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".map": "application/json", ".json": "application/json" };

/** Serves only the page, the harness and the engine bundle; the page POSTs its result back. */
function runBrowser(bin, input) {
  return runPage(bin, { root: REPO, served: [HERE, join(REPO, "packages/engine/dist")], page: "/scripts/runtime-conformance/browser.html", extra: { "/__input.json": JSON.stringify(input) } });
}

/**
 * Opens `page` in headless Chromium from a loopback server of the files under `served` (paths below `root`),
 * plus `extra` (URL path → body); the page POSTs its result to `/__result` (or its error to `/__error`).
 * @param {string} bin
 * @param {{ root: string, served: string[], page: string, extra?: Record<string, string> }} site
 * @returns {Promise<string>} the posted result
 */
export async function runPage(bin, { root, served, page, extra = {} }) {
  let settle;
  const result = new Promise((res, rej) => (settle = { res, rej }));
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (req.method === "POST") {
      const body = [];
      req.on("data", (b) => body.push(b));
      req.on("end", () => {
        res.end("ok");
        const text = Buffer.concat(body).toString("utf8");
        if (url.pathname === "/__result") settle.res(text);
        else settle.rej(new Error(`browser: ${text}`));
      });
      return;
    }
    if (Object.hasOwn(extra, url.pathname)) return void res.writeHead(200, { "content-type": TYPES[extname(url.pathname)] ?? "application/octet-stream" }).end(extra[url.pathname]);
    const file = resolve(root, `.${decodeURIComponent(url.pathname)}`);
    if (!served.some((d) => file.startsWith(d + sep)) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const profile = mkdtempSync(join(tmpdir(), "edgeproof-chromium-"));
  const url = `http://127.0.0.1:${server.address().port}${page}`;
  const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
  // Its own process group, so the browser's helper processes end with it.
  const child = spawn(bin, [...flags, `--user-data-dir=${profile}`, url], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (b) => (stderr = (stderr + b).slice(-4000)));
  child.on("exit", (code) => settle.rej(new Error(`chromium exited ${code} before the page answered: ${stderr}`)));
  const timer = setTimeout(() => settle.rej(new Error(`chromium: no answer within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    child.removeAllListeners("exit");
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGKILL");
      await exited;
    }
    server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** The first line where two outputs differ, for a readable report. */
export function firstDifference(a, b) {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: node ${JSON.stringify(x[i] ?? "<end>")} vs ${JSON.stringify(y[i] ?? "<end>")}`;
  }
  return undefined;
}

/**
 * Runs the demo case in every runtime. Node's output is the reference.
 * @returns {Promise<Array<{runtime: string, status: "reference"|"identical"|"diff"|"missing"|"error", detail?: string, ms?: number, bytes?: number, output?: string}>>}
 */
export async function runConformance() {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build -w packages/engine\` first`);
  const bins = locateRuntimes();
  const input = demoInput();
  const dir = mkdtempSync(join(tmpdir(), "edgeproof-conformance-"));
  const inputFile = join(dir, "input.json");
  writeFileSync(inputFile, JSON.stringify(input));
  const results = [];
  try {
    const t0 = performance.now();
    const reference = await runCli("node", bins.node, inputFile);
    results.push({ runtime: "node", status: "reference", ms: Math.round(performance.now() - t0), bytes: reference.length, output: reference });
    for (const name of ["bun", "deno", "chromium"]) {
      if (!bins[name]) {
        results.push({ runtime: name, status: "missing", detail: "not installed (node scripts/setup-system-deps.mjs installs it)" });
        continue;
      }
      const t = performance.now();
      try {
        const out = name === "chromium" ? await runBrowser(bins[name], input) : await runCli(name, bins[name], inputFile);
        const diff = out === reference ? undefined : (firstDifference(reference, out) ?? "outputs differ");
        results.push({ runtime: name, status: diff ? "diff" : "identical", detail: diff, ms: Math.round(performance.now() - t), bytes: out.length, output: out });
      } catch (err) {
        results.push({ runtime: name, status: "error", detail: err.message, ms: Math.round(performance.now() - t) });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = await runConformance();
  for (const r of results) console.log(`${r.runtime.padEnd(8)} ${r.status.padEnd(9)} ${r.ms ?? "-"} ms ${r.bytes ?? "-"} bytes${r.detail ? `  ${r.detail}` : ""}`);
  process.exit(results.some((r) => r.status === "diff" || r.status === "error") ? 1 : 0);
}
