import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assertSafeRegexes, loadRulePack, type RulePackDoc } from "@edgeproof/engine";
import { listResolver, packFiles } from "@edgeproof/engine/node";
import { recheckChecker } from "./regex-check.js";
import { yamlPositions } from "./rule-tests/yaml-position.js";

export { packFiles };

/** The default packs shipped in the repository's `rules/` folder. */
export function defaultRulesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "../../../rules"), join(here, "../../rules"), join(process.cwd(), "rules")]) {
    if (existsSync(join(candidate, "security"))) return resolve(candidate);
  }
  throw new Error("default rule packs not found; pass --rules PATH");
}

/**
 * Loads packs (`listResolver`: list files resolve next to the pack first, then in its parent). Throws
 * RulePackError naming file:line:col, also for a regex that could backtrack catastrophically, unless
 * `regexSafety` is false (for `rule lint`, which reports those as findings next to its other ones).
 */
export function loadPacks(paths: string[], { regexSafety = true }: { regexSafety?: boolean } = {}): RulePackDoc[] {
  return packFiles(paths).map((file) => {
    const text = readFileSync(file, "utf8");
    const pack = loadRulePack(text, file, listResolver(file));
    // Pack regexes run on hostile input: refuse, at load, any that can backtrack catastrophically.
    return regexSafety ? assertSafeRegexes(pack, recheckChecker(), (path) => yamlPositions(text)(path)) : pack;
  });
}
