import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../../testing/cli.js";

const dir = mkdtempSync(join(tmpdir(), "edgeproof-import-"));
const hub = join(dir, "hub");
const data = join(dir, "data");
mkdirSync(hub);
mkdirSync(data);

writeFileSync(
  join(hub, "acme--probe.yaml"),
  `type: leaky
name: acme/probe
description: "Probing for the acme console"
filter: |
  evt.Meta.log_type == 'http_access-log' &&
  evt.Meta.http_status in ['404', '403'] &&
  any(File("acme_paths.txt"), { Lower(evt.Meta.http_path) startsWith # })
groupby: evt.Meta.source_ip
distinct: evt.Meta.http_path
capacity: 2
leakspeed: 10s
blackhole: 1m
data:
  - dest_file: acme_paths.txt
    type: string
labels:
  behavior: "http:scan"
  label: "Acme console probing"
  confidence: 2
---
type: trigger
name: acme/cve
filter: "Upper(PathUnescape(evt.Meta.http_path)) contains Upper('\${acme:exec(')"
labels:
  classification:
    - cve.CVE-2031-0001
  behavior: "http:exploit"
  label: "Acme RCE"
---
type: leaky
name: acme/cancelled
filter: "evt.Meta.http_status == '401'"
cancel_on: "evt.Meta.http_status == '200'"
capacity: 3
leakspeed: 10s
`,
);
writeFileSync(join(hub, "broken.yaml"), "type: trigger\nname: x\nfilter: 'a ==\n");
writeFileSync(join(hub, "bad-expr.yaml"), `type: trigger\nname: acme/bad\nfilter: |\n  evt.Meta.http_path contains 'x' &&\n  evt.Meta.http_path ~ 'y'\n`);
writeFileSync(join(data, "acme_paths.txt"), "/acme/console\n/acme/admin\n");

describe("edgeproof import crowdsec", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a pack of what translates, lists what does not with file:line and why, and exits 4", async () => {
    const out = join(dir, "out");
    const r = await cli(["import", "crowdsec", hub, "--data", data, "-o", out]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/hub\/acme--probe\.yaml:\d+: skipped: acme\/cancelled: `cancel_on`/);
    expect(r.stderr).toMatch(/hub\/bad-expr\.yaml:5: skipped: acme\/bad: filter does not parse: unexpected character "~"/);
    expect(r.stderr).toMatch(/hub\/broken\.yaml:\d+: skipped: not YAML/);
    expect(r.stderr).toContain("2 of 4 scenarios translated");
    expect(readFileSync(join(out, "lists/acme_paths.txt"), "utf8")).toBe("/acme/console\n/acme/admin\n");

    // The pack loads and detects: three distinct console paths refused within 10 s, and one RCE request.
    const log = [
      `203.0.113.5 - - [20/Nov/2026:10:00:00 +0000] "GET /acme/console/a HTTP/1.1" 404 0 "-" "x"`,
      `203.0.113.5 - - [20/Nov/2026:10:00:01 +0000] "GET /acme/console/b HTTP/1.1" 404 0 "-" "x"`,
      `203.0.113.5 - - [20/Nov/2026:10:00:02 +0000] "GET /acme/admin HTTP/1.1" 403 0 "-" "x"`,
      `203.0.113.6 - - [20/Nov/2026:10:00:02 +0000] "GET /run?q=%24%7Bacme%3Aexec%28id%29%7D HTTP/1.1" 200 0 "-" "x"`,
      `203.0.113.7 - - [20/Nov/2026:10:00:03 +0000] "GET /acme/console/a HTTP/1.1" 404 0 "-" "x"`,
    ].join("\n");
    const run = await cli(["run", "-", "--rules", join(out, "crowdsec-hub.yaml"), "--format", "json"], { stdin: log + "\n" });
    expect(run.code).toBe(0);
    const incidents = JSON.parse(run.stdout).incidents as Array<{ ruleId: string; key: { clientIp: string }; title: string; proof: string }>;
    expect(incidents.map((i) => `${i.ruleId} ${i.key.clientIp}`).sort()).toEqual(["acme-cve 203.0.113.6", "acme-probe 203.0.113.5"].sort());
    const rce = incidents.find((i) => i.ruleId === "acme-cve")!;
    expect(rce.title).toContain("Acme RCE (CVE-2031-0001)");
    expect(rce.proof).toContain('matched "${ACME:EXEC("');
  });

  it("exits 0 when everything translates", async () => {
    const only = join(dir, "only");
    mkdirSync(only);
    writeFileSync(join(only, "one.yaml"), "type: trigger\nname: acme/one\nfilter: \"evt.Meta.http_path == '/crowdsec-test'\"\n");
    const r = await cli(["import", "crowdsec", join(only, "one.yaml"), "-o", join(dir, "out1")]);
    expect(r.stderr).toContain("1 of 1 scenarios translated");
    expect(r.code).toBe(0);
  });
});
