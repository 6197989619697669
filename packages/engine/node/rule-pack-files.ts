import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadRulePack, type ResolveFile, type RulePackDoc } from "@edgeproof/engine";

const PACK_FILE = /\.ya?ml$/;

/**
 * Every pack file under the given paths, as `edgeproof run --rules` finds them: a file is taken as given, a
 * directory is searched recursively in sorted order for `*.yaml`/`*.yml`, skipping `lists/` (list files),
 * `tests/` (rule-pack tests), dot folders and `*.test.*` files.
 */
export function packFiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!statSync(p).isDirectory()) return [p];
    return readdirSync(p, { withFileTypes: true })
      .filter((d) => d.name !== "lists" && d.name !== "tests" && !d.name.startsWith("."))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((d) => (d.isDirectory() ? packFiles([join(p, d.name)]) : PACK_FILE.test(d.name) && !d.name.includes(".test.") ? [join(p, d.name)] : []));
  });
}

/**
 * The list-file resolver for a pack on disk, for `loadRulePack(text, file, resolver)`: a list file named by the
 * pack is looked up next to the pack first, then in its parent folder (so `rules/security/x.yaml` can name
 * `lists/...` shared by every pack under `rules/`).
 */
export function listResolver(packFile: string): ResolveFile {
  const dir = dirname(packFile);
  return (path) => {
    for (const base of [dir, dirname(dir)]) {
      const candidate = resolve(base, path);
      if (existsSync(candidate)) return readFileSync(candidate, "utf8");
    }
    return undefined;
  };
}

/**
 * Loads one pack file with its list files. Throws `RulePackError` naming `file:line:column` and the field.
 * `name` is what the pack records as its file (default: the path as given).
 */
export function loadRulePackFile(file: string, name = file): RulePackDoc {
  return loadRulePack(readFileSync(file, "utf8"), name, listResolver(file));
}

/**
 * Loads every pack under the given files or directories ({@link packFiles}), with their lists: what
 * `edgeproof run --rules PATH...` evaluates.
 *
 * @example
 * ```ts
 * import { createEngine } from "@edgeproof/engine";
 * import { loadRulePacks } from "@edgeproof/engine/node";
 * const engine = createEngine({ packs: loadRulePacks(["./my-rules"]) });
 * ```
 */
export function loadRulePacks(paths: string[]): RulePackDoc[] {
  return packFiles(paths).map((file) => loadRulePackFile(file));
}
