import { checkSync } from "recheck";
import type { RegexChecker } from "@edgeproof/engine";

// Per pattern. A pattern recheck cannot decide in this time is refused (engine rules/regex-safety.ts policy).
// Generous, because the verdict must not flip with machine load: safe patterns take < 0.5 s, first call included.
const CHECK_TIMEOUT_MS = 10_000;

/** recheck as the engine's ReDoS analyser; its native checker when installed, else its JS one. */
export const recheckChecker: RegexChecker = (source, flags) => checkSync(source, flags, { timeout: CHECK_TIMEOUT_MS });
