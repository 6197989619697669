// edgeproof serve against the real Alertmanager (Debian's prometheus-alertmanager 0.25) with a loopback
// webhook receiver behind it: what a chat or paging receiver gets, under each fault.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually, sleep } from "../testing/spawn-serve.js";
import { alertmanager, freePort, haveAlertmanager, simpleConfig, startReceiver, type AlertmanagerProcess } from "./testing/alertmanager.js";
import { about, firstFor, served, type Served } from "./testing/harness.js";

describe.skipIf(!haveAlertmanager)("alerts through the real Alertmanager", () => {
  let rec: Awaited<ReturnType<typeof startReceiver>>;
  const running: Array<Served | AlertmanagerProcess> = [];
  const amFor = async (port?: number) => {
    const am = await alertmanager(simpleConfig(rec.url), port);
    running.push(am);
    return am;
  };
  const serve = async (args: string[], dir?: string) => {
    const s = served(args, dir);
    running.push(s);
    await s.start();
    return s;
  };
  beforeAll(async () => {
    rec = await startReceiver();
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await ("srv" in r ? r.srv?.stop() : r.stop());
  });
  afterAll(() => rec.close());

  it("fires once with fixed labels, dedupes re-sends, and resolves when the incident is closed", async () => {
    const am = await amFor();
    await am.start();
    const s = await serve(["--alertmanager", am.url, "--alert-resend", "1s", "--lifecycle"]);
    const t0 = Date.now();
    s.probe("198.51.100.10", "/p0");
    const { id, n } = await firstFor(rec.got, "198.51.100.10");
    expect(n.at - t0).toBeLessThan(8_000);
    const alert = n.alerts[0];
    expect(n.status).toBe("firing");
    expect(alert.labels).toEqual({ alertname: "EdgeproofIncident", severity: "P0", kind: "security", category: "probing", rule: "p0-probe", incident_id: id, host: "shop.test", client_ip: "198.51.100.10" });
    expect(alert.annotations.summary).toBe("P0 test probe: 198.51.100.10 → shop.test");
    expect(alert.annotations.description).toContain(`id ${id}`);
    expect(alert.annotations.description).not.toContain("evidence");
    expect(alert.annotations.proof_url).toBe(`${s.srv.url}/api/incidents/${id}`);
    expect(alert.annotations.runbook_url).toBe(`${s.srv.url}/api/incidents/${id}/runbook`);
    expect(alert.annotations.lifecycle_state).toBe("detected");

    // Re-sent every second; Alertmanager sees one alert (same labels) and notifies once.
    await eventually(async () => ((await s.caps()).alerting.sinks[0].sent >= 4 ? true : undefined), 10_000, "four re-sends");
    await sleep(1_500);
    expect(about(rec.got, id).filter((x) => x.status === "firing")).toHaveLength(1);
    const ams = (await (await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`incident_id="${id}"`)}`)).json()) as any[];
    expect(ams).toHaveLength(1);
    expect(Date.parse(ams[0].endsAt) - Date.now()).toBeGreaterThan(1_000); // a few re-sends ahead

    const closedAt = Date.now();
    expect((await s.post(`/api/incidents/${id}/close`, { by: "ana", note: "false positive" })).status).toBe(200);
    const resolved = await eventually(async () => about(rec.got, id).find((x) => x.status === "resolved"), 10_000, "resolved");
    expect(resolved.alerts[0].labels).toEqual(alert.labels);
    expect(Math.abs(Date.parse(resolved.alerts[0].endsAt) - closedAt)).toBeLessThan(1_000);
    expect(resolved.alerts[0].annotations.lifecycle_state).toBe("closed");
  });

  it("escalates an unacknowledged P0 after its escalation time, and not a P1 that was acknowledged", async () => {
    const am = await amFor();
    await am.start();
    const dir = (await import("node:fs")).mkdtempSync(join((await import("node:os")).tmpdir(), "edgeproof-esc-"));
    const levels = join(dir, "levels.yaml");
    writeFileSync(levels, "severity_levels:\n  P0: {name: Critical, escalation_time: 3s}\n  P1: {name: High, escalation_time: 3s}\n");
    const s = await serve(["--alertmanager", am.url, "--alert-resend", "1s", "--lifecycle", "--severity-levels", levels], dir);
    s.probe("198.51.100.20", "/p0");
    s.probe("198.51.100.21", "/p1");
    const p0 = await firstFor(rec.got, "198.51.100.20");
    const p1 = await firstFor(rec.got, "198.51.100.21");
    expect((await s.post(`/api/incidents/${p1.id}/ack`, { by: "bo" })).status).toBe(200);

    const esc = await eventually(async () => about(rec.got, p0.id, true)[0], 12_000, "an escalation");
    const a = esc.alerts[0];
    expect(a.labels).toEqual({ ...p0.n.alerts[0].labels, escalation: "1" });
    expect(a.annotations.escalated).toMatch(/^P0 \(Critical\) not acknowledged within 3s of detection at /);
    const main = (await s.get(`/api/incidents/${p0.id}`)).alert;
    expect(main.escalation.note).toBe(a.annotations.escalated);
    // The acknowledged P1 passed its escalation time too, without escalating.
    await sleep(2_000);
    expect(about(rec.got, p1.id, true)).toEqual([]);
    expect((await s.get(`/api/incidents/${p1.id}`)).alert.escalation).toBeUndefined();

    // Acknowledging the P0 ends its escalation alert.
    expect((await s.post(`/api/incidents/${p0.id}/ack`, { by: "ana" })).status).toBe(200);
    await eventually(async () => about(rec.got, p0.id, true).find((x) => x.status === "resolved"), 10_000, "the escalation resolved");
  });

  it("queues while Alertmanager is not up yet, and delivers once it starts", async () => {
    const port = await freePort();
    const s = await serve(["--alertmanager", `http://127.0.0.1:${port}`, "--alert-resend", "2s"]);
    s.probe("198.51.100.30", "/p2");
    const caps = await eventually(async () => {
      const c = (await s.caps()).alerting.sinks[0];
      return c.queued >= 1 && c.retried >= 1 ? c : undefined;
    }, 10_000, "a queued, retried alert");
    expect(caps.up).toBe(false);
    expect(caps.lastError.permanent).toBe(false);
    const metrics = await (await fetch(`${s.srv.url}/metrics`, { headers: { authorization: "Bearer alerting-test-token" } })).text();
    expect(metrics).toMatch(/edgeproof_alerts_queued\{kind="alertmanager",sink="[^"]+"\} 1/);
    expect(Number(/edgeproof_alerts_oldest_queued_seconds\{[^}]*\} ([\d.]+)/.exec(metrics)![1])).toBeGreaterThan(0);
    expect(s.srv.stderr()).toContain("kept in the outbox");

    const am = await amFor(port);
    await am.start();
    const { n } = await firstFor(rec.got, "198.51.100.30");
    expect(n.alerts[0].labels.severity).toBe("P2");
    await eventually(async () => ((await s.caps()).alerting.sinks[0].queued === 0 ? true : undefined), 10_000, "an empty outbox");
  });

  it("keeps alerting across an Alertmanager kill -9 and restart", async () => {
    const am = await amFor();
    await am.start();
    const s = await serve(["--alertmanager", am.url, "--alert-resend", "1s"]);
    s.probe("198.51.100.40", "/p2");
    const first = await firstFor(rec.got, "198.51.100.40");
    await am.kill9();
    s.probe("198.51.100.41", "/p2");
    await eventually(async () => ((await s.caps()).alerting.sinks[0].queued >= 1 ? true : undefined), 10_000, "queued while down");
    await am.start();
    const second = await firstFor(rec.got, "198.51.100.41");
    expect(second.id).not.toBe(first.id);
    // Re-sends give the restarted Alertmanager (which lost its memory) the first incident again.
    await eventually(async () => {
      const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as any[];
      const ids = alerts.map((a) => a.labels.incident_id);
      return ids.includes(first.id) && ids.includes(second.id) ? true : undefined;
    }, 10_000, "both alerts in the restarted Alertmanager");
  });

  it("resumes the outbox after serve is killed with alerts queued, without doubling them", async () => {
    const port = await freePort();
    const s = await serve(["--alertmanager", `http://127.0.0.1:${port}`, "--alert-resend", "2s"]);
    s.probe("198.51.100.50", "/p1");
    await eventually(async () => ((await s.caps()).alerting.sinks[0].queued >= 1 ? true : undefined), 10_000, "queued");
    await s.srv.kill9();
    const am = await amFor(port);
    await am.start();
    await s.start(); // same data dir and log: the log is replayed, the outbox resumes
    const { id } = await firstFor(rec.got, "198.51.100.50");
    await sleep(3_000);
    expect(about(rec.got, id).filter((x) => x.status === "firing")).toHaveLength(1);
    const ids = ((await s.get("/api/incidents?from=0&to=9999999999999")).items as any[]).map((i) => i.id);
    expect(ids).toEqual([id]); // the replay made no second incident
  });
});
