import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { metricValue, quickCooldownPack, runFacts, servedFacts } from "./testing/compare-run.js";
import { openStream } from "./testing/event-stream.js";
import { eventually, sleep, spawnServe } from "./testing/spawn-serve.js";
import { restamp, shiftedDemoLines } from "./testing/shifted-lines.js";

// A scanner's 60 probes and a shop user's requests from the demo log; each test stamps them as its producer writes.
const PROBES = shiftedDemoLines((l) => l.startsWith("203.0.113.7 "), 0);
const USER = shiftedDemoLines((l) => l.startsWith("100.64.0.107 "), 0);

type Incidents = Array<{ id: string; status: string }>;
const incidents = async (url: string): Promise<Incidents> => ((await (await fetch(`${url}/api/incidents?limit=1000&from=0&to=${Date.now() + 86_400_000}`)).json()) as any).items;
const sourceStatus = async (url: string) => ((await (await fetch(`${url}/api/capabilities`)).json()) as any).sources[0];

function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const log = join(dir, "access.log");
  writeFileSync(log, "");
  const pack = quickCooldownPack(dir);
  return { dir, log, pack, args: [log, "--data-dir", join(dir, "data"), "--rules", pack, "--rate-limit", "1000"] };
}

/** Waits until every stored incident (at least one) is closed: with no lines coming, only idle time can do it. */
const allClosedByIdleTime = (url: string) =>
  eventually(async () => {
    const items = await incidents(url);
    return items.length > 0 && items.every((i) => i.status === "closed") ? items : undefined;
  }, 30_000, "incidents closed by a quiet period");

/**
 * Writes the probes `perAppend` at a time, each append with one of the user's requests, stamped by the
 * producer's clock when written, `gapMs` apart. Returns the number of lines written.
 */
async function writeLive(log: string, producer: () => number, perAppend: number, gapMs: number): Promise<number> {
  let written = 0;
  for (let i = 0; i * perAppend < PROBES.length; i++) {
    const t = producer();
    const lines = [restamp(USER[i], t), ...PROBES.slice(i * perAppend, (i + 1) * perAppend).map((l) => restamp(l, t))];
    appendFileSync(log, lines.join("\n") + "\n");
    written += lines.length;
    await sleep(gapMs);
  }
  return written;
}

const linesRead = (url: string, n: number) => eventually(async () => ((await metricValue(url, "edgeproof_lines_read_total")) === n ? true : undefined), 15_000, `${n} lines read`);

// Real `edgeproof serve` processes following files that the test writes as a producer would. Each case runs
// in its own process and directory, concurrently, since they mostly wait on the wall clock.
describe.concurrent("edgeproof serve keeps event time when the producer's clock is off or its shipper batches", () => {
  it.each([
    ["30 s behind", -30_000],
    ["10 min behind", -600_000],
    ["30 s ahead", 30_000],
  ])("producer clock %s: nothing is late, a quiet period closes the incidents, the result is `edgeproof run`'s, the lag is reported", async (_, offsetMs) => {
    const s = scratch("edgeproof-skew-");
    const srv = await spawnServe(s.args);
    const producer = () => Date.now() + offsetMs;
    try {
      const first = Date.now();
      // About 3 s of traffic written as it happens: the user's requests, the probes among them.
      let written = await writeLive(s.log, producer, 8, 400);
      await allClosedByIdleTime(srv.url);
      // Deliveries lagging beyond the lateness for 10 s are warned about; keep writing that long.
      await sleep(Math.max(0, first + 10_500 - Date.now()));
      appendFileSync(s.log, [restamp(USER[20], producer()), restamp(USER[21], producer())].join("\n") + "\n");
      written += 2;
      await linesRead(srv.url, written);

      const status = await sourceStatus(srv.url);
      expect(status.late).toBe(0);
      expect(await metricValue(srv.url, "edgeproof_late_events_total")).toBe(0);
      expect(await metricValue(srv.url, "edgeproof_source_late_events_total", { source: s.log })).toBe(0);
      // Server clock − newest event time: the skew, plus under 2 s of stamping to the second and polling.
      const lag = (await metricValue(srv.url, "edgeproof_source_event_lag_seconds", { source: s.log }))!;
      expect(lag).toBeGreaterThan(-offsetMs / 1000 - 0.5);
      expect(lag).toBeLessThan(-offsetMs / 1000 + 2.5);
      expect(status.eventLagSeconds).toBeCloseTo(lag, -1);
      const warning = await eventually(async () => srv.stderr().match(/warning: .*/g) ?? undefined, 5_000, "the lag warning");
      expect(warning).toHaveLength(1);
      expect(warning[0]).toContain(offsetMs < 0 ? " behind the server clock" : " ahead of the server clock");
      expect(warning[0]).toMatch(/--lateness/);

      const served = await servedFacts(srv.url);
      expect(served.length).toBeGreaterThan(0);
      expect(served).toEqual(await runFacts([s.log, "--rules", s.pack]));
    } finally {
      await srv.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a shipper delivering every 10 s: the events of each batch are up to 10 s old on arrival, and none is late", async () => {
    const s = scratch("edgeproof-batches-");
    const srv = await spawnServe(s.args);
    try {
      let pending: string[] = [];
      let written = 0;
      let user = 0;
      let probes = 0;
      const start = Date.now();
      // Three batches: requests are stamped when made, every 0.5 s, and shipped every 10 s. The probes fall in
      // the first seconds of the second batch, the part a watermark moved by idle time alone would drop.
      for (let batch = 1; batch <= 3; batch++) {
        while (Date.now() < start + batch * 10_000) {
          const t = Date.now();
          pending.push(restamp(USER[user++ % USER.length], t));
          if (batch === 2 && probes < PROBES.length) pending.push(...PROBES.slice(probes, (probes += 15)).map((l) => restamp(l, t)));
          await sleep(500);
        }
        appendFileSync(s.log, pending.join("\n") + "\n");
        written += pending.length;
        pending = [];
      }
      await linesRead(srv.url, written);
      const status = await sourceStatus(srv.url);
      expect(status.late).toBe(0);
      expect(status.deliveryDelaySeconds).toBeGreaterThan(9);
      // Each batch's newest line is fresh: the clock is right, so there is nothing to warn about.
      expect(srv.stderr()).not.toMatch(/warning:/);
      await allClosedByIdleTime(srv.url);
      expect(await servedFacts(srv.url)).toEqual(await runFacts([s.log, "--rules", s.pack]));
    } finally {
      await srv.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }, 75_000);

  it("kill -9 after a quiet period closed the incidents, then new lines: the restart holds what `edgeproof run` holds and announces nothing again", async () => {
    const s = scratch("edgeproof-idle-kill-");
    const producer = () => Date.now() - 30_000;
    let srv = await spawnServe(s.args);
    try {
      let written = await writeLive(s.log, producer, 15, 300);
      const closed = await allClosedByIdleTime(srv.url);
      await srv.kill9();
      appendFileSync(s.log, [0, 1, 2].map((i) => restamp(USER[30 + i], producer())).join("\n") + "\n");
      written += 3;
      srv = await spawnServe(s.args);
      const stream = await openStream(srv.url);
      await linesRead(srv.url, written);
      await allClosedByIdleTime(srv.url);
      await sleep(1_000);
      await stream.close();
      // The replay rebuilt and closed the same incidents: nothing changed, so nothing is published.
      expect(stream.events.map((e) => e.event)).toEqual(["ready"]);
      expect((await incidents(srv.url)).map((i) => i.id).sort()).toEqual(closed.map((i) => i.id).sort());
      expect((await sourceStatus(srv.url)).late).toBe(0);
      expect(await servedFacts(srv.url)).toEqual(await runFacts([s.log, "--rules", s.pack]));
    } finally {
      await srv.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }, 60_000);
});
