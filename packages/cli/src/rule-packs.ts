import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assertSafeRegexes, loadRulePack, type RulePackDoc } from "@edgeproof/engine";
import { recheckChecker } from "./regex-check.js";
import { yamlPositions } from "./rule-tests/yaml-position.js";

const PACK_FILE = /\.ya?ml$/;

/** The default packs shipped in the repository's `rules/` folder. */
export function defaultRulesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "../../../rules"), join(here, "../../rules"), join(process.cwd(), "rules")]) {
    if (existsSync(join(candidate, "security"))) return resolve(candidate);
  }
  throw new Error("default rule packs not found; pass --rules PATH");
}

/** Every pack file under the given paths (directories are searched recursively, in sorted order). */
export function packFiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!statSync(p).isDirectory()) return [p];
    return readdirSync(p, { withFileTypes: true })
      // `tests/` folders hold rule-pack tests (expected.yaml, pack overrides), not packs.
      .filter((d) => d.name !== "lists" && d.name !== "tests" && !d.name.startsWith("."))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((d) => (d.isDirectory() ? packFiles([join(p, d.name)]) : PACK_FILE.test(d.name) && !d.name.includes(".test.") ? [join(p, d.name)] : []));
  });
}

/**
 * Loads packs; list files resolve next to the pack first, then in its parent (so `rules/security/x.yaml`
 * can name `lists/...` shared by every pack under `rules/`). Throws RulePackError naming file:line:col, also for
 * a regex that could backtrack catastrophically, unless `regexSafety` is false (for `rule lint`, which reports
 * those as findings next to its other ones).
 */
export function loadPacks(paths: string[], { regexSafety = true }: { regexSafety?: boolean } = {}): RulePackDoc[] {
  return packFiles(paths).map((file) => {
    const dir = dirname(file);
    const text = readFileSync(file, "utf8");
    const pack = loadRulePack(text, file, (p) => {
      for (const base of [dir, dirname(dir)]) {
        const candidate = resolve(base, p);
        if (existsSync(candidate)) return readFileSync(candidate, "utf8");
      }
      return undefined;
    });
    // Pack regexes run on hostile input: refuse, at load, any that can backtrack catastrophically.
    return regexSafety ? assertSafeRegexes(pack, recheckChecker(), (path) => yamlPositions(text)(path)) : pack;
  });
}
