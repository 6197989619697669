import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Incident, RunStats } from "@edgeproof/engine";
import { LokiApiTestServer } from "@edgeproof/loki-adapter/testing";
import { cli, REPO } from "../../testing/cli.js";

const DEMO = join(REPO, "fixtures/demo/access.log");
const DEMO_ARGS = ["--host", "shop.example.com", "--format", "json"];
const tmp = mkdtempSync(join(tmpdir(), "edgeproof-run-"));

function parse(stdout: string): { incidents: Incident[]; stats: RunStats } {
  const doc = JSON.parse(stdout);
  return { incidents: doc.incidents.map((i: unknown) => Incident.parse(i)), stats: RunStats.parse(doc.stats) };
}

/** Evidence names the file it came from; strip it to compare runs over the same lines from other sources. */
function withoutFile(incidents: Incident[], file = DEMO): string {
  return JSON.stringify(incidents, (k, v) => (k === "file" ? undefined : v)).replaceAll(`${file}:`, "line ");
}

describe("edgeproof run", () => {
  let demo: { incidents: Incident[]; stats: RunStats };
  beforeAll(async () => {
    const r = await cli(["run", DEMO, ...DEMO_ARGS, "--k8s-snapshot", join(REPO, "fixtures/demo/k8s")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    demo = parse(r.stdout);
  });

  it("reports the demo's story: the scanners, the exploit with impact, and the 5xx spike with its root cause", () => {
    // Incidents holding a finding of the rule, for the key.
    const by = (rule: string, key: string) => demo.incidents.filter((i) => i.findings.some((f) => f.ruleId === rule) && Object.values(i.key).includes(key));
    const finding = (rule: string, key: string) => by(rule, key)[0].findings.find((f) => f.ruleId === rule)!;
    expect(by("http-probing", "203.0.113.7")).toHaveLength(1);
    expect(finding("http-probing", "203.0.113.7").outcome).toBe("blocked");
    expect(by("low-and-slow-probing", "192.0.2.50")).toHaveLength(1);
    expect(by("http-probing", "192.0.2.50")).toHaveLength(0);
    // One incident per attacker: every security incident is a distinct client and host.
    const security = demo.incidents.filter((i) => i.kind === "security");
    expect(new Set(security.map((i) => `${i.key.clientIp} ${i.key.host}`)).size).toBe(security.length);
    expect(by("sensitive-files", "203.0.113.7")).toEqual(by("http-probing", "203.0.113.7"));
    const exploit = by("exploit-attempt", "198.51.100.23")[0];
    expect(exploit.outcome).toBe("impact");
    expect(exploit.severity).toBe("P1");
    expect(finding("exploit-attempt", "198.51.100.23").evidence.some((e) => e.status === 200 && e.path.includes("etc/passwd"))).toBe(true);
    const spike = by("upstream-5xx-ratio", "shop-api-80")[0];
    expect(spike.kind).toBe("reliability");
    expect(spike.severity).toBe("P0");
    expect(spike.metrics.fiveXx).toBe(Object.entries(spike.metrics.statusCounts).reduce((n, [s, c]) => (s.startsWith("5") ? n + c : n), 0));
    // A scanner active during the host's spike is counted apart, not in the outage's ratio.
    const host = by("host-5xx-ratio", "shop.example.com")[0];
    expect(host.metrics.scannerTraffic?.requests).toBeGreaterThan(0);
    expect(host.metrics.requests + host.metrics.scannerTraffic!.requests).toBeGreaterThan(host.metrics.requests);
    expect(spike.rca?.causes[0]).toMatchObject({ cause: "oom-killed", confidence: "high" });
    expect(spike.proof).toContain("oom-killed [high]");
  });

  it("does not report the heavy legitimate clients of the demo", () => {
    const keys = demo.incidents.map((i) => i.key.clientIp);
    for (const ip of ["100.64.9.9", "66.249.66.1", "100.64.200.1"]) expect(keys).not.toContain(ip);
  });

  it("accounts for every line", () => {
    const rejected = Object.values(demo.stats.rejected).reduce((a, b) => a + b, 0);
    expect(demo.stats.lines).toBe(readFileSync(DEMO, "utf8").split("\n").filter(Boolean).length);
    expect(demo.stats.events + rejected).toBe(demo.stats.lines);
    expect(demo.stats.byFormat).toEqual({ upstreaminfo: demo.stats.events });
  });

  it("gives the same incidents from stdin, from a .gz file, and run after run", async () => {
    const text = readFileSync(DEMO);
    const gz = join(tmp, "access.log.gz");
    writeFileSync(gz, gzipSync(text));
    const [plain, fromStdin, fromGz] = await Promise.all([
      cli(["run", DEMO, ...DEMO_ARGS]),
      cli(["run", "-", ...DEMO_ARGS], { stdin: text }),
      cli(["run", gz, ...DEMO_ARGS]),
    ]);
    const base = withoutFile(parse(plain.stdout).incidents);
    expect(withoutFile(parse(fromStdin.stdout).incidents) === base).toBe(true);
    expect(withoutFile(parse(fromGz.stdout).incidents, gz) === base).toBe(true);
    const again = await cli(["run", DEMO, ...DEMO_ARGS]);
    expect(again.stdout === plain.stdout).toBe(true);
  });

  it("renders table, ndjson and markdown from the same incidents", async () => {
    const [table, ndjson, md] = await Promise.all(["table", "ndjson", "markdown"].map((f) => cli(["run", DEMO, "--host", "shop.example.com", "--format", f])));
    const ids = demo.incidents.filter((i) => !i.rca).map((i) => i.id);
    for (const id of ids) {
      expect(table.stdout).toContain(id);
      expect(md.stdout).toContain(`\`${id}\``);
    }
    expect(ndjson.stdout.trim().split("\n").map((l) => JSON.parse(l).id)).toEqual(demo.incidents.map((i) => i.id));
  });

  it("exits 3 with --fail-on when an incident at or above the severity exists, 0 otherwise", async () => {
    expect((await cli(["run", DEMO, ...DEMO_ARGS, "--fail-on", "P1"])).code).toBe(3);
    const quiet = join(tmp, "quiet.log");
    writeFileSync(quiet, readFileSync(DEMO, "utf8").split("\n").slice(0, 200).join("\n"));
    expect((await cli(["run", quiet, ...DEMO_ARGS, "--fail-on", "P1"])).code).toBe(0);
  });

  it("exits 2 naming file:line:column for an invalid rule pack", async () => {
    const pack = join(tmp, "bad.yaml");
    writeFileSync(pack, "apiVersion: edgeproof/v1\nname: bad\nversion: '1'\nrules:\n  - id: x\n    name: x\n    kind: security\n    category: c\n    groupBy: [clientIp]\n    window: 5x\n    when: [{ metric: count, value: 1 }]\n    severity: P3\n");
    const r = await cli(["run", DEMO, "--rules", pack, "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${pack}:10:13: rules[0].window: expected a duration`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on usage errors and 1 on a missing file", async () => {
    expect((await cli(["run", DEMO, "--format", "xml"])).code).toBe(2);
    expect((await cli(["run", DEMO, "--fail-on", "P7"])).code).toBe(2);
    expect((await cli(["run", DEMO, "--since", "yesterday-ish"])).code).toBe(2);
    const missing = await cli(["run", join(tmp, "nope.log")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nope.log");
  });

  it("runs the real-world elastic apache log: every line parsed or rejected with a reason", async () => {
    const r = await cli(["run", join(REPO, "fixtures/parse/real-world/elastic-examples-apache_logs.log"), "--format", "json", "--lateness", "60s"]);
    const { stats, incidents } = parse(r.stdout);
    expect(r.code).toBe(0);
    expect(stats).toMatchObject({ lines: 10000, events: 9999, rejected: { truncated: 1 }, late: 0 });
    expect(incidents.every((i) => i.kind === "security")).toBe(true);
  });

  it("warns on stderr when out-of-order events exceed the lateness", async () => {
    const r = await cli(["run", join(REPO, "fixtures/parse/real-world/elastic-examples-apache_logs.log"), "--format", "json"]);
    expect(parse(r.stdout).stats.late).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/--lateness/);
  });

  it("--explain prints the condition timeline of one key", async () => {
    const r = await cli(["run", DEMO, ...DEMO_ARGS, "--explain", "clientIp=192.0.2.50"]);
    expect(r.stderr).toContain("rule http-security/low-and-slow-probing");
    expect(r.stderr).toMatch(/opened/);
    expect(r.stderr).toMatch(/nearest miss .*distinct\(path\) >= 10 within 10s peaked 5 of 10/);
  });
});

describe("edgeproof run --loki", () => {
  const server = new LokiApiTestServer();
  beforeAll(async () => {
    await server.listen();
    const lines = readFileSync(DEMO, "utf8").split("\n").filter(Boolean);
    const values = lines.map((line): [string, string] => {
      const m = /\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d) \+0000\]/.exec(line)!;
      return [`${BigInt(Date.parse(`${m[2]} ${m[1]} ${m[3]} ${m[4]} GMT`)) * 1_000_000n}`, line];
    });
    expect(server.push([{ stream: { namespace: "ingress-nginx", app: "controller", host: "shop.example.com" }, values }]).status).toBe(204);
  });
  afterAll(() => server.close());

  it("produces exactly the incidents of the same lines read from stdin", async () => {
    const text = readFileSync(DEMO, "utf8");
    const [fromLoki, fromStdin] = await Promise.all([
      cli(["run", "--loki", server.url, "--query", '{namespace="ingress-nginx"}', "--since", "2026-11-20T09:00:00Z", "--until", "2026-11-20T11:00:00Z", "--format", "json"]),
      cli(["run", "-", ...DEMO_ARGS], { stdin: text }),
    ]);
    expect(fromLoki.stderr).toBe("");
    const loki = parse(fromLoki.stdout);
    expect(loki.stats.lines).toBe(parse(fromStdin.stdout).stats.lines);
    expect(JSON.stringify(loki.incidents) === JSON.stringify(parse(fromStdin.stdout).incidents)).toBe(true);
  });

  it("fails with a clear message when Loki cannot be reached", async () => {
    const r = await cli(["run", "--loki", "http://127.0.0.1:9", "--query", "{a=\"b\"}", "--since", "1h", "--format", "json"], { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/edgeproof: .*(127\.0\.0\.1:9|range|connect)/i);
  });
});
