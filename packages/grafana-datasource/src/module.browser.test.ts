// @vitest-environment node
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { REPO, spawnServe, type ServeProcess } from "../../cli/src/serve/testing/spawn-serve";
import { buildPageBundle, CHROMIUM, harnessServer, haveChromium, listen, PKG } from "../test/browser/harness-server";

const SHOT = `${REPO}test-results/grafana-datasource-query-editor.png`;

describe.skipIf(!haveChromium)("the built plugin in headless Chromium", () => {
  let srv: ServeProcess;
  let dataDir: string;
  let work: string;
  let http: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(`${PKG}dist/module.js`)) throw new Error("dist/module.js missing: run `npm run build -w packages/grafana-datasource`");
    dataDir = mkdtempSync(join(tmpdir(), "edgeproof-browser-"));
    work = mkdtempSync(join(tmpdir(), "edgeproof-harness-"));
    const [s] = await Promise.all([spawnServe(["fixtures/demo", "--data-dir", dataDir], { env: { EDGEPROOF_TOKEN: "browser-token" } }), buildPageBundle("host-entry.ts", join(work, "host.js"))]);
    srv = s;
    const files: Record<string, [string, string]> = {
      "/harness.html": [`${PKG}test/browser/harness.html`, "text/html"],
      "/harness.js": [`${PKG}test/browser/harness.js`, "text/javascript"],
      "/host.js": [join(work, "host.js"), "text/javascript"],
    };
    http = harnessServer(files, srv.url, "browser-token");
    base = await listen(http);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"], timeout: 30_000 });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => http?.close(r));
    await srv?.stop();
    for (const d of [dataDir, work]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it("loads dist/module.js as Grafana does, renders the QueryEditor, queries the live server and checks the frames", async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 420 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/harness.html?from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z`);
    await page.waitForFunction(() => /^(OK|ERR) /.test(document.getElementById("result")?.textContent ?? ""), null, { timeout: 30_000 });
    const text = (await page.textContent("#result"))!;
    expect(text.startsWith("OK "), text).toBe(true);
    const result = JSON.parse(text.slice(3));

    const server: any = await (await fetch(`${srv.url}/api/incidents?from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z`, { headers: { authorization: "Bearer browser-token" } })).json();
    expect(result.initial).toHaveLength(1);
    expect(result.initial[0]).toMatchObject({ name: "incidents", length: server.items.length });
    expect(result.initial[0].first.id).toBe(server.items[0].id);
    expect(result.initial[0].fields).toEqual(expect.arrayContaining(["time", "id", "kind", "severity", "title", "requests"]));
    expect(result.test.status).toBe("success");
    expect(result.test.message).toMatch(/^edgeproof 0\.1\.0; sources: .*access\.log \(file\) following/);
    expect(result.annotations).toBe(true);

    // Drive the real editor: choose "Summary"; the editor calls onRunQuery and the panel re-queries.
    await page.click("#edgeproof-query-type");
    await page.getByRole("option", { name: /^Summary/ }).click();
    await page.waitForFunction(() => (window as any).__harness?.log.some((x: any) => x.query.queryType === "summary"), null, { timeout: 15_000 });
    const log = await page.evaluate(() => (window as any).__harness.log);
    const summaryRun = log.find((x: any) => x.query.queryType === "summary");
    expect(summaryRun.error).toBeUndefined();
    const summary: any = await (await fetch(`${srv.url}/api/summary`, { headers: { authorization: "Bearer browser-token" } })).json();
    expect(summaryRun.frames[0]).toMatchObject({ name: "summary", length: 1 });
    expect(summaryRun.frames[0].first.total).toBe(summary.total);
    expect(await page.textContent("#frames")).toContain("summary: 1 rows");

    // Fill a filter in the editor for the incidents query and blur: the query runs with it.
    await page.click("#edgeproof-query-type");
    await page.getByRole("option", { name: /^Incidents/ }).click();
    await page.fill("#edgeproof-upstream", "shop-api-80");
    await page.locator("#edgeproof-upstream").blur();
    await page.waitForFunction(() => (window as any).__harness.log.some((x: any) => x.query.upstream === "shop-api-80" && x.frames), null, { timeout: 15_000 });
    const filtered = (await page.evaluate(() => (window as any).__harness.log)).find((x: any) => x.query.upstream === "shop-api-80" && x.frames);
    expect(filtered.frames[0].length).toBe(server.items.filter((i: any) => i.key.upstream === "shop-api-80").length);
    expect(filtered.frames[0].first.upstream).toBe("shop-api-80");

    mkdirSync(`${REPO}test-results`, { recursive: true });
    await page.screenshot({ path: SHOT });
    expect(statSync(SHOT).size).toBeGreaterThan(5_000);
    expect(errors).toEqual([]);
  }, 90_000);
});
