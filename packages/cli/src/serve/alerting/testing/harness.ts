/** One `edgeproof serve` per test over its own log and data dir, with the alerting test pack and a token. */
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, spawnServe, type ServeProcess } from "../../testing/spawn-serve.js";
import { probeLines, type Notification } from "./alertmanager.js";

export const TOKEN = "alerting-test-token";
const auth = { authorization: `Bearer ${TOKEN}` };

export interface Served {
  srv: ServeProcess;
  dir: string;
  log: string;
  /** Appends three requests under `prefix` (/p0, /p1, …) from `ip`: one incident of that severity. */
  probe(ip: string, prefix: string): void;
  start(): Promise<ServeProcess>;
  get(path: string): Promise<any>;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }>;
  caps(): Promise<any>;
}

export function served(args: string[], dir = mkdtempSync(join(tmpdir(), "edgeproof-alerting-"))): Served {
  const log = join(dir, "access.log");
  writeFileSync(log, "", { flag: "a" });
  writeFileSync(join(dir, "token"), TOKEN);
  const s: Served = {
    srv: undefined as unknown as ServeProcess,
    dir,
    log,
    probe: (ip, prefix) => appendFileSync(log, probeLines(ip, prefix, 3)),
    async start() {
      s.srv = await spawnServe([log, "--data-dir", join(dir, "data"), "--rules", "fixtures/alerting/rules", "--host", "shop.test", "--lateness", "1s", "--token-file", join(dir, "token"), ...args]);
      return s.srv;
    },
    get: async (path) => (await fetch(`${s.srv.url}${path}`, { headers: auth })).json(),
    async post(path, body, token = TOKEN) {
      const r = await fetch(`${s.srv.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    },
    caps: () => s.get("/api/capabilities"),
  };
  return s;
}

/** Notifications about one incident (optionally only its escalation alert). */
export function about(got: Notification[], id: string, escalation = false): Notification[] {
  return got.filter((n) => n.alerts.some((a) => a.labels.incident_id === id && (a.labels.escalation === "1") === escalation));
}

/** Waits for the first notification naming an incident whose client is `ip`; returns the incident id. */
export async function firstFor(got: Notification[], ip: string, timeoutMs = 15_000): Promise<{ id: string; n: Notification }> {
  return eventually(
    async () => {
      const n = got.find((x) => x.alerts.some((a) => a.labels.client_ip === ip));
      return n && { id: n.alerts.find((a) => a.labels.client_ip === ip)!.labels.incident_id, n };
    },
    timeoutMs,
    `a notification for ${ip}`,
  );
}
