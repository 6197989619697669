/**
 * The default rule packs (`@edgeproof/engine/packs`), with their signature lists already loaded, so that Deno,
 * Bun and browsers evaluate the same rules as `edgeproof run` without a file system.
 * @module
 */
import type { RulePackDoc } from "@edgeproof/engine";

// Filled in at build time (tsup.config.ts) with every pack under the repository's rules/ folder.
declare const __EDGEPROOF_DEFAULT_PACKS_JSON__: string;

/**
 * Every default pack `edgeproof run` loads from `rules/` (security, reliability, and any other pack folder
 * there), generated from those files when the package was built.
 *
 * @example
 * ```ts
 * import { createEngine } from "@edgeproof/engine";
 * import { defaultPacks } from "@edgeproof/engine/packs";
 * const engine = createEngine({ packs: defaultPacks });
 * ```
 */
export const defaultPacks: RulePackDoc[] = JSON.parse(__EDGEPROOF_DEFAULT_PACKS_JSON__);
