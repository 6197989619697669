import { describe, expect, it } from "vitest";
import { runTests } from "../rule-tests/run-tests.js";
import { ruleCoverage, coveragePercent } from "../rule-tests/coverage.js";
import { defaultRulesDir } from "../rule-packs.js";
import { join } from "node:path";

const root = join(defaultRulesDir(), "..");
const failures = (rs: Awaited<ReturnType<typeof runTests>>["results"]) =>
  rs.filter((r) => !r.passed).map((r) => `${r.test.name}: ${[...r.problems, ...r.mismatches.map((m) => `${m.sign} ${m.text}`), ...r.metamorphicFailures.map((f) => `arrival order (seed ${f.variant.seed})`)].join("; ")}`);

describe("edgeproof test over the repository's suites", () => {
  it("every default-pack test passes and every default rule fires in one", async () => {
    const { results, packs } = await runTests([defaultRulesDir()]);
    expect(results.length).toBeGreaterThanOrEqual(16);
    expect(failures(results)).toEqual([]);
    const cov = ruleCoverage(packs, results);
    expect(cov.filter((c) => !c.positive.length).map((c) => c.rule)).toEqual([]);
    expect(cov.filter((c) => !c.negative.length).map((c) => c.rule)).toEqual([]);
    expect(coveragePercent(cov)).toBe(100);
    // 66 tests of three packs, each replayed three more times in random chunks.
  }, 180_000);

  it("the heavy legitimate clients stay quiet and the low-and-slow scanner is caught", async () => {
    const { results } = await runTests(["spa-user", "crawler", "uptime-monitor"].map((n) => join(defaultRulesDir(), "security/tests", `heavy-legit-${n}`)));
    for (const r of results) expect(r.incidents, r.test.name).toEqual([]);
    const { results: slow } = await runTests([join(defaultRulesDir(), "security/tests/low-and-slow-scanner")]);
    expect(slow[0].incidents.map((i) => i.ruleId)).toEqual(["low-and-slow-probing"]);
  });

  it("every conformance suite passes: agreements hold and every disagreement is explained", async () => {
    const { results } = await runTests([join(root, "fixtures/conformance")], { metamorphicRuns: 1 });
    expect(results.length).toBeGreaterThanOrEqual(80);
    expect(failures(results)).toEqual([]);
    const scored = results.filter((r) => r.agreement?.scored);
    // The hub tests where edgeproof's default pack and CrowdSec agree must not silently drop.
    expect(scored.filter((r) => r.agreement!.agree).length).toBeGreaterThanOrEqual(25);
  });

  it("the benign corpus opens no security incident, and the attack corpus finds every attacker and flags no benign client", async () => {
    const { results: benign } = await runTests([join(root, "fixtures/benign")], { metamorphicRuns: 1 });
    expect(benign.length).toBeGreaterThanOrEqual(5);
    expect(failures(benign)).toEqual([]);
    for (const r of benign) expect(r.incidents.filter((i) => i.kind === "security").map((i) => `${i.ruleId} ${i.key.clientIp}`), r.test.name).toEqual([]);
    const { results: attack } = await runTests([join(root, "fixtures/attack")], { metamorphicRuns: 1 });
    expect(failures(attack)).toEqual([]);
    const actors = [...benign, ...attack].flatMap((r) => r.actors);
    expect(actors.filter((a) => a.role === "benign").length).toBeGreaterThanOrEqual(100);
    expect(actors.filter((a) => a.role === "benign" && a.incidents > 0)).toEqual([]);
    const attackers = actors.filter((a) => a.role === "attacker");
    expect(attackers.length).toBeGreaterThanOrEqual(19);
    expect(attackers.filter((a) => a.incidents === 0)).toEqual([]);
  });
});
