import { resolve } from "node:path";
import { parseDuration, RulePackError, type Incident, type NearMiss, type PipelineOptions, type RulePackDoc, type RunStats } from "@edgeproof/engine";
import { defaultRulesDir, loadPacks } from "../rule-packs.js";
import { k8sHooks } from "../sources/k8s.js";
import { discoverTests, type TestCase } from "./discover.js";
import { readLog, replay, replayVariant, fingerprint, type Variant } from "./replay.js";
import { compareIncidents, describeIncident, type Mismatch } from "./match.js";
import { agreement, type Agreement } from "./reference.js";
import { seededRandom, seedFrom } from "./prng.js";
import { actorProblem, judgeActors, knownActors, type ActorVerdict } from "./precision.js";

export interface SuiteOptions {
  /** Packs under test; default the bundled rules/. A test's own `rules:` replaces them for that test. */
  rules?: string[];
  /** Replaces every test's own seed, to replay a reported metamorphic failure. */
  seed?: number;
  /** Metamorphic replays per test (chunked, shuffled within the lateness); 0 turns them off. */
  metamorphicRuns?: number;
}

export interface MetamorphicFailure {
  variant: Variant;
  diff: Mismatch[];
}

export interface CaseResult {
  test: TestCase;
  passed: boolean;
  problems: string[];
  /** Worth showing, not failing on (e.g. snapshot objects that could not be used). */
  notes: string[];
  mismatches: Mismatch[];
  metamorphicRuns: number;
  metamorphicFailures: MetamorphicFailure[];
  /** Why inputs were only chunked, not shuffled (the input itself has late events). */
  shuffleSkipped?: string;
  incidents: Incident[];
  nearMisses: NearMiss[];
  stats?: RunStats;
  agreement?: Agreement;
  /** The known clients (actors, reference keys) and what the incidents did to each. */
  actors: ActorVerdict[];
  packs: RulePackDoc[];
}

export const DEFAULT_METAMORPHIC_RUNS = 3;

/** Runs every test found under `paths` against the packs under test (which it returns, for coverage). */
export async function runTests(paths: string[], opts: SuiteOptions = {}): Promise<{ results: CaseResult[]; packs: RulePackDoc[] }> {
  // Packs under test are the user's own input; `lint` is where their regexes are judged.
  const packs = loadPacks(opts.rules?.length ? opts.rules : [defaultRulesDir()], { regexSafety: false });
  const results: CaseResult[] = [];
  for (const test of discoverTests(paths)) results.push(await runCase(test, packs, opts));
  return { results, packs };
}

export async function runCase(test: TestCase, suitePacks: RulePackDoc[], opts: SuiteOptions = {}): Promise<CaseResult> {
  const result: CaseResult = { test, passed: false, problems: [...test.problems], notes: [], mismatches: [], metamorphicRuns: 0, metamorphicFailures: [], incidents: [], nearMisses: [], actors: [], packs: suitePacks };
  if (result.problems.length) return result;
  const e = test.expected;
  let packs = suitePacks;
  if (e.rules) {
    try {
      packs = loadPacks(e.rules.map((r) => resolve(test.dir, r)), { regexSafety: false });
    } catch (err) {
      result.problems.push(err instanceof RulePackError ? `invalid pack override:\n${err.message}` : (err as Error).message);
      return result;
    }
  }
  result.packs = packs;
  const lateness = parseDuration(e.lateness ?? "5s");
  if (lateness === undefined) {
    result.problems.push(`lateness must be a duration such as 5s, got "${e.lateness}"`);
    return result;
  }
  const options: PipelineOptions = {
    packs,
    format: e.logFormat ?? "auto",
    host: e.host,
    allowedLatenessMs: lateness,
    ...(e.k8sSnapshot ? await k8sHooks({ k8sSnapshot: resolve(test.dir, e.k8sSnapshot) }, (m) => result.notes.push(m)) : {}),
  };
  const inputs = test.inputs.map((f) => readLog(f, test.skipLines));
  const base = replay(inputs, options);
  result.incidents = base.flush();
  result.nearMisses = base.nearMisses();
  result.stats = base.stats;
  result.mismatches = compareIncidents(e, result.incidents);
  result.actors = judgeActors(knownActors(e), result.incidents);
  // Reference keys are judged by the agreement below (with its recorded differences); actors fail here.
  for (const v of judgeActors(e.actors, result.incidents)) {
    const problem = actorProblem(v);
    if (problem) result.problems.push(problem);
  }

  if (e.reference) {
    result.agreement = agreement(e.reference, result.incidents);
    for (const k of result.agreement.unexplained) result.problems.push(`disagrees with ${e.reference.source} on ${k} and no reference.differences entry explains why`);
    for (const k of result.agreement.stale) result.problems.push(`reference.differences explains ${k}, but edgeproof now agrees with ${e.reference.source} there: remove the entry`);
  }

  const runs = opts.metamorphicRuns ?? DEFAULT_METAMORPHIC_RUNS;
  const shuffle = base.stats.late === 0;
  if (!shuffle) result.shuffleSkipped = `${base.stats.late} events of the input itself arrive later than the lateness`;
  const baseline = new Map(result.incidents.map((i) => [fingerprint(i), i]));
  const firstSeed = opts.seed ?? seedFrom(test.name);
  for (let r = 0; r < runs; r++) {
    const seed = (firstSeed + r) >>> 0;
    const { pipeline, variant } = replayVariant(inputs, options, seed, seededRandom(seed), shuffle);
    const got = new Map(pipeline.flush().map((i) => [fingerprint(i), i]));
    const diff: Mismatch[] = [];
    for (const [fp, i] of baseline) if (!got.has(fp)) diff.push({ sign: "-", text: describeIncident(i) });
    for (const [fp, i] of got) if (!baseline.has(fp)) diff.push({ sign: "+", text: describeIncident(i) });
    if (diff.length) result.metamorphicFailures.push({ variant, diff });
    result.metamorphicRuns++;
  }
  result.passed = !result.problems.length && !result.mismatches.length && !result.metamorphicFailures.length;
  return result;
}
