import { createRequire } from "node:module";
import type { RegexChecker } from "@edgeproof/engine";

// Loaded on the first pattern that needs it (most packs have none: trivially linear patterns skip it): the
// analyser is 2.8 MB of JavaScript that would otherwise load with every command.
const load = createRequire(import.meta.url);
let checkSync: typeof import("recheck").checkSync | undefined;

// Per pattern when a pack is loaded. A pattern recheck cannot decide in this time is refused (engine policy), so
// the budget is generous: the verdict must not flip with machine load; safe patterns take < 0.5 s, first call included.
const LOAD_TIMEOUT_MS = 10_000;

/** recheck as the engine's ReDoS analyser (its native checker when installed, else its JS one). */
export function recheckChecker(timeoutMs = LOAD_TIMEOUT_MS): RegexChecker {
  return (source, flags) => {
    checkSync ??= (load("recheck") as typeof import("recheck")).checkSync;
    return checkSync(source, flags, { timeout: timeoutMs });
  };
}
