import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Incident } from "@edgeproof/engine";
import { FakeApiServer, crashloopRoutes } from "@edgeproof/k8s-adapter/testing";
import { cli, REPO } from "../../testing/cli.js";

/**
 * Every RCA scenario (fixtures/rca/<cause>: log + snapshot + the expected causes written from its story)
 * through the whole product path: the CLI parses the log, the reliability rule fires, RCA runs against the
 * snapshot directory. The scenario logs are short, so the pack fires from 3 errors instead of 20.
 */
const SCENARIOS = join(REPO, "fixtures/rca");
const pack = join(mkdtempSync(join(tmpdir(), "edgeproof-rca-")), "reliability.yaml");
writeFileSync(
  pack,
  readFileSync(join(REPO, "rules/reliability/http-5xx.yaml"), "utf8").replaceAll("{ metric: statusClass(5xx), op: \">=\", value: 20 }", "{ metric: statusClass(5xx), op: \">=\", value: 3 }"),
);

const cases = readdirSync(SCENARIOS).filter((d) => existsSync(join(SCENARIOS, d, "expected.json")));

describe("RCA scenarios end to end", () => {
  it("has a scenario for every cause and the two counter-cases", () => {
    const causes = new Set(cases.flatMap((d) => JSON.parse(readFileSync(join(SCENARIOS, d, "expected.json"), "utf8")).causes.map((c: { cause: string }) => c.cause)));
    for (const c of ["zero-ready-endpoints", "readiness-failures", "crashloop", "oom-killed", "image-pull", "node-not-ready", "upstream-timeout", "upstream-latency", "unhandled-501"]) expect(causes).toContain(c);
    expect(cases).toEqual(expect.arrayContaining(["counter-healthy", "counter-unrelated-crashloop"]));
  });

  it("error-log lines in the same input become RCA evidence (nginx `upstream timed out`)", async () => {
    const dir = join(SCENARIOS, "upstream-timeout");
    const log = join(mkdtempSync(join(tmpdir(), "edgeproof-rca-mixed-")), "mixed.log");
    const errorLine =
      '2025/03/14 10:03:10 [error] 31#31: *569 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.7, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://10.244.1.11:8080/", host: "shop.example.com"';
    writeFileSync(log, `${readFileSync(join(dir, "access.log"), "utf8")}${errorLine}\n`);
    const r = await cli(["run", log, "--rules", pack, "--host", "shop.example.com", "--k8s-snapshot", join(dir, "snapshot"), "--format", "json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.stats.rejected["not-access-log"]).toBe(1);
    const spike = (doc.incidents as unknown[]).map((i) => Incident.parse(i)).find((i) => i.ruleId === "upstream-5xx-ratio")!;
    const timeout = spike.rca!.causes.find((c) => c.cause === "upstream-timeout")!;
    expect(timeout.evidence).toContainEqual(expect.objectContaining({ kind: "error-log", time: "2025-03-14T10:03:10.000Z" }));
    expect(spike.proof).toContain("upstream timed out");
  });

  it("ingress-nginx controller lines in the same input become RCA evidence (klog `no active Endpoint`)", async () => {
    const dir = join(SCENARIOS, "zero-ready-endpoints");
    const log = join(mkdtempSync(join(tmpdir(), "edgeproof-rca-klog-")), "mixed.log");
    const klog = 'W0314 10:02:31.824295       7 controller.go:1111] Service "shop/storefront-web" does not have any active Endpoint.';
    writeFileSync(log, `${klog}\n${readFileSync(join(dir, "access.log"), "utf8")}`);
    const r = await cli(["run", log, "--rules", pack, "--host", "shop.example.com", "--k8s-snapshot", join(dir, "snapshot"), "--format", "json"]);
    const spike = (JSON.parse(r.stdout).incidents as unknown[]).map((i) => Incident.parse(i)).find((i) => i.ruleId === "upstream-5xx-ratio")!;
    const zero = spike.rca!.causes.find((c) => c.cause === "zero-ready-endpoints")!;
    expect(zero.evidence).toContainEqual(expect.objectContaining({ kind: "controller-log", field: "klog" }));
  });

  it("run --kubeconfig takes the snapshot live (real client, recorded API) and finds what the saved snapshot gives", async () => {
    const fake = await FakeApiServer.start(crashloopRoutes(join(REPO, "fixtures")));
    try {
      const dir = join(SCENARIOS, "crashloop");
      const args = ["run", join(dir, "access.log"), "--rules", pack, "--host", "shop.example.com", "--format", "json"];
      const [live, saved] = await Promise.all([
        cli([...args, "--kubeconfig", fake.kubeconfig(), "--context", "fake"]),
        cli([...args, "--k8s-snapshot", join(dir, "snapshot")]),
      ]);
      expect(live.code, live.stderr).toBe(0);
      const rca = (out: string) => (JSON.parse(out).incidents as unknown[]).map((i) => Incident.parse(i)).find((i) => i.ruleId === "upstream-5xx-ratio")!.rca!;
      expect(rca(live.stdout).causes.map((c) => `${c.cause}:${c.confidence}`)).toEqual(["crashloop:high"]);
      expect(rca(live.stdout).causes).toEqual(rca(saved.stdout).causes);
      expect(fake.seen.every((r) => r.method === "GET")).toBe(true);
    } finally {
      fake.close();
    }
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(SCENARIOS, name);
      const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as { causes: Array<{ cause: string; confidence: string }> };
      const r = await cli(["run", join(dir, "access.log"), "--rules", pack, "--host", "shop.example.com", "--k8s-snapshot", join(dir, "snapshot"), "--format", "json"]);
      expect(r.code).toBe(0);
      const spikes = (JSON.parse(r.stdout).incidents as unknown[]).map((i) => Incident.parse(i)).filter((i) => i.ruleId === "upstream-5xx-ratio");
      expect(spikes).toHaveLength(1);
      const rca = spikes[0].rca!;
      expect(rca.causes.map((c) => `${c.cause}:${c.confidence}`)).toEqual(expected.causes.map((c) => `${c.cause}:${c.confidence}`));
      if (!expected.causes.some((c) => c.confidence === "high")) expect(rca.summary).toMatch(/No high-confidence cause/);
      for (const c of rca.causes) expect(spikes[0].proof).toContain(`${c.cause} [${c.confidence}]`);
    });
  }
});
