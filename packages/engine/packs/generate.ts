// Build step (run by tsup.config.ts): the default packs under rules/, loaded with their lists, as JSON on stdout.
// Every pack `edgeproof run` loads by default is here, whatever folders rules/ holds, because both find them
// with the same packFiles().
import { relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { RulePackDoc } from "@edgeproof/engine";
import { loadRulePackFile, packFiles } from "../node/index.js";

const REPO = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/**
 * The default packs as the CLI loads them, each named by its path under the repository (`rules/...`), so the
 * published data names no build machine's folders.
 */
export function loadDefaultPacks(rulesDir = resolve(REPO, "rules")): RulePackDoc[] {
  return packFiles([rulesDir]).map((file) => loadRulePackFile(file, relative(REPO, file).split(sep).join("/")));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.stdout.write(JSON.stringify(loadDefaultPacks()));
