import { createRequire } from "node:module";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { RegexChecker, RegexDiagnostics } from "@edgeproof/engine";

// Loaded on the first pattern that needs it (most packs have none: trivially linear patterns skip it): the
// analyser is 2.8 MB of JavaScript that would otherwise load with every command.
const load = createRequire(import.meta.url);
let checkSync: typeof import("recheck").checkSync | undefined;

// Per pattern when a pack is loaded. A pattern recheck cannot decide in this time is refused (engine policy), so
// the budget is generous: the verdict must not flip with machine load; safe patterns take < 0.5 s, first call included.
const LOAD_TIMEOUT_MS = 10_000;

/** recheck as the engine's ReDoS analyser (its native checker when installed, else its JS one), its verdicts cached. */
export function recheckChecker(timeoutMs = LOAD_TIMEOUT_MS, cache: VerdictCache | undefined = defaultCache()): RegexChecker {
  return (source, flags) => {
    const key = `${flags}/${source}`;
    const known = cache?.get(key);
    if (known) return known;
    checkSync ??= (load("recheck") as typeof import("recheck")).checkSync;
    const d = checkSync(source, flags, { timeout: timeoutMs });
    const verdict: RegexDiagnostics = {
      status: d.status,
      ...(d.status === "vulnerable" ? { complexity: d.complexity, ...(d.attack ? { attack: { pattern: d.attack.pattern } } : {}) } : {}),
      ...(d.status === "unknown" ? { error: { kind: d.error.kind } } : {}),
    };
    // An undecided pattern (a timeout) may be decided on a quieter machine: only verdicts are kept.
    if (verdict.status !== "unknown") cache?.set(key, verdict);
    return verdict;
  };
}

/**
 * recheck's verdicts on disk, keyed by its version, the flags and the pattern: a pattern it fuzzes takes 1–2 s
 * to decide, and an imported pack (the CrowdSec hub's) holds several, which every command would otherwise pay
 * again at each start. A verdict depends on nothing but the pattern, flags and analyser version.
 */
export class VerdictCache {
  private entries: Record<string, RegexDiagnostics> | undefined;
  constructor(private readonly file: string) {}

  get(key: string): RegexDiagnostics | undefined {
    return this.read()[key];
  }

  set(key: string, v: RegexDiagnostics): void {
    this.read()[key] = v;
    try {
      mkdirSync(join(this.file, ".."), { recursive: true });
      // Written whole and renamed, so a concurrent reader sees the old file or the new one.
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.entries));
      renameSync(tmp, this.file);
    } catch {
      // A read-only home only costs the next run the analysis again.
    }
  }

  private read(): Record<string, RegexDiagnostics> {
    if (!this.entries) {
      try {
        const parsed = JSON.parse(readFileSync(this.file, "utf8"));
        this.entries = parsed && typeof parsed === "object" ? parsed : {};
      } catch {
        this.entries = {};
      }
    }
    return this.entries!;
  }
}

function defaultCache(): VerdictCache | undefined {
  if (process.env.EDGEPROOF_REGEX_CACHE === "off") return undefined;
  const version = (load("recheck/package.json") as { version: string }).version;
  const dir = process.env.EDGEPROOF_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "edgeproof");
  return new VerdictCache(join(dir, `regex-verdicts-recheck-${version}.json`));
}
