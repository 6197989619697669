import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Incident } from "@edgeproof/engine";
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
