import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Incident, RunStats } from "@edgeproof/engine";
import { cli, REPO } from "../../testing/cli.js";

const DEMO = join(REPO, "fixtures/demo/access.log");
const ARGS = ["--host", "shop.example.com", "--format", "json"];
const UPSTREAMINFO_XFF =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id "$http_x_forwarded_for"';

/** The demo as logged behind a balancer: the balancer in front, each line's client appended as X-Forwarded-For. */
const tmp = mkdtempSync(join(tmpdir(), "edgeproof-client-ip-"));
const BEHIND = join(tmp, "behind-lb.log");
writeFileSync(
  BEHIND,
  readFileSync(DEMO, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => `10.0.0.5${l.slice(l.indexOf(" "))} "${l.slice(0, l.indexOf(" "))}"`)
    .join("\n") + "\n",
);

const parse = (stdout: string) => {
  const doc = JSON.parse(stdout);
  return { incidents: doc.incidents.map((i: unknown) => Incident.parse(i)) as Incident[], stats: RunStats.parse(doc.stats) };
};
const securityKeys = (list: Incident[]) => list.filter((i) => i.kind === "security").map((i) => `${i.ruleId} ${i.key.clientIp}`).sort();

describe("edgeproof run --trusted-proxies / --nginx-log-format", () => {
  let demo: Incident[];
  beforeAll(async () => {
    const r = await cli(["run", DEMO, ...ARGS]);
    expect(r.code).toBe(0);
    demo = parse(r.stdout).incidents;
  });

  it("behind a balancer without --trusted-proxies: every user is 10.0.0.5, and stderr says so once", async () => {
    const r = await cli(["run", BEHIND, ...ARGS, "--nginx-log-format", UPSTREAMINFO_XFF]);
    expect(r.code).toBe(0);
    const { incidents, stats } = parse(r.stdout);
    expect(stats.byFormat).toEqual({ custom: stats.events });
    expect(new Set(incidents.filter((i) => i.kind === "security").map((i) => i.key.clientIp))).toEqual(new Set(["10.0.0.5"]));
    expect(r.stderr.match(/are you behind a proxy/g)).toHaveLength(1);
    expect(r.stderr).toContain("100% of requests come from 10.0.0.5 with X-Forwarded-For set: are you behind a proxy? see --trusted-proxies");
  });

  it("with --trusted-proxies the incidents are keyed by the users again, as in the direct log, via the balancer", async () => {
    const r = await cli(["run", BEHIND, ...ARGS, "--nginx-log-format", UPSTREAMINFO_XFF, "--trusted-proxies", "10.0.0.0/8"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const { incidents } = parse(r.stdout);
    expect(securityKeys(incidents)).toEqual(securityKeys(demo));
    expect(securityKeys(incidents).length).toBeGreaterThan(2);
    const probing = incidents.find((i) => i.findings.some((f) => f.ruleId === "http-probing"))!;
    expect(probing.evidence[0].via).toBe("10.0.0.5");
    expect(probing.proof).toContain("(via 10.0.0.5)");
  });

  it("refuses a format string it cannot compile, with the position, and forwarded without trusted proxies", async () => {
    const bad = await cli(["run", DEMO, "--nginx-log-format", "$remote_addr \"$request $status $time_local"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--nginx-log-format: position 14:");
    const nomap = await cli(["run", DEMO, "--log-format", 'json:{"t":"$time_iso8601"}']);
    expect(nomap.code).toBe(2);
    expect(nomap.stderr).toContain("$status");
    const fwd = await cli(["run", DEMO, "--client-ip", "forwarded"]);
    expect(fwd.code).toBe(2);
    expect(fwd.stderr).toContain("needs --trusted-proxies");
    const cidr = await cli(["run", DEMO, "--trusted-proxies", "10.0.0.0/33"]);
    expect(cidr.code).toBe(2);
    expect(cidr.stderr).toContain('"10.0.0.0/33" is not an IP address or CIDR range');
  });
});
