// @vitest-environment node
// The provisioned Incident Intelligence dashboard as a user meets it, in headless Chromium: the plugin from
// dist/module.js, the panels drawn by @grafana/ui's components (test/browser/dashboard-entry.tsx says which
// parts are the harness's own), the data from real `edgeproof serve` processes over the demo fixture.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { eventually, REPO, sleep, spawnServe, type ServeProcess } from "../../cli/src/serve/testing/spawn-serve";
import { buildPageBundle, CHROMIUM, harnessServer, haveChromium, listen, PKG } from "../test/browser/harness-server";
import { DASHBOARD_UID } from "./types";

const TOKEN = "dashboard-token";
const DASH = `/d/${DASHBOARD_UID}/incident-intelligence`;
const FROM = Date.parse("2026-11-20T09:00:00Z");
const TO = Date.parse("2026-11-20T11:00:00Z");
const RANGE = `from=${FROM}&to=${TO}`;
const SHOTS = `${REPO}test-results/`;
/**
 * The README's picture of the dashboard, taken by this test into test-results/ on every run and copied over the
 * committed one with EDGEPROOF_UPDATE_SCREENSHOTS=1 (its audit times are wall-clock, so every run differs, and
 * a test that dirtied the work tree would get in the way of rebasing).
 */
const README_SHOT = `${PKG}src/img/dashboard.png`;
const DASHBOARD_JSON = `${REPO}provisioning/dashboards/incident-intelligence.json`;
const dashboard = JSON.parse(readFileSync(DASHBOARD_JSON, "utf8"));

/** One `edgeproof serve` with the page server in front of it, as Grafana's proxy would be. */
interface Site {
  srv: ServeProcess;
  http: Server;
  base: string;
  dataDir: string;
  api(path: string, init?: RequestInit): Promise<any>;
}

async function site(args: string[], bundleDir: string): Promise<Site> {
  const dataDir = mkdtempSync(join(tmpdir(), "edgeproof-dashboard-"));
  const srv = await spawnServe([...args, "--data-dir", dataDir], { env: { EDGEPROOF_TOKEN: TOKEN } });
  const page: [string, string] = [`${PKG}test/browser/dashboard.html`, "text/html"];
  const http = harnessServer(
    {
      [DASH]: page,
      "/dashboard.js": [join(bundleDir, "dashboard.js"), "text/javascript"],
      "/dashboard.css": [join(bundleDir, "dashboard.css"), "text/css"],
      "/dashboard.json": [DASHBOARD_JSON, "application/json"],
    },
    srv.url,
    TOKEN,
  );
  const api = async (path: string, init: RequestInit = {}) => {
    const r = await fetch(srv.url + path, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers } });
    expect(r.status, `${path}: ${r.status}`).toBeLessThan(300);
    return r.json();
  };
  // Serve is ready once it has read its input, but the last events are released only when the lateness has
  // passed on the wall clock; until then the newest incidents still grow. The views are compared with the API,
  // so wait for two identical listings.
  let last = "";
  await eventually(async () => {
    const now = JSON.stringify(await api(`/api/incidents?${RANGE}&limit=1000`));
    const same = now === last;
    last = now;
    return same ? true : (await sleep(2_500), undefined);
  }, 30_000, "incidents to settle");
  return { srv, http, base: await listen(http), dataDir, api };
}

/** A loopback webhook receiver that accepts every alert (alerting on, nothing leaves the machine). */
async function webhook(): Promise<{ server: Server; url: string; received: number }> {
  const w = { server: undefined as unknown as Server, url: "", received: 0 };
  w.server = createServer((req, res) => {
    req.resume().on("end", () => {
      w.received++;
      res.writeHead(200).end("{}");
    });
  });
  w.url = (await listen(w.server)) + "/hook";
  return w;
}

/** What the page reports once every panel has run its query (see dashboard-entry.tsx). */
interface Report {
  panels: Array<{ id: number; title: string; type: string; hidden?: string; frames: Array<{ name?: string; length: number; fields: string[] }>; error?: string }>;
  variables: Record<string, string[]>;
  options: Record<string, string[]>;
  annotations: number;
  features: string[];
}

async function ready(page: Page): Promise<Report> {
  await page.waitForFunction(() => /^(OK|ERR)/.test(document.getElementById("result")?.textContent ?? ""), null, { timeout: 30_000 });
  const result = (await page.textContent("#result"))!;
  expect(result, result).toBe("OK");
  // Panels render after the report; wait for the last one's chrome.
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=panel]").length > 0);
  return page.evaluate(() => {
    const { colorOf, ...rest } = (window as any).__dashboard;
    return rest;
  });
}

const panel = (page: Page, title: string) => page.locator(`section[data-panel-title="${title}"]`);

/** A table panel as the user reads it: header names and each row's cell texts (TableNG is a role=grid). */
async function table(page: Page, title: string): Promise<{ headers: string[]; rows: string[][] }> {
  const p = panel(page, title);
  // Read it where the user would: scrolled into view (off-screen grids are not laid out, their text is empty).
  await p.scrollIntoViewIfNeeded();
  await page.waitForFunction((t) => Array.from(document.querySelectorAll(`section[data-panel-title="${t}"] [role="gridcell"]`)).some((c) => (c as HTMLElement).innerText.trim() !== ""), title);
  const headers = (await p.locator('[role="columnheader"]').allInnerTexts()).map((t) => t.trim());
  const rows = await p.locator('[role="row"]:has([role="gridcell"])').evaluateAll((els) => els.map((r) => Array.from(r.querySelectorAll('[role="gridcell"]')).map((c) => (c as HTMLElement).innerText.trim())));
  return { headers, rows };
}

const cell = (t: { headers: string[]; rows: string[][] }, row: number, name: string) => t.rows[row][t.headers.indexOf(name)];
const hiddenIn = (title: string): string[] =>
  dashboard.panels.find((p: any) => p.title === title).fieldConfig.overrides.filter((o: any) => o.properties.some((x: any) => x.id === "custom.hideFrom.viz" && x.value)).map((o: any) => o.matcher.options);

describe.skipIf(!haveChromium)("the Incident Intelligence dashboard in headless Chromium", () => {
  let bundleDir: string;
  let full: Site; // RCA (demo snapshot), runbooks, lifecycle, alerting
  let bare: Site; // the log alone: no snapshot, no lifecycle, no alerting
  let hook: Awaited<ReturnType<typeof webhook>>;
  let browser: Browser;
  let context: BrowserContext;
  let errors: string[];

  beforeAll(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), "edgeproof-dashboard-bundle-"));
    hook = await webhook();
    [full, bare] = await Promise.all([
      site(["fixtures/demo", "--lifecycle", "--webhook", hook.url], bundleDir),
      site(["fixtures/demo/access.log"], bundleDir),
      buildPageBundle("dashboard-entry.tsx", join(bundleDir, "dashboard.js"), { css: true }),
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"], timeout: 30_000 });
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, permissions: ["clipboard-read", "clipboard-write"] });
    errors = [];
    context.on("weberror", (e) => errors.push(e.error().message));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    for (const s of [full, bare]) {
      if (!s) continue;
      await new Promise((r) => s.http.close(r));
      await s.srv.stop();
      rmSync(s.dataDir, { recursive: true, force: true });
    }
    await new Promise((r) => hook?.server.close(r));
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  it("overview: the last-24h tile shows the server's counts and its links open the filtered tables; graphs carry the incidents as regions", async () => {
    const page = await context.newPage();
    await page.goto(`${full.base}${DASH}?${RANGE}`);
    const report = await ready(page);
    expect(report.panels.filter((p) => p.error)).toEqual([]);

    const summary = await full.api("/api/summary");
    const shown = Object.fromEntries(
      await panel(page, "Live incidents (last 24h)")
        .locator("[data-testid=stat-value]")
        .evaluateAll((els) => els.map((e) => [e.getAttribute("data-name"), (e as HTMLElement).innerText.replace(e.getAttribute("data-name")!, "").trim()])),
    );
    expect(shown).toEqual({
      total: String(summary.total),
      open: String(summary.open),
      security: String(summary.byKind.security),
      reliability: String(summary.byKind.reliability),
      ...Object.fromEntries(["P0", "P1", "P2", "P3", "P4"].map((p) => [p, String(summary.bySeverity[p])])),
    });

    // Every number is a link to the dashboard filtered to it, over the tile's own 24 hours.
    const links = await panel(page, "Live incidents (last 24h)").locator("[data-testid=stat-value] a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    expect(links).toHaveLength(9);
    for (const href of links) {
      const u = new URL(href, full.base);
      expect(u.pathname).toBe(DASH);
      expect([u.searchParams.get("from"), u.searchParams.get("to")]).toEqual([summary.link.from, summary.link.to]);
    }

    // The time series: one series per host / per upstream (three rates each), incidents as annotation markers.
    const series = await full.api(`/api/timeseries?by=upstream&${RANGE}`);
    const legend = await panel(page, "Requests, 4xx, 5xx per upstream").locator('[data-testid="data-testid VizLegend series"], li').allInnerTexts();
    for (const s of series.series) for (const rate of ["requests/s", "4xx/s", "5xx/s"]) expect(legend.join("\n")).toContain(`${s.name} ${rate}`);
    const incidents = await full.api(`/api/incidents?${RANGE}&limit=1000`);
    expect(report.annotations).toBe(incidents.items.length);
    for (const title of ["Requests, 4xx, 5xx per host", "Requests, 4xx, 5xx per upstream"]) {
      const markers = panel(page, title).locator("[data-testid=annotation-marker]");
      expect(await markers.count(), title).toBe(incidents.items.length);
      const marked = await markers.evaluateAll((m) => m.map((x) => /\nid (\w+)$/.exec(x.getAttribute("title")!)?.[1]));
      expect(marked.sort(), title).toEqual(incidents.items.map((i: any) => i.id).sort());
    }
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}grafana-dashboard-overview.png`, fullPage: true });

    // Follow the P3 link as a user clicks it: the tables show exactly the P3 incidents of that range.
    const p3 = panel(page, "Live incidents (last 24h)").locator('[data-testid=stat-value][data-name="P3"] a');
    await Promise.all([page.waitForURL(/var-severity=P3/), p3.click()]);
    const filtered = await ready(page);
    expect(filtered.variables.severity).toEqual(["P3"]);
    const q = new URL(page.url()).searchParams;
    const want = (await full.api(`/api/incidents?from=${q.get("from")}&to=${q.get("to")}&severity=P3&limit=1000`)).items;
    expect(want.length).toBeGreaterThan(0);
    const sec = await table(page, "Security incidents");
    expect(sec.rows.map((_, i) => cell(sec, i, "id")).sort()).toEqual(want.filter((i: any) => i.kind === "security").map((i: any) => i.id).sort());
    const rel = want.filter((i: any) => i.kind === "reliability");
    if (rel.length === 0) expect(await panel(page, "Reliability incidents").innerText()).toContain("No data");
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("incident tables: one row per incident, severity coloured by the dashboard's mapping, hidden columns gone, ids linking to the detail", async () => {
    const page = await context.newPage();
    await page.goto(`${full.base}${DASH}?${RANGE}`);
    await ready(page);
    const all = (await full.api(`/api/incidents?${RANGE}&limit=1000`)).items;
    const mapping = dashboard.panels.find((p: any) => p.title === "Security incidents").fieldConfig.overrides.find((o: any) => o.matcher.options === "severity").properties.find((x: any) => x.id === "mappings").value[0].options;
    for (const [title, kind] of [
      ["Security incidents", "security"],
      ["Reliability incidents", "reliability"],
    ] as const) {
      const items = all.filter((i: any) => i.kind === kind);
      const t = await table(page, title);
      expect(t.rows, title).toHaveLength(items.length);
      for (const h of hiddenIn(title)) expect(t.headers, title).not.toContain(h);
      expect(t.headers).toEqual(expect.arrayContaining(["id", "severity", "title", "host", "lifecycle"]));
      items.forEach((inc: any, i: number) => {
        expect(cell(t, i, "id")).toBe(inc.id);
        expect(cell(t, i, "severity")).toBe(inc.severity);
        expect(cell(t, i, "title")).toBe(inc.title);
        expect(cell(t, i, "host")).toBe(inc.key.host ?? "");
        // An incident without a client (a reliability or volumetric one) has an empty cell, not a broken row.
        if (t.headers.includes("clientIp")) expect(cell(t, i, "clientIp")).toBe(inc.key.clientIp ?? "");
        expect(cell(t, i, "lifecycle")).toBe(inc.lifecycleState);
      });
      const rows = panel(page, title).locator('[role="row"]:has([role="gridcell"])');
      const sevCol = t.headers.indexOf("severity");
      const idCol = t.headers.indexOf("id");
      for (let i = 0; i < items.length; i++) {
        const bg = await rows.nth(i).locator('[role="gridcell"]').nth(sevCol).evaluate((c) => getComputedStyle(c).backgroundImage + " " + getComputedStyle(c).backgroundColor);
        const want = await page.evaluate((n) => (window as any).__dashboard.colorOf(n), mapping[items[i].severity].color);
        expect(bg, `${items[i].severity} cell`).toContain(want);
        const href = await rows.nth(i).locator('[role="gridcell"]').nth(idCol).locator("a").getAttribute("href");
        const u = new URL(href!, full.base);
        expect([u.pathname, u.searchParams.get("var-incident"), u.searchParams.get("from"), u.searchParams.get("to")]).toEqual([DASH, items[i].id, String(FROM), String(TO)]);
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("incident detail: the proof block is preformatted, selectable and copied whole; recommendations, causal chain, RCA, runbook steps, alert and lifecycle are shown", async () => {
    const inc = (await full.api(`/api/incidents?${RANGE}&kind=reliability&upstream=shop-api-80`)).items[0];
    await full.api(`/api/incidents/${inc.id}/ack`, { method: "POST", body: JSON.stringify({ by: "oncall", note: "looking at the api pods" }) });
    const page = await context.newPage();
    await page.goto(`${full.base}${DASH}?${RANGE}`);
    await ready(page);
    // Open it as a user does: click its id in the reliability table.
    const link = panel(page, "Reliability incidents").locator(`a:has-text("${inc.id}")`);
    await Promise.all([page.waitForURL(new RegExp(`var-incident=${inc.id}`)), link.click()]);
    const report = await ready(page);
    expect(report.panels.filter((p) => p.error)).toEqual([]);
    const detail = await full.api(`/api/incidents/${inc.id}`);
    await expect.poll(() => page.locator("[data-testid=dashboard-row]").allInnerTexts()).toContain(`Incident detail: ${inc.id}`);

    // Grafana's cell inspector: the eye on the proof cell opens the text as <pre> with "Copy to Clipboard".
    const proofCell = panel(page, "Proof block").locator('[role="gridcell"]').first();
    // The cell is as tall as the proof block; its actions sit at its top, where the pointer goes.
    await proofCell.hover({ position: { x: 40, y: 10 } });
    await proofCell.getByLabel("Inspect value").click();
    const pre = page.locator('[role="dialog"] pre');
    await pre.waitFor();
    // Grafana's inspector trims the value; the proof block ends with a newline, nothing else is lost.
    const proof = detail.proof.text.trim();
    expect(await pre.evaluate((el) => getComputedStyle(el).whiteSpace)).toMatch(/^pre/);
    const selected = await pre.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
      return sel.toString();
    });
    expect(selected).toBe(proof);
    await page.getByRole("button", { name: /Copy to Clipboard/ }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(proof);
    await page.screenshot({ path: `${SHOTS}grafana-dashboard-proof-inspector.png` });
    await page.keyboard.press("Escape");

    const recs = await table(page, "Recommendations");
    const wantRecs = [...new Set([...detail.incident.rca.causes.flatMap((c: any) => c.recommendations), ...detail.incident.recommendations])];
    expect(recs.rows.map((r) => r[0])).toEqual(wantRecs);
    const chain = await table(page, "Causal chain");
    expect(chain.rows.map((r) => r[0])).toEqual(detail.incident.rca.chains);
    const rca = await table(page, "Root cause (Kubernetes)");
    expect(rca.rows.map((_, i) => cell(rca, i, "cause"))).toEqual(detail.incident.rca.causes.map((c: any) => c.cause));
    expect(rca.rows.map((_, i) => cell(rca, i, "follows from"))).toEqual(detail.incident.rca.causes.map((c: any) => c.because ?? ""));
    const steps = await table(page, "Runbook (manual steps)");
    expect(steps.rows.map((_, i) => cell(steps, i, "name"))).toEqual(detail.fixPreview.steps.map((s: any) => s.name));
    const thresholds = await table(page, "Thresholds");
    expect(thresholds.rows).toHaveLength(detail.incident.thresholds.length);
    const evidence = await table(page, "Evidence (sample requests)");
    expect(evidence.rows).toHaveLength(detail.incident.evidence.length);
    const alert = await table(page, "Alert");
    expect(cell(alert, 0, "status")).toBe(detail.alert.status);
    const audit = await table(page, "Lifecycle");
    expect(audit.rows.map((_, i) => [cell(audit, i, "by"), cell(audit, i, "to")])).toEqual(detail.lifecycle.audit.map((a: any) => [a.by, a.to]));
    expect(audit.rows.map((_, i) => cell(audit, i, "note"))).toContain("looking at the api pods");

    // The README's picture: the reliability table and this incident's detail below it.
    await page.setViewportSize({ width: 1440, height: 1080 });
    await page.locator("[data-testid=dashboard-row]", { hasText: "Reliability" }).evaluate((el) => el.scrollIntoView({ block: "start" }));
    for (const title of ["Reliability incidents", "Proof block", "Recommendations", "Causal chain"]) await table(page, title);
    await page.locator("[data-testid=dashboard-row]", { hasText: "Reliability" }).evaluate((el) => el.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: `${SHOTS}grafana-dashboard-readme.png` });
    if (process.env.EDGEPROOF_UPDATE_SCREENSHOTS === "1") copyFileSync(`${SHOTS}grafana-dashboard-readme.png`, README_SHOT);
    expect(statSync(`${SHOTS}grafana-dashboard-readme.png`).size).toBeGreaterThan(20_000);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("gated views: without a snapshot, lifecycle or alerting no panel, column or part of them is left behind; with them, each is there", async () => {
    const caps = await bare.api("/api/capabilities");
    for (const f of ["rca", "lifecycle", "alerting"]) expect(caps.features).not.toContain(f);
    expect((await full.api("/api/capabilities")).features).toEqual(expect.arrayContaining(["rca", "lifecycle", "alerting", "runbooks"]));
    const gated = ["Causal chain", "Root cause (Kubernetes)", "Alert", "Lifecycle"];

    for (const [s, on] of [
      [bare, false],
      [full, true],
    ] as const) {
      const inc = (await s.api(`/api/incidents?${RANGE}&kind=reliability&upstream=shop-api-80`)).items[0];
      const page = await context.newPage();
      await page.goto(`${s.base}${DASH}?${RANGE}&var-incident=${inc.id}`);
      const report = await ready(page);
      const titles = await page.locator("[data-testid=panel]").evaluateAll((els) => els.map((e) => e.getAttribute("data-panel-title")));
      for (const g of gated) expect(titles.includes(g), `${g} with features ${report.features}`).toBe(on);
      for (const title of ["Security incidents", "Reliability incidents"]) {
        const t = await table(page, title);
        expect(t.headers.includes("lifecycle"), title).toBe(on);
        if (!hiddenIn(title).includes("rca")) expect(t.headers.includes("rca"), title).toBe(on);
      }
      // The always-there detail parts still show.
      expect((await table(page, "Proof block")).rows).toHaveLength(1);
      if (!on) await page.screenshot({ path: `${SHOTS}grafana-dashboard-gated.png`, fullPage: true });
      await page.close();
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
