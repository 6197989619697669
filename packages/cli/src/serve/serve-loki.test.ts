import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultProxy, LokiApiTestServer } from "../../../loki-adapter/src/testing/index.js";
import { quickCooldownPack, runFacts, servedFacts } from "./testing/compare-run.js";
import { eventually, sleep, spawnServe } from "./testing/spawn-serve.js";
import { restamp, shiftedDemoLines, stampMs } from "./testing/shifted-lines.js";

const tsNs = (line: string) => String(BigInt(stampMs(line)) * 1_000_000n);

// A loopback Loki test server (the loki-adapter's, answering like Loki 2.4.2) as the only source.
describe("edgeproof serve polling Loki", () => {
  let loki: LokiApiTestServer;
  let dir: string;
  const push = (lines: string[]) => loki.push([{ stream: { job: "nginx", host: "shop.example.com" }, values: lines.map((l) => [tsNs(l), l] as [string, string]) }]);

  beforeAll(async () => {
    loki = new LokiApiTestServer();
    await loki.listen();
    dir = mkdtempSync(join(tmpdir(), "edgeproof-loki-"));
  });
  afterAll(async () => {
    await loki?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds incidents in what Loki holds, resumes from its cursor after kill -9 and counts every entry once", async () => {
    const probe = shiftedDemoLines((l) => l.startsWith("203.0.113.7 "), Date.now() - 600_000);
    const normal = shiftedDemoLines((l) => l.startsWith("100.64.0.107 "), Date.now() - 660_000).slice(0, 20);
    expect(push([...normal, ...probe].sort((a, b) => (tsNs(a) < tsNs(b) ? -1 : 1))).status).toBe(204);
    const args = ["--loki", loki.url, "--query", '{job="nginx"}', "--loki-interval", "1s", "--data-dir", join(dir, "data")];
    const range = `from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`;
    const total = async (url: string) => {
      const ts: any = await (await fetch(`${url}/api/timeseries?${range}&step=1h`)).json();
      return ts.series.reduce((n: number, s: any) => n + s.points.reduce((m: number, p: any) => m + p.requests, 0), 0) as number;
    };

    let srv = await spawnServe(args);
    const caps: any = await (await fetch(`${srv.url}/api/capabilities`)).json();
    expect(caps.features).toContain("loki");
    expect(caps.sources[0]).toMatchObject({ kind: "loki", state: "following" });
    const before = await eventually(async () => {
      const items = ((await (await fetch(`${srv.url}/api/incidents?${range}`)).json()) as any).items;
      return items.some((i: any) => i.key.clientIp === "203.0.113.7") ? items : undefined;
    }, 15_000, "incidents from Loki");
    expect(before[0].key.host).toBe("shop.example.com");
    expect(await total(srv.url)).toBe(normal.length + probe.length);

    await srv.kill9();
    const firstRun = loki.requests.filter((r) => r.path.endsWith("/query_range"));
    // Newer than anything pulled: the server leaves the last 5 s to Loki's ingestion, then reads them.
    const later = shiftedDemoLines((l) => l.startsWith("100.64.0.107 "), Date.now() + 1_000).slice(0, 4);
    expect(push(later).status).toBe(204);
    srv = await spawnServe(args);
    try {
      await eventually(async () => ((await total(srv.url)) === normal.length + probe.length + later.length ? true : undefined), 25_000, "the new entries counted");
      const after = ((await (await fetch(`${srv.url}/api/incidents?${range}`)).json()) as any).items;
      expect(after.map((i: any) => i.id).sort()).toEqual(before.map((i: any) => i.id).sort());
      // The restart resumed 15 minutes before its saved cursor (to rebuild the windows), not from the beginning.
      const restart = loki.requests.filter((r) => r.path.endsWith("/query_range"))[firstRun.length];
      const firstStart = BigInt(firstRun[0].params.start);
      const cursorAtMost = firstRun.map((r) => BigInt(r.params.end)).reduce((a, b) => (a > b ? a : b));
      expect(BigInt(restart.params.start)).toBeGreaterThan(firstStart);
      expect(BigInt(restart.params.start)).toBeLessThanOrEqual(cursorAtMost - 900_000_000_000n);
    } finally {
      await srv.stop();
    }
  });
});

// Loki behind a proxy that holds every answer 1.1 s, with pages of 20 entries: each pull takes seconds.
describe("edgeproof serve polling a slow Loki", () => {
  it("pages that take over a second and entries shipped in bursts: nothing is late, a quiet period closes the incidents, the result is `edgeproof run`'s", async () => {
    const loki = new LokiApiTestServer({ maxEntriesPerQuery: 20 });
    await loki.listen();
    const proxy = new FaultProxy(() => loki.url, () => ({ kind: "delay", ms: 1_100 }));
    const proxyUrl = await proxy.listen();
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-loki-slow-"));
    const pack = quickCooldownPack(dir);
    const query = '{job="nginx"}';
    // Entries a microsecond apart within their second, as a shipper stamps them: Loki cannot page through more
    // entries on one nanosecond than fit in one page.
    const push = (lines: string[]) =>
      expect(loki.push([{ stream: { job: "nginx", host: "shop.example.com" }, values: lines.map((l, i) => [String(BigInt(tsNs(l)) + BigInt(i) * 1000n), l] as [string, string]) }]).status).toBe(204);
    const user = shiftedDemoLines((l) => l.startsWith("100.64.0.107 "), 0);
    const probes = shiftedDemoLines((l) => l.startsWith("203.0.113.7 "), 0);
    const started = Date.now();
    const srv = await spawnServe(["--loki", proxyUrl, "--query", query, "--loki-interval", "1s", "--data-dir", join(dir, "data"), "--rules", pack, "--rate-limit", "1000"]);
    const status = async () => ((await (await fetch(`${srv.url}/api/capabilities`)).json()) as any).sources[0];
    const items = async () => ((await (await fetch(`${srv.url}/api/incidents?limit=1000&from=0&to=${Date.now() + 86_400_000}`)).json()) as any).items as any[];
    try {
      // A shipper pushing every 2.5 s what was logged since, one request per 0.5 s; the probes in the second burst.
      let pushed = 0;
      let u = 0;
      for (let burst = 1; burst <= 4; burst++) {
        const lines: string[] = [];
        for (let i = 0; i < 5; i++) {
          const t = Date.now();
          lines.push(restamp(user[u++], t));
          if (burst === 2) lines.push(...probes.slice(i * 12, i * 12 + 12).map((l) => restamp(l, t)));
          await sleep(500);
        }
        push(lines);
        pushed += lines.length;
      }
      await eventually(async () => {
        const l = await items();
        return l.length > 0 && l.every((i) => i.status === "closed") && (await status()).linesRead === pushed ? true : undefined;
      }, 45_000, "every entry read and the incidents closed by the quiet period");
      push([restamp(user[u++], Date.now()), restamp(user[u++], Date.now() + 1_000)]);
      pushed += 2;
      await eventually(async () => ((await status()).linesRead === pushed ? true : undefined), 30_000, "the last entries read");
      expect(await status()).toMatchObject({ kind: "loki", late: 0 });
      expect(proxy.log.length).toBeGreaterThan(8);
      const range = ["--since", new Date(started - 60_000).toISOString(), "--until", new Date(Date.now() + 60_000).toISOString()];
      expect(await servedFacts(srv.url)).toEqual(await runFacts(["--loki", loki.url, "--query", query, ...range, "--rules", pack]));
    } finally {
      await srv.stop();
      await proxy.close();
      await loki.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
