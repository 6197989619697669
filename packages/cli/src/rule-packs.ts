import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRulePack, type RulePackDoc } from "@edgeproof/engine";

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
 * can name `lists/...` shared by every pack under `rules/`). Throws RulePackError naming file:line:col.
 */
export function loadPacks(paths: string[]): RulePackDoc[] {
  return packFiles(paths).map((file) => {
    const dir = dirname(file);
    return loadRulePack(readFileSync(file, "utf8"), file, (p) => {
      for (const base of [dir, dirname(dir)]) {
        const candidate = resolve(base, p);
        if (existsSync(candidate)) return readFileSync(candidate, "utf8");
      }
      return undefined;
    });
  });
}
