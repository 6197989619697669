// Delivery under receiver faults, against loopback HTTP servers that answer as told: a permanent 4xx is
// reported and dropped, 5xx/429 are retried with backoff, an unreachable URL keeps the alert queued, and
// the webhook sink gets Alertmanager's webhook JSON for each change but none of the re-sends.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, sleep } from "../testing/spawn-serve.js";
import { freePort, startReceiver } from "./testing/alertmanager.js";
import { about, firstFor, served, type Served } from "./testing/harness.js";

/** Answers each POST with the next status of `script` (the last one repeats), recording the bodies. */
async function scripted(script: Array<{ status: number; headers?: Record<string, string>; body?: string }>) {
  const bodies: Array<{ at: number; body: any }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      bodies.push({ at: Date.now(), body: JSON.parse(text) });
      const a = script[Math.min(bodies.length - 1, script.length - 1)];
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
      res.end(a.body ?? "{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("alert delivery faults", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  const serve = async (args: string[]) => {
    const s: Served = served(args);
    await s.start();
    cleanup.push(() => s.srv.stop());
    return s;
  };
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });
  const sink = async (s: Served) => (await s.caps()).alerting.sinks[0];

  it("reports a 400 in the log, /metrics and capabilities, and does not retry it", async () => {
    const am = await scripted([{ status: 400, body: '{"code":400,"message":"invalid label set"}' }]);
    cleanup.push(am.close);
    const s = await serve(["--alertmanager", am.url, "--alert-resend", "30s"]);
    s.probe("203.0.113.60", "/p2");
    const failed = await eventually(async () => ((await sink(s)).failed >= 1 ? sink(s) : undefined), 10_000, "a failed alert");
    expect(failed.lastError).toMatchObject({ permanent: true });
    expect(failed.lastError.message).toContain("answered 400: {\"code\":400,\"message\":\"invalid label set\"}");
    expect(failed.queued).toBe(0);
    await sleep(2_000);
    expect(am.bodies).toHaveLength(1); // given up on, not retried
    expect(s.srv.stderr()).toMatch(/gave up on alert \w+ for http:\/\/127\.0\.0\.1:\d+, not retried: .*answered 400/);
    const metrics = await (await fetch(`${s.srv.url}/metrics`, { headers: { authorization: "Bearer alerting-test-token" } })).text();
    expect(metrics).toMatch(/edgeproof_alerts_failed_total\{kind="alertmanager",sink="[^"]+"\} 1/);
    expect(metrics).toMatch(/edgeproof_alerts_sent_total\{kind="alertmanager",sink="[^"]+"\} 0/);
  });

  it("retries 503 and 429 (obeying Retry-After) until the receiver takes the alert", async () => {
    const am = await scripted([{ status: 503 }, { status: 429, headers: { "retry-after": "1" } }, { status: 200 }]);
    cleanup.push(am.close);
    const s = await serve(["--alertmanager", am.url, "--alert-resend", "30s"]);
    s.probe("203.0.113.61", "/p2");
    const ok = await eventually(async () => ((await sink(s)).sent >= 1 ? sink(s) : undefined), 15_000, "delivered");
    expect(ok).toMatchObject({ sent: 1, failed: 0, retried: 2, queued: 0, up: true });
    expect(am.bodies[2].at - am.bodies[1].at).toBeGreaterThanOrEqual(950); // Retry-After: 1
    // Every attempt carried the same alert.
    expect(new Set(am.bodies.map((b) => JSON.stringify(b.body[0].labels))).size).toBe(1);
  });

  it("keeps alerts queued while the URL is unreachable", async () => {
    const port = await freePort();
    const s = await serve(["--alertmanager", `http://127.0.0.1:${port}`, "--alert-resend", "1s"]);
    s.probe("203.0.113.62", "/p2");
    s.probe("203.0.113.63", "/p1");
    const c = await eventually(async () => {
      const x = await sink(s);
      return x.queued === 2 && x.oldestQueuedSeconds > 1 ? x : undefined;
    }, 10_000, "two queued alerts");
    expect(c).toMatchObject({ up: false, sent: 0, failed: 0 });
    expect(c.lastError.message).toMatch(/ECONNREFUSED/);
    // Re-sends replace the queued state instead of piling up.
    await sleep(2_500);
    expect((await sink(s)).queued).toBe(2);
  });

  it("gives a webhook Alertmanager's webhook JSON for each change, without the re-sends", async () => {
    const rec = await startReceiver();
    cleanup.push(rec.close);
    const s = await serve(["--webhook", `${rec.url}/hook`, "--alert-resend", "1s"]);
    s.probe("203.0.113.64", "/brief");
    const { id, n } = await firstFor(rec.got, "203.0.113.64");
    expect(n).toMatchObject({ version: "4", status: "firing", receiver: "edgeproof", groupLabels: { incident_id: id } });
    expect(n.alerts[0]).toMatchObject({ status: "firing", labels: { severity: "P2", rule: "brief-probe" } });
    expect(n.alerts[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // The engine closes the brief incident after its 2 s cooldown: one resolved message, endsAt = its end.
    const resolved = await eventually(async () => about(rec.got, id).find((x) => x.status === "resolved"), 15_000, "resolved");
    const inc = (await s.get(`/api/incidents/${id}`)).incident;
    expect(inc.status).toBe("closed");
    expect(resolved.alerts[0].endsAt).toBe(new Date(Date.parse(inc.window.end)).toISOString());
    await sleep(2_000);
    expect(about(rec.got, id).map((x) => x.status)).toEqual(["firing", "resolved"]);
  });
});
