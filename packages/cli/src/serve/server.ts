import { existsSync, statSync } from "node:fs";
import { serve as nodeServe, type ServerType } from "@hono/node-server";
import type { IncomingMessage } from "node:http";
import { pipelineOptions, proxyHint } from "../commands/run.js";
import { defaultRulesDir } from "../rule-packs.js";
import { resolveInputs } from "../input/read-sources.js";
import { lokiClient } from "../sources/loki.js";
import { UsageError } from "../time-arg.js";
import { Aggregator } from "./aggregator.js";
import { createApp, type ServerState } from "./api.js";
import { claimDataDir } from "./data-dir.js";
import { EventClock } from "./event-clock.js";
import { EventHub } from "./event-hub.js";
import { FileCursor, FileTail, type ReadPause } from "./file-tail.js";
import { K8sRca } from "./k8s-rca.js";
import { serveLayers } from "./layers.js";
import { LokiSource } from "./loki-source.js";
import type { ServeSettings } from "./options.js";
import type { LineSink, Source } from "./sources.js";
import { StdinSource } from "./stdin-source.js";
import { Store } from "./store.js";
import { version } from "../../package.json";

export const SERVER_VERSION: string = version;

const POLL_MS = 250;
/** How often open incidents are re-rendered (SSE `updated`). */
const REFRESH_OPEN_MS = 2_000;
const EXPIRE_EVERY_MS = 600_000;
const RESCAN_DIRS_MS = 10_000;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Log = (msg: string) => void;

/** Starts ingestion and the HTTP API; resolves once the port is bound. */
export async function startServe(s: ServeSettings, log: Log): Promise<RunningServer> {
  const base = pipelineOptions({
    rules: s.rules,
    logFormat: s.logFormat,
    nginxLogFormat: s.nginxLogFormat,
    clientIp: s.clientIp,
    trustedProxies: s.trustedProxies,
    host: s.host,
    lateness: s.lateness,
    redactParam: s.redactParam,
  });
  const latenessMs = base.allowedLatenessMs ?? 5_000;
  const features = ["incidents", "incident-detail", "summary", "timeseries", "annotations", "stream"];
  if (s.loki) features.push("loki");
  // RCA is a feature once a snapshot is read, not merely because one was named.
  const rca = await K8sRca.start(s, log, () => features.push("rca"));
  const claim = claimDataDir(s.dataDir);
  const store = openStore(s.dataDir, claim);
  const hub = new EventHub();
  const layers = serveLayers(s.alerting, store, base.packs, s.rules?.length ? s.rules : [defaultRulesDir()], log);
  const agg = new Aggregator({ ...base, ...rca?.hooks }, store, (e) => hub.publish(e), layers.onChange);
  const pipeline = agg.pipeline;

  const sources: Source[] = [];
  const pause = readPauseHook(process.env.EDGEPROOF_TEST_PAUSE_READ);
  const addFile = (path: string) => {
    if (sources.some((x) => x.id === `file:${path}`)) return;
    const saved = FileCursor.safeParse(store.getCursor(`file:${path}`));
    sources.push(new FileTail(path, saved.success ? saved.data : undefined, pause));
  };
  const dirs: string[] = [];
  for (const input of s.inputs) {
    if (input === "-") sources.push(new StdinSource(process.stdin));
    else if (!existsSync(input)) {
      // Not there yet (a log that nginx creates on its first request): followed as `missing` until it appears.
      log(`${input}: no such file; following it until it appears`);
      addFile(input);
    } else {
      for (const f of resolveInputs([input])) addFile(f.name);
      if (isDir(input)) dirs.push(input);
    }
  }
  if (s.loki) {
    const l = s.loki;
    const client = lokiClient(l);
    const id = `loki:${l.query.join(" | ")}`;
    // Re-read 15 minutes before the saved cursor: longer than the default packs' windows plus cooldowns.
    sources.push(new LokiSource(client, { queries: l.query, hostLabel: l.hostLabel, intervalMs: l.intervalMs, delayMs: 5_000, initialLookbackMs: l.sinceMs, replayMs: 900_000 }, store.getCursor(id)));
  }

  features.push(...layers.features);
  const feeds = new Map<Source, { clock: EventClock; sink: LineSink }>();
  const feed = (src: Source) => {
    let f = feeds.get(src);
    if (!f) {
      const clock = new EventClock(src.id, latenessMs, log);
      feeds.set(src, (f = { clock, sink: agg.sinkFor(clock) }));
    }
    return f;
  };
  const state: ServerState = {
    sources: () => [...sources.map((x) => ({ ...x.status(), ...feed(x).clock.status(Date.now()) })), ...(rca ? [rca.status()] : [])],
    ready: () => sources.every((x) => x.ready),
    stats: () => pipeline.stats,
    features,
    retentionMs: s.retentionMs,
  };
  const app = createApp({
    store,
    hub,
    state,
    version: SERVER_VERSION,
    token: s.token,
    rateLimit: s.rateLimit,
    now: () => Date.now(),
    clientId: (c) => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress ?? "unknown",
    extensions: layers.extensions,
  });

  /**
   * Event time only. While every source is caught up, idle time moves the watermark as far as every source's
   * horizon allows (newest event + wall time since it arrived, bounded by its delivery delay or cursor; see
   * EventClock), minus the lateness: incidents close after their cooldown in a quiet period, and a producer
   * whose clock is off by a constant loses nothing. True when that closed incidents.
   */
  const idleAdvance = (now: number): boolean => {
    if (!state.ready() || sources.some((x) => x.busy)) return false;
    let horizon = Infinity;
    for (const src of sources) horizon = Math.min(horizon, feed(src).clock.horizon(now, src.settledBeforeMs?.()));
    const mark = horizon - latenessMs;
    return Number.isFinite(mark) && mark > agg.watermark && agg.advance(mark);
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastRefresh = 0;
  let lastExpire = 0;
  let lastRescan = Date.now();
  const tick = async () => {
    const now = Date.now();
    let moved = false;
    for (const src of sources) {
      const f = feed(src);
      moved = (await src.poll(f.sink, now)) || moved;
      f.clock.endPoll(Date.now(), src.busy);
    }
    const closed = idleAdvance(Date.now());
    const refresh = now - lastRefresh >= REFRESH_OPEN_MS;
    if (moved || closed || refresh) agg.commit(sources.map((x) => [x.id, x.cursor()]), refresh);
    if (refresh) lastRefresh = now;
    if (now - lastExpire >= EXPIRE_EVERY_MS) {
      lastExpire = now;
      const removed = store.commit(() => store.expire((store.newestEventMs ?? now) - s.retentionMs));
      if (removed) log(`retention: removed ${removed} incident(s) older than ${s.retentionMs / 86_400_000} days`);
    }
    if (now - lastRescan >= RESCAN_DIRS_MS) {
      lastRescan = now;
      for (const d of dirs) for (const f of resolveInputs([d])) addFile(f.name);
    }
  };
  let hinted = false;
  const loop = () => {
    if (stopped) return;
    const before = pipeline.stats.lines;
    tick().then(
      () => {
        // Said once: while the balancer is every user's address, no per-client incident means much.
        const hint = hinted ? undefined : proxyHint(pipeline.stats);
        if (hint) {
          hinted = true;
          log(hint);
        }
        if (!stopped) timer = setTimeout(loop, pipeline.stats.lines > before ? 0 : POLL_MS);
      },
      (err) => {
        log(`ingest loop: ${(err as Error).message}`);
        if (!stopped) timer = setTimeout(loop, POLL_MS);
      },
    );
  };

  const server = await listen(app.fetch, s.port, s.bind);
  const port = (server.address() as { port: number }).port;
  const host = s.bind.includes(":") ? `[${s.bind}]` : s.bind;
  log(`data in ${s.dataDir}; sources: ${sources.map((x) => x.id).join(", ") || "none"}${rca ? `; RCA from ${rca.name}` : ""}${s.token ? "; bearer token required" : ""}`);
  loop();
  layers.start(`http://${host}:${port}`);

  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      stopped = true;
      clearTimeout(timer);
      rca?.stop();
      await layers.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agg.commit(sources.map((x) => [x.id, x.cursor()]), true);
      for (const src of sources) await src.close();
      await store.close();
      claim.release();
    },
  };
}

function listen(fetch: (req: Request, env?: unknown) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = nodeServe({ fetch, port, hostname }, () => resolve(server));
    server.once("error", reject);
  });
}

/** The store in a claimed data dir; what LMDB refuses (a full disk, a foreign file) is one clear message. */
function openStore(dir: string, claim: { release(): void }): Store {
  try {
    return new Store(dir);
  } catch (err) {
    claim.release();
    throw new UsageError(`--data-dir ${dir}: cannot open the store there: ${(err as Error).message}`);
  }
}

/** EDGEPROOF_TEST_PAUSE_READ=BYTES:MS: tests stall the file reader mid-backlog (see ReadPause). */
function readPauseHook(v: string | undefined): ReadPause | undefined {
  const m = v ? /^(\d+):(\d+)$/.exec(v) : null;
  return m ? { afterBytes: Number(m[1]), ms: Number(m[2]) } : undefined;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
