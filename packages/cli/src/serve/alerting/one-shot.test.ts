// `edgeproof run --alertmanager URL` over a saved log: what the run found reaches the real Alertmanager once.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, REPO, eventually } from "../testing/spawn-serve.js";
import { freePort, haveAlertmanager, probeLines, receiverBehindAlertmanager, simpleConfig } from "./testing/alertmanager.js";

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, "run", ...args], { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    c.stderr.on("data", (b) => (stderr += b));
    c.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe.skipIf(!haveAlertmanager)("edgeproof run --alertmanager", () => {
  const stops: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const s of stops) await s();
  });
  const log = join(mkdtempSync(join(tmpdir(), "edgeproof-run-am-")), "access.log");
  writeFileSync(log, probeLines("192.0.2.90", "/p1", 3, Date.now() - 60_000) + probeLines("192.0.2.91", "/p3", 3, Date.now() - 50_000));
  const args = (url: string) => [log, "--rules", "fixtures/alerting/rules", "--host", "shop.test", "--format", "json", "--alertmanager", url, "--external-url", "https://edgeproof.example.com"];

  it("sends the incidents at or above the minimum severity, firing", async () => {
    const { rec, am } = await receiverBehindAlertmanager((url) => simpleConfig(url), stops);
    const r = await run(args(am.url));
    expect(r).toEqual({ code: 0, stderr: "" });
    const n = await eventually(async () => rec.got[0], 10_000, "a notification");
    expect(n.status).toBe("firing");
    expect(n.alerts[0].labels).toMatchObject({ alertname: "EdgeproofIncident", severity: "P1", rule: "p1-probe", client_ip: "192.0.2.90" });
    expect(n.alerts[0].annotations.proof_url).toBe(`https://edgeproof.example.com/api/incidents/${n.alerts[0].labels.incident_id}`);
    const inAm = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as any[];
    expect(inAm.map((a) => a.labels.client_ip)).toEqual(["192.0.2.90"]); // the P3 is below the default P2
  });

  it("fails the run when Alertmanager cannot be reached, saying so", async () => {
    const r = await run(args(`http://127.0.0.1:${await freePort()}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/edgeproof: alerting: 1 alert\(s\) not delivered after 5 attempts: http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  }, 30_000);
});
