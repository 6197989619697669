import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../../../bench/gen/generate.js";
import { loadProbeLists } from "../../../../bench/gen/lists.js";
import { runFacts, servedFacts } from "./testing/compare-run.js";
import { eventually, sleep, spawnServe } from "./testing/spawn-serve.js";
import { restamp } from "./testing/shifted-lines.js";

/**
 * 300k lines by default, not 1M: serve ingests about 30k lines/s on the shared 2-core machine (1M lines took
 * 35 s there, plus 7 s to generate and 11 s for the batch run), and the stall does not depend on the size:
 * it needs unread bytes on both sides of the pause, which 98 MB read 8 MiB per poll gives.
 * EDGEPROOF_BACKLOG_LINES=1000000 runs the full size.
 */
const LINES = Number(process.env.EDGEPROOF_BACKLOG_LINES ?? 300_000);
const PAUSE_MS = 2_000;

describe("edgeproof serve catching up on a backlog", () => {
  it(`reads ${LINES} old lines appended to a followed file, the reader stalled ${PAUSE_MS / 1000} s in the middle: nothing is late or closed early, the result is \`edgeproof run\`'s`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-backlog-"));
    const backlog = join(dir, "backlog.src");
    const log = join(dir, "access.log");
    try {
      // The bench generator's mixed traffic: scanner bursts, a low-and-slow scanner, an exploit, a 5xx episode.
      const out = openSync(backlog, "w");
      const bytes = generate({ lines: LINES, format: "upstreaminfo", clients: 50_000, seed: 1, mode: "mixed", lists: loadProbeLists() }, (c) => void writeSync(out, c));
      closeSync(out);
      writeFileSync(log, "");
      const srv = await spawnServe([log, "--data-dir", join(dir, "data"), "--rate-limit", "1000"], {
        env: { EDGEPROOF_TEST_PAUSE_READ: `${Math.floor(bytes / 2)}:${PAUSE_MS}` },
      });
      try {
        // Following an empty log, then a shipper delivers a backlog after an outage (two weeks old, as the
        // generator's clock is fixed) while serve reads it.
        const src = openSync(backlog, "r");
        const buf = Buffer.allocUnsafe(16 << 20);
        for (let n; (n = readSync(src, buf, 0, buf.length, null)) > 0; ) appendFileSync(log, buf.subarray(0, n));
        closeSync(src);
        const status = async () => ((await (await fetch(`${srv.url}/readyz`)).json()) as any).sources[0];
        // The stall: nothing read for a while, bytes left. Under the old rule, idle time moved the watermark
        // to the wall clock here and the rest of the backlog was dropped as late.
        let prev = await status();
        const stalled = await eventually(async () => {
          await sleep(500);
          const s = await status();
          const still = s.linesRead > 0 && s.linesRead === prev.linesRead && s.lagBytes > 0 ? s : undefined;
          prev = s;
          return still;
        }, 60_000, "the reader to stall");
        expect(stalled.late).toBe(0);
        expect(stalled.linesRead).toBeLessThan(LINES);
        await eventually(async () => ((await status()).linesRead === LINES ? true : undefined), 120_000, "the backlog read");
        expect(await status()).toMatchObject({ late: 0, state: "following" });

        // The log goes on 30 minutes later (past every window and cooldown): incidents close in both runs alike.
        const last = readFileSync(log, "utf8").slice(-4096).trimEnd().split("\n").pop()!;
        const lastMs = Date.parse((await status()).newestEvent);
        appendFileSync(log, restamp(last, lastMs + 1_800_000) + "\n");
        await eventually(async () => ((await status()).linesRead === LINES + 1 ? true : undefined), 10_000, "the last line read");
        const expected = await runFacts([log]);
        // One incident per attacking client and host, and the reliability episodes.
        expect(expected.length).toBeGreaterThan(4);
        // The last line's commit may be a poll away; a mismatch that stays is reported by the assertion below.
        await eventually(async () => (JSON.stringify(await servedFacts(srv.url)) === JSON.stringify(expected) ? true : undefined), 10_000).catch(() => undefined);
        expect(await servedFacts(srv.url)).toEqual(expected);
        expect((await status()).late).toBe(0);
      } finally {
        await srv.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
