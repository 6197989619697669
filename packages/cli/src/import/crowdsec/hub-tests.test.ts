import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { assertSafeRegexes, loadRulePack } from "@edgeproof/engine";
import { importCrowdsec } from "./import-pack.js";
import { KNOWN_DIFFERENCES, runHubTests } from "./hub-fidelity.js";
import { recheckChecker } from "../../regex-check.js";
import { HUB_COMMIT, hubImport } from "./hub-reference.js";
import { renderCoverage } from "./coverage.js";

/**
 * The translation against the hub's own tests: each hub test that names its scenarios runs with exactly those
 * translated rules (whatever the default set's policy), so what is measured is the translation, including the
 * leaky bucket → window mapping, and not edgeproof's choice of rules.
 */
const REPO = join(import.meta.dirname, "../../../../..");
const REF = join(REPO, "../shared/reference");
const HUB = join(REF, "crowdsec-hub");
const TESTS = join(REF, "nginx/crowdsec-hub-tests");
const haveRef = existsSync(HUB) && existsSync(TESTS);

const imported = haveRef ? importCrowdsec({ paths: [join(HUB, "scenarios"), join(HUB, "parsers")], dataDirs: [join(REF, "attacks/crowdsec-sec-lists")], name: "hub", version: "t" }) : undefined;

describe.skipIf(!haveRef)("translated hub scenarios against the hub's tests", () => {
  const results = haveRef ? runHubTests(imported!, TESTS) : [];
  for (const r of results) {
    it(r.test, () => {
      if (KNOWN_DIFFERENCES[r.test]) expect(r.agree, KNOWN_DIFFERENCES[r.test]).toBe(false);
      else expect(r.got, `${r.test}: scenarios ${r.scenarios.join(", ")}`).toEqual(r.expected);
    });
  }
  it("agree on every hub test but the known differences", () => {
    expect(results.filter((r) => r.agree).length).toBe(results.length - Object.keys(KNOWN_DIFFERENCES).length);
    expect(results.length).toBeGreaterThanOrEqual(50);
  });
});

describe.skipIf(!haveRef)("the generated pack", () => {
  it("loads with every regex proven free of catastrophic backtracking", () => {
    const text = imported!.packText;
    const pack = loadRulePack(text, "hub.yaml", (p) => imported!.lists.get(basename(p)));
    expect(() => assertSafeRegexes(pack, recheckChecker(), () => ({ line: 1, col: 1 }))).not.toThrow();
  }, 120_000);

  it("rules/crowdsec/ is what `npm run import:hub` writes from the reference (regenerate it when this fails)", () => {
    const { options, out } = hubImport(REPO);
    const r = importCrowdsec(options);
    expect(readFileSync(join(out, "crowdsec-hub.yaml"), "utf8")).toBe(r.packText);
    expect(readdirSync(join(out, "lists")).sort()).toEqual([...r.lists.keys()].sort());
    for (const [name, text] of r.lists) expect(readFileSync(join(out, "lists", name), "utf8"), name).toBe(text);
    const coverage = renderCoverage({ imported: r, hubCommit: HUB_COMMIT, fidelity: runHubTests(r, TESTS), knownDifferences: KNOWN_DIFFERENCES, conformance: readFileSync(join(REPO, "fixtures/conformance.md"), "utf8") });
    expect(readFileSync(join(out, "COVERAGE.md"), "utf8")).toBe(coverage);
  }, 60_000);
});

/**
 * The leaky bucket as CrowdSec runs it: a token bucket of `capacity` tokens refilled one per `leakspeed`
 * (golang.org/x/time/rate, in event time), an event overflowing when no whole token is left.
 */
function bucketOverflows(times: number[], capacity: number, leakMs: number): boolean {
  let tokens = capacity;
  let last = times[0] ?? 0;
  for (const t of times) {
    tokens = Math.min(capacity, tokens + (t - last) / leakMs);
    last = t;
    if (tokens < 1) return true;
    tokens -= 1;
  }
  return false;
}

/** The translation: capacity + 1 events within one leakspeed, (t − L, t]. */
function windowFires(times: number[], capacity: number, leakMs: number): boolean {
  return times.some((t, i) => times.filter((u, j) => j <= i && u > t - leakMs).length >= capacity + 1);
}

describe("leaky bucket → exact window", () => {
  const arb = fc.record({
    capacity: fc.integer({ min: 0, max: 12 }),
    leakMs: fc.integer({ min: 200, max: 20_000 }),
    gaps: fc.array(fc.integer({ min: 0, max: 30_000 }), { maxLength: 40 }),
  });
  const timesOf = (gaps: number[]) => gaps.reduce<number[]>((acc, g) => [...acc, (acc[acc.length - 1] ?? 0) + g], []);

  it("fires only when the bucket overflows: capacity + 1 events within one leakspeed always overflow it", () => {
    fc.assert(
      fc.property(arb, ({ capacity, leakMs, gaps }) => {
        const times = timesOf(gaps);
        if (windowFires(times, capacity, leakMs)) expect(bucketOverflows(times, capacity, leakMs)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees on bursts, and misses what the bucket catches only by sustained rate (documented in COVERAGE.md)", () => {
    // Burst: six requests in one second, capacity 5, leakspeed 10s: both overflow.
    expect(windowFires([0, 100, 200, 300, 400, 500], 5, 10_000)).toBe(true);
    expect(bucketOverflows([0, 100, 200, 300, 400, 500], 5, 10_000)).toBe(true);
    // Sustained: one request every 2 s: the bucket (one token per 10 s) empties at the 7th, no 10 s holds 6.
    const paced = Array.from({ length: 12 }, (_, i) => i * 2000);
    expect(bucketOverflows(paced, 5, 10_000)).toBe(true);
    expect(windowFires(paced, 5, 10_000)).toBe(false);
  });
});
