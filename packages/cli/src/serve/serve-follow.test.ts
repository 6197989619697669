import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStream } from "./testing/event-stream.js";
import { CLI, REPO, eventually, spawnServe, type ServeProcess } from "./testing/spawn-serve.js";
import { shiftedDemoLines } from "./testing/shifted-lines.js";

// A followed file in a temp dir, written to while the server runs, as nginx would.
describe("edgeproof serve following a growing, rotating log", () => {
  let dir: string;
  let log: string;
  let srv: ServeProcess;
  const args = () => [log, "--data-dir", join(dir, "data"), "--lateness", "1s", "--host", "shop.example.com"];
  const list = async () => ((await (await fetch(`${srv.url}/api/incidents?limit=1000&from=0&to=${Date.now() + 3_600_000}`)).json()) as any).items as any[];
  const requests = async () => {
    const body: any = await (await fetch(`${srv.url}/api/timeseries?from=${Date.now() - 3_600_000}&to=${Date.now() + 3_600_000}&step=1h`)).json();
    return body.series.reduce((n: number, s: any) => n + s.points.reduce((m: number, p: any) => m + p.requests, 0), 0) as number;
  };
  const probe = shiftedDemoLines((l) => l.startsWith("203.0.113.7 "), Date.now() - 30_000);
  const normal = (n: number, startMs: number) => shiftedDemoLines((l) => l.startsWith("100.64.0.107 "), startMs).slice(0, n);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgeproof-follow-"));
    log = join(dir, "access.log");
    writeFileSync(log, normal(5, Date.now() - 60_000).join("\n") + "\n");
    srv = await spawnServe(args());
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("pushes `opened` then `closed` over SSE for an attack appended while connected", async () => {
    const stream = await openStream(srv.url);
    try {
      await eventually(async () => (stream.events.some((e) => e.event === "ready") ? true : undefined), 5_000, "stream ready");
      expect(await list()).toEqual([]);
      // Half a line first: the tail must wait for its newline instead of parsing a fragment.
      const text = probe.join("\n") + "\n";
      appendFileSync(log, text.slice(0, 40));
      appendFileSync(log, text.slice(40));
      const opened = await eventually(async () => stream.events.find((e) => e.event === "opened"), 15_000, "an opened event");
      expect(opened.data.key.clientIp).toBe("203.0.113.7");
      expect(opened.data.id).toMatch(/^[0-9a-f]{12}$/);
      const stored = await list();
      expect(stored.map((i) => i.id)).toContain(opened.data.id);
      // Traffic 21 minutes later moves event time past the scanner's incident: its low-and-slow finding holds
      // while its 10-minute window still counts the probes, and the incident ends the longest cooldown among its
      // findings (10 min) after that, at once, without waiting it out in idle time (the second line raises the
      // watermark past the first).
      appendFileSync(log, [...normal(1, Date.now() + 1_260_000), ...normal(1, Date.now() + 1_265_000)].join("\n") + "\n");
      const closed = await eventually(async () => stream.events.find((e) => e.event === "closed" && e.data.key.clientIp === "203.0.113.7"), 15_000, "a closed event");
      expect(closed.data.status).toBe("closed");
      const types = stream.events.filter((e) => e.data.id === closed.data.id).map((e) => e.event);
      expect(types[0]).toBe("opened");
      expect(types[types.length - 1]).toBe("closed");
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^edgeproof_lines_read_total ${5 + probe.length + 2}$`, "m"));
    } finally {
      await stream.close();
    }
  });

  it("loses nothing and duplicates nothing across kill -9, and resumes at the saved cursor", async () => {
    const before = await eventually(async () => {
      const l = await list();
      return l.length >= 1 ? l : undefined;
    }, 15_000, "incidents stored");
    const countBefore = await requests();
    expect(countBefore).toBe(5 + probe.length + 2);
    await srv.kill9();
    srv = await spawnServe(args());
    const after = await list();
    expect(after.map((i) => i.id).sort()).toEqual(before.map((i) => i.id).sort());
    expect(new Set(after.map((i) => i.id)).size).toBe(after.length);
    expect(await requests()).toBe(countBefore);
    // Lines written while it was down and after the restart are read once.
    appendFileSync(log, normal(3, Date.now() - 5_000).join("\n") + "\n");
    await eventually(async () => ((await requests()) === countBefore + 3 ? true : undefined), 10_000, "3 new lines counted");
    expect(await requests()).toBe(countBefore + 3);
  });

  it("follows rotation by rename and truncation", async () => {
    const start = await requests();
    appendFileSync(log, normal(2, Date.now() - 4_000).join("\n") + "\n");
    renameSync(log, `${log}.1`);
    writeFileSync(log, normal(4, Date.now() - 3_000).join("\n") + "\n");
    await eventually(async () => ((await requests()) === start + 6 ? true : undefined), 10_000, "old tail + new file counted");
    writeFileSync(log, normal(1, Date.now() - 2_000).join("\n") + "\n");
    await eventually(async () => ((await requests()) === start + 7 ? true : undefined), 10_000, "truncated file re-read from the start");
    const status: any = await (await fetch(`${srv.url}/readyz`)).json();
    expect(status.sources[0]).toMatchObject({ kind: "file", state: "following" });
  });
});

describe("edgeproof serve killed while ingesting", () => {
  it("after kill -9 between and during commits, holds exactly what `edgeproof run` finds and counts each line once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-kill-"));
    const log = join(dir, "access.log");
    const all = readFileSync(`${REPO}fixtures/demo/access.log`, "utf8");
    const half = all.indexOf("\n", all.length / 2) + 1;
    writeFileSync(log, all.slice(0, half));
    const halfLines = all.slice(0, half).split("\n").length - 1;
    const args = [log, "--data-dir", join(dir, "data"), "--k8s-snapshot", "fixtures/demo/k8s"];
    const counted = async (url: string) => {
      const ts: any = await (await fetch(`${url}/api/timeseries?from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z&step=1h`)).json();
      return ts.series.reduce((n: number, s: any) => n + s.points.reduce((m: number, p: any) => m + p.requests, 0), 0) as number;
    };
    try {
      const first = await spawnServe(args);
      await eventually(async () => ((await counted(first.url)) === halfLines ? true : undefined), 10_000, "first half committed");
      appendFileSync(log, all.slice(half));
      await first.kill9();
      const srv = await spawnServe(args);
      try {
        const items = ((await (await fetch(`${srv.url}/api/incidents?limit=1000`)).json()) as any).items;
        const expected = JSON.parse(execFileSync(process.execPath, [CLI, "run", log, "--k8s-snapshot", "fixtures/demo/k8s", "--format", "json"], { cwd: REPO, maxBuffer: 64 << 20 }).toString()).incidents;
        expect(items.map((i: any) => `${i.id} ${i.status}`).sort()).toEqual(expected.map((i: any) => `${i.id} ${i.status}`).sort());
        expect(await counted(srv.url)).toBe(12049);
      } finally {
        await srv.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("edgeproof serve with a compressed log", () => {
  it("reads a .gz file once and, after a restart, neither re-counts nor loses it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-gz-"));
    const lines = shiftedDemoLines((l) => l.startsWith("100.64.0.107 "), Date.parse("2026-11-20T10:00:00Z"));
    writeFileSync(join(dir, "old.log.gz"), gzipSync(lines.join("\n") + "\n"));
    const args = [dir, "--data-dir", join(dir, "data")];
    const counted = async (url: string) => {
      const ts: any = await (await fetch(`${url}/api/timeseries?from=2026-11-20T09:00:00Z&to=2026-11-20T11:00:00Z&step=1h`)).json();
      return ts.series.reduce((n: number, s: any) => n + s.points.reduce((m: number, p: any) => m + p.requests, 0), 0) as number;
    };
    try {
      let srv = await spawnServe(args);
      await eventually(async () => ((await counted(srv.url)) === lines.length ? true : undefined), 10_000, "gz lines counted");
      await srv.stop();
      srv = await spawnServe(args);
      try {
        expect(await counted(srv.url)).toBe(lines.length);
        const status: any = await (await fetch(`${srv.url}/readyz`)).json();
        expect(status.sources[0]).toMatchObject({ state: "done", linesRead: lines.length });
      } finally {
        await srv.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
