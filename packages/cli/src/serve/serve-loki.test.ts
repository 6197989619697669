import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LokiApiTestServer } from "../../../loki-adapter/src/testing/index.js";
import { eventually, spawnServe } from "./testing/spawn-serve.js";
import { shiftedDemoLines } from "./testing/shifted-lines.js";

const STAMP = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\]/;
const tsNs = (line: string) => String(BigInt(Date.parse(STAMP.exec(line)![0].replace(STAMP, "$2 $1 $3 $4:$5:$6 GMT"))) * 1_000_000n);

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
