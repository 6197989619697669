import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, REPO, spawnServe, type ServeProcess } from "./testing/spawn-serve.js";

// `edgeproof serve fixtures/demo` as a user starts it (no --host, no --k8s-snapshot: the k8s/ folder is found),
// checked against `edgeproof run` over the same file.
describe("edgeproof serve over the demo fixtures", () => {
  let srv: ServeProcess;
  let dataDir: string;
  let expected: Array<{ id: string; status: string; severity: string; kind: string; key: Record<string, string>; window: { start: string } }>;
  const get = async (path: string) => {
    const r = await fetch(srv.url + path);
    return { status: r.status, body: (await r.json()) as any };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgeproof-serve-"));
    // The reference run goes first: once serve has been idle a while its watermark moves on and the old
    // fixture's open incidents close, so the checks below must run right after it is ready.
    const out = execFileSync(process.execPath, [CLI, "run", "fixtures/demo/access.log", "--k8s-snapshot", "fixtures/demo/k8s", "--format", "json"], { cwd: REPO, maxBuffer: 64 << 20 });
    expected = JSON.parse(out.toString()).incidents;
    srv = await spawnServe(["fixtures/demo", "--data-dir", dataDir]);
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves the same incidents as `edgeproof run`, newest first", async () => {
    const { status, body } = await get("/api/incidents?limit=1000");
    expect(status).toBe(200);
    const got = body.items.map((i: any) => `${i.id} ${i.status} ${i.severity}`).sort();
    expect(got).toEqual(expected.map((i) => `${i.id} ${i.status} ${i.severity}`).sort());
    const starts = body.items.map((i: any) => Date.parse(i.window.start));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    // The last 24h default ends at the newest event, not at the wall clock, so the old fixture still shows up.
    expect(body.to).toBe("2026-11-20T10:20:00.001Z");
  });

  it("pages with a cursor: every incident exactly once, in the same order as one big page", async () => {
    const all = (await get("/api/incidents?limit=1000")).body.items.map((i: any) => i.id);
    const paged: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { body } = await get(`/api/incidents?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(body.items.length).toBeLessThanOrEqual(3);
      paged.push(...body.items.map((i: any) => i.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(paged).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 3));
  });

  it("filters by kind, severity list, client, upstream and time range", async () => {
    const count = (pred: (i: (typeof expected)[number]) => boolean) => expected.filter(pred).length;
    const rel = (await get("/api/incidents?kind=reliability")).body.items;
    expect(rel.length).toBe(count((i) => i.kind === "reliability"));
    expect(rel.every((i: any) => i.kind === "reliability")).toBe(true);
    const sev = (await get("/api/incidents?severity=P0,P1")).body.items;
    expect(sev.length).toBe(count((i) => i.severity === "P0" || i.severity === "P1"));
    const ip = (await get("/api/incidents?clientIp=203.0.113.7")).body.items;
    expect(ip.length).toBe(count((i) => i.key.clientIp === "203.0.113.7"));
    expect(ip.length).toBeGreaterThan(0);
    const up = (await get("/api/incidents?upstream=shop-api-80")).body.items;
    expect(up.map((i: any) => i.key.upstream)).toEqual(["shop-api-80"]);
    const early = (await get("/api/incidents?from=2026-11-20T10:00:00Z&to=2026-11-20T10:04:00Z")).body.items;
    expect(early.length).toBe(count((i) => Date.parse(i.window.start) < Date.parse("2026-11-20T10:04:00Z")));
    expect((await get("/api/incidents?from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z")).body.items).toEqual([]);
  });

  it("returns one incident with proof text, proof JSON, evidence, RCA from the demo k8s/ folder, recommendations", async () => {
    const rel = expected.find((i) => i.kind === "reliability" && i.key.upstream)!;
    const { status, body } = await get(`/api/incidents/${rel.id}`);
    expect(status).toBe(200);
    // serve adds the manual fix preview of the runbook for the root cause inside the engine's proof block.
    const rule = /\n─+\n?$/;
    expect(body.proof.text.startsWith(body.incident.proof.replace(rule, ""))).toBe(true);
    expect(body.proof.text).toMatch(/\n\nmanual fix preview \(runbook raise-memory-limit: .*; edgeproof runs nothing\)\n {2}1\. /);
    expect(body.proof.text).toMatch(rule);
    expect(body.proof.json.fixPreview.runbook).toBe("raise-memory-limit");
    expect(body.proof.text).toContain(rel.id);
    expect(body.proof.json.proof).toBeUndefined();
    expect(body.proof.json.id).toBe(rel.id);
    expect(body.incident.evidence.length).toBeGreaterThan(0);
    expect(body.incident.rca.causes.length).toBeGreaterThan(0);
    expect(body.incident.recommendations.length).toBeGreaterThan(0);
    const missing = await get("/api/incidents/doesnotexist");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no incident with id "doesnotexist"/);
  });

  it("summarises counts by kind and severity with deep-link parameters", async () => {
    const { body } = await get("/api/summary");
    expect(body.total).toBe(expected.length);
    expect(body.open).toBe(expected.filter((i) => i.status === "open").length);
    expect(body.byKind.security + body.byKind.reliability).toBe(expected.length);
    expect(Object.values(body.bySeverity as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(expected.length);
    const p0 = body.byKindSeverity.find((x: any) => x.severity === "P0");
    expect(p0.link).toMatchObject({ kind: p0.kind, severity: "P0", from: body.link.from, to: body.link.to });
    const filtered = (await get(`/api/incidents?${new URLSearchParams(p0.link)}`)).body.items;
    expect(filtered.length).toBe(p0.count);
  });

  it("counts every event once in the time series (per host and per upstream)", async () => {
    const q = "from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z&step=10m";
    const total = (body: any) => body.series.reduce((n: number, s: any) => n + s.points.reduce((m: number, p: any) => m + p.requests, 0), 0);
    const byHost = (await get(`/api/timeseries?${q}`)).body;
    expect(total(byHost)).toBe(12049);
    const byUp = (await get(`/api/timeseries?by=upstream&${q}`)).body;
    expect(byUp.series.map((s: any) => s.name).sort()).toContain("shop-api-80");
    const api = byUp.series.find((s: any) => s.name === "shop-api-80");
    const p = api.points.find((x: any) => x.c5xx > 0);
    expect(p.rate5xx).toBeCloseTo(p.c5xx / 600, 9);
  });

  it("keys the demo by shop.example.com: the snapshot's Ingress maps both upstreams to it (upstreaminfo logs no Host)", async () => {
    const byHost = (await get("/api/timeseries?from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z&step=10m")).body;
    expect(byHost.series.map((s: any) => s.name)).toEqual(["shop.example.com"]);
    const hosts = new Set((await get("/api/incidents?limit=1000")).body.items.filter((i: any) => "host" in i.key).map((i: any) => i.key.host));
    expect([...hosts]).toEqual(["shop.example.com"]);
  });

  it("answers bad parameters with 400 and says which and why", async () => {
    const bad = async (q: string, re: RegExp) => {
      const { status, body } = await get(q);
      expect(status, q).toBe(400);
      expect(body.details.join("\n"), q).toMatch(re);
    };
    await bad("/api/incidents?limit=0", /^limit: /m);
    await bad("/api/incidents?limit=abc", /^limit: /m);
    await bad("/api/incidents?severity=P9", /^severity\.0: /m);
    await bad("/api/incidents?kind=performance", /^kind\.0: /m);
    await bad("/api/incidents?from=yesterday", /^from: "yesterday" is not a time/m);
    await bad("/api/incidents?cursor=garbage", /^cursor: not a cursor/m);
    await bad("/api/incidents?clientIP=1.2.3.4", /unknown parameter\(s\): clientIP/);
    await bad("/api/timeseries?step=10s", /^step: step must be a duration of at least 1m/m);
    await bad("/api/timeseries?by=pod", /^by: /m);
    await bad("/api/summary?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", /^from: from must be before to$/m);
  });

  it("is read-only, documents itself and reports capabilities and metrics", async () => {
    const post = await fetch(`${srv.url}/api/incidents`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("access-control-allow-origin")).toBeNull();
    const doc = (await get("/api/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/incidents", "/api/incidents/{id}", "/api/summary", "/api/timeseries", "/api/stream"]));
    expect(doc.components.schemas.Incident.properties.proof).toBeDefined();
    const caps = (await get("/api/capabilities")).body;
    expect(caps.features).toEqual(expect.arrayContaining(["incidents", "summary", "timeseries", "stream", "rca"]));
    expect(caps.features).not.toContain("loki");
    expect(caps.sources[0]).toMatchObject({ kind: "file", state: "following", linesRead: 12049 });
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metrics).toMatch(/^edgeproof_lines_read_total 12049$/m);
    expect(metrics).toMatch(/^edgeproof_events_total 12049$/m);
    expect(metrics).toMatch(/^edgeproof_incidents\{kind="reliability",severity="P0",status="open"\} 1$/m);
  });
});

describe("edgeproof serve access control", () => {
  it("requires the bearer token on the API when one is set, but not on health checks", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "edgeproof-serve-"));
    const srv = await spawnServe(["fixtures/demo", "--data-dir", dataDir], { env: { EDGEPROOF_TOKEN: "s3cret-token" } });
    try {
      expect((await fetch(`${srv.url}/api/incidents`)).status).toBe(401);
      expect((await fetch(`${srv.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${srv.url}/api/incidents`, { headers: { authorization: "Bearer wrong-token!" } })).status).toBe(401);
      expect((await fetch(`${srv.url}/api/incidents`, { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(200);
      expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
      expect(srv.stderr()).not.toContain("s3cret-token");
    } finally {
      await srv.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses to bind beyond loopback without a token", () => {
    const r = spawnSync(process.execPath, [CLI, "serve", "fixtures/demo", "--bind", "0.0.0.0", "--port", "0"], { cwd: REPO, encoding: "utf8", env: { ...process.env, EDGEPROOF_TOKEN: "" }, timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/binding to 0\.0\.0\.0 .*--token-file/);
  });

  it("limits the request rate per client", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "edgeproof-serve-"));
    const srv = await spawnServe(["--data-dir", dataDir, "--rate-limit", "2"]);
    try {
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await fetch(`${srv.url}/api/capabilities`)).status);
      expect(codes.slice(0, 3).every((c) => c === 200)).toBe(true);
      expect(codes).toContain(429);
    } finally {
      await srv.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
