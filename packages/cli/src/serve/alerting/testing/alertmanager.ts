/**
 * The real Alertmanager (Debian's prometheus-alertmanager) for tests: one process per test on loopback, no
 * gossip, its own storage; and a loopback webhook receiver behind it that records what a chat or paging
 * receiver would get.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "../../testing/spawn-serve.js";

export const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";
export const AMTOOL = "/usr/bin/amtool";
export const haveAlertmanager = existsSync(ALERTMANAGER) && existsSync(AMTOOL);
if (!haveAlertmanager && process.env.EDGEPROOF_REQUIRE_INTEGRATION === "1") {
  throw new Error(`${ALERTMANAGER} is missing and EDGEPROOF_REQUIRE_INTEGRATION=1: node scripts/setup-system-deps.mjs installs it`);
}

export interface Notification {
  receiver: string;
  status: "firing" | "resolved";
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string }>;
  groupLabels: Record<string, string>;
  /** Wall-clock ms the receiver got it. */
  at: number;
  path: string;
}

/** A loopback HTTP server that records every JSON body POSTed to it, by path. */
export async function startReceiver(): Promise<{ url: string; got: Notification[]; close(): Promise<void> }> {
  const got: Notification[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        got.push({ ...JSON.parse(body), at: Date.now(), path: req.url ?? "/" });
      } catch {
        /* not JSON: not a notification */
      }
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, got, close: () => new Promise((r) => server.close(() => r())) };
}

export async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface AlertmanagerProcess {
  url: string;
  port: number;
  start(): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  stderr(): string;
}

/** An Alertmanager with this config on a fixed loopback port (so it can be killed and started again there). */
export async function alertmanager(configYaml: string, port?: number): Promise<AlertmanagerProcess> {
  const dir = mkdtempSync(join(tmpdir(), "edgeproof-am-"));
  const config = join(dir, "am.yml");
  writeFileSync(config, configYaml);
  const p = port ?? (await freePort());
  const url = `http://127.0.0.1:${p}`;
  let child: ChildProcess | undefined;
  let err = "";
  const exit = () => new Promise<void>((r) => (child && child.exitCode === null && child.signalCode === null ? child.once("exit", () => r()) : r()));
  return {
    url,
    port: p,
    stderr: () => err,
    async start() {
      child = spawn(ALERTMANAGER, [`--config.file=${config}`, `--storage.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${p}`, "--cluster.listen-address=", "--log.level=warn"], { stdio: ["ignore", "ignore", "pipe"] });
      child.stderr!.on("data", (b) => (err += b));
      const deadline = Date.now() + 15_000;
      for (;;) {
        const r = await fetch(`${url}/-/ready`).catch(() => undefined);
        if (r?.ok) return;
        if (child.exitCode !== null) throw new Error(`alertmanager exited ${child.exitCode}: ${err}`);
        if (Date.now() > deadline) throw new Error(`alertmanager not ready: ${err}`);
        await sleep(100);
      }
    },
    async kill9() {
      child?.kill("SIGKILL");
      await exit();
    },
    async stop() {
      child?.kill("SIGTERM");
      await exit();
    },
  };
}

/** A recording receiver behind a started Alertmanager whose config routes to it; both stop via `stops`. */
export async function receiverBehindAlertmanager(config: (receiverUrl: string) => string, stops: Array<() => Promise<unknown>>) {
  const rec = await startReceiver();
  stops.push(rec.close);
  const am = await alertmanager(config(rec.url));
  stops.push(am.stop);
  await am.start();
  return { rec, am };
}

/** A route tree for tests: everything to one webhook, grouped per incident (and escalation), quickly. */
export function simpleConfig(receiverUrl: string, groupBy = ["incident_id", "escalation"]): string {
  return `route:
  receiver: hook
  group_by: [${groupBy.join(", ")}]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${receiverUrl}/hook
        send_resolved: true
`;
}

/** Combined-format lines of `n` requests from `ip` to `path/<i>` at `ms`. */
export function probeLines(ip: string, prefix: string, n: number, ms = Date.now()): string {
  const d = new Date(ms);
  const M = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const p = (x: number) => String(x).padStart(2, "0");
  const stamp = `[${p(d.getUTCDate())}/${M}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000]`;
  return Array.from({ length: n }, (_, i) => `${ip} - - ${stamp} "GET ${prefix}/${i} HTTP/1.1" 404 12 "-" "curl/8.5"\n`).join("");
}
