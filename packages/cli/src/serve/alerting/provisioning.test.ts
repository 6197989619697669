// provisioning/alertmanager/alertmanager.yml loaded into the real Alertmanager: amtool accepts it as shipped,
// and its route tree (receivers swapped for loopback webhooks, waits shortened) sends each severity where the
// seed's channels say, grouping chat messages by severity and paging the next tier on escalation.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, REPO } from "../testing/spawn-serve.js";
import { AMTOOL, haveAlertmanager, receiverBehindAlertmanager, type Notification } from "./testing/alertmanager.js";
import { served, type Served } from "./testing/harness.js";

const EXAMPLE = `${REPO}provisioning/alertmanager/alertmanager.yml`;

interface Route {
  group_wait?: string;
  group_interval?: string;
  routes?: Route[];
}

/** The example with every receiver replaced by a webhook to `<base>/<receiver name>` and 1 s waits. */
function forTest(base: string): string {
  const cfg = parse(readFileSync(EXAMPLE, "utf8"));
  delete cfg.global.smtp_smarthost;
  delete cfg.global.smtp_from;
  cfg.receivers = cfg.receivers.map((r: { name: string }) => ({ name: r.name, webhook_configs: [{ url: `${base}/${r.name}`, send_resolved: true }] }));
  const shorten = (r: Route) => {
    if (r.group_wait !== undefined || r === cfg.route) r.group_wait = "1s";
    if (r.group_interval !== undefined || r === cfg.route) r.group_interval = "1s";
    r.routes?.forEach(shorten);
  };
  shorten(cfg.route);
  return stringify(cfg);
}

describe.skipIf(!haveAlertmanager)("the example Alertmanager configuration", () => {
  const stops: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const s of stops) await s();
  });

  it("passes amtool check-config as shipped", () => {
    const out = execFileSync(AMTOOL, ["check-config", EXAMPLE], { encoding: "utf8" });
    expect(out).toContain("SUCCESS");
    expect(out).toContain("5 receivers");
  });

  it("routes P0 → paging, P1 → paging + chat, P2 → chat grouped by severity, P3 → chat-alerts, escalations → the second tier", async () => {
    const { rec, am } = await receiverBehindAlertmanager(forTest, stops);
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-prov-"));
    writeFileSync(join(dir, "levels.yaml"), "severity_levels:\n  P0: {name: Critical, escalation_time: 2s}\n");
    const s: Served = served(["--alertmanager", am.url, "--alert-resend", "1s", "--alert-min-severity", "P3", "--lifecycle", "--severity-levels", join(dir, "levels.yaml")], dir);
    await s.start();
    stops.push(() => s.srv.stop());
    s.probe("198.51.100.80", "/p0");
    s.probe("198.51.100.81", "/p1");
    s.probe("198.51.100.82", "/p2");
    s.probe("198.51.100.83", "/p2");
    s.probe("198.51.100.84", "/p3");

    const at = (path: string) => rec.got.filter((n) => n.path === path && n.status === "firing");
    const ips = (ns: Notification[]) => [...new Set(ns.flatMap((n) => n.alerts.map((a) => a.labels.client_ip)))].sort();
    await eventually(async () => (at("/paging-secondary").length && at("/chat-alerts").length && ips(at("/chat")).length === 3 ? true : undefined), 20_000, "every route");
    expect(ips(at("/paging"))).toEqual(["198.51.100.80", "198.51.100.81"]);
    expect(ips(at("/chat"))).toEqual(["198.51.100.81", "198.51.100.82", "198.51.100.83"]);
    expect(ips(at("/chat-alerts"))).toEqual(["198.51.100.84"]);
    // One chat message for both P2 incidents: the route groups by severity.
    const p2 = at("/chat").find((n) => n.groupLabels.severity === "P2")!;
    expect(p2.groupLabels).toEqual({ alertname: "EdgeproofIncident", severity: "P2" });
    expect(p2.alerts.map((a) => a.labels.client_ip).sort()).toEqual(["198.51.100.82", "198.51.100.83"]);
    // The P0 (escalation time 2 s here) escalated to the second tier; the P1 keeps its default 2 h.
    const esc = at("/paging-secondary");
    expect(esc.flatMap((n) => n.alerts.map((a) => [a.labels.client_ip, a.labels.escalation]))).toEqual([["198.51.100.80", "1"]]);
    expect(at("/paging").flatMap((n) => n.alerts).some((a) => a.labels.escalation)).toBe(false);
  });
});
