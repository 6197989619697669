import { readFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRulePack, type RulePackDoc } from "../src/rules/index.js";

/** Repository root, for tests that read the bundled rules and fixtures. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Loads the bundled default packs the way the CLI does (lists resolved under rules/). */
export function defaultPacks(): RulePackDoc[] {
  return ["rules/security/http-security.yaml", "rules/reliability/http-5xx.yaml"].map((f) => loadPackFile(resolve(REPO, f)));
}

export function loadPackFile(file: string): RulePackDoc {
  const dir = dirname(file);
  return loadRulePack(readFileSync(file, "utf8"), file, (p) => {
    for (const base of [dir, dirname(dir)]) if (existsSync(resolve(base, p))) return readFileSync(resolve(base, p), "utf8");
    return undefined;
  });
}
