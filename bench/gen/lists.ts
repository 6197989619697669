import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Default copy of the CrowdSec sec-lists (see fixtures/bench/SOURCE.md). */
export const DEFAULT_LISTS_DIR = fileURLToPath(new URL("../../fixtures/bench/sec-lists", import.meta.url));

/** Probe paths and scanner user agents built from the attack lists scanners are matched against. */
export type ProbeLists = {
  sensitive: string[];
  admin: string[];
  backdoors: string[];
  traversal: string[];
  cves: string[];
  badAgents: string[];
};

function lines(dir: string, name: string): string[] {
  return readFileSync(join(dir, name), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

// The lists hold file suffixes and names, not paths: a scanner asks for them under a few usual places.
const SENSITIVE_DIRS = ["", "backup/", "old/", "wp-content/", "app/", "api/", "www/"];
const BACKDOOR_DIRS = ["", "wp-content/plugins/", "wp-includes/", "uploads/", "images/", "cgi-bin/"];
const TRAVERSAL_BASES = ["/static/", "/cgi-bin/", "/download?file=", "/index.php?page=", "/img/"];

export function loadProbeLists(dir: string = DEFAULT_LISTS_DIR): ProbeLists {
  const sensitive = lines(dir, "sensitive_data.txt").flatMap((s) =>
    SENSITIVE_DIRS.map((d) => (s.startsWith(".") && d === "" ? `/${s}` : `/${d}${s.startsWith(".") ? "db" + s : s}`)),
  );
  const admin = lines(dir, "admin_interfaces.txt").flatMap((a) => [a, a.endsWith("/") ? `${a}index.php` : `${a}/`]);
  const backdoors = lines(dir, "backdoors.txt").flatMap((b) => BACKDOOR_DIRS.map((d) => `/${d}${b}`));
  // Only the patterns that go into a URL: the Windows paths with backslashes are not requests a scanner sends raw.
  const traversal = lines(dir, "path_traversal.txt")
    .filter((t) => !t.includes("\\") && !t.includes(":"))
    .flatMap((t) => TRAVERSAL_BASES.map((b) => (/\.\.|%2e|%252e/i.test(t) ? `${b}${t.repeat(4)}etc/passwd` : `${b}${t}`)));
  const cves = lines(dir, "trendy_cves_uris.json").map((l) => {
    const uri = (JSON.parse(l) as { uri: string }).uri;
    return uri.startsWith("/") ? uri : `/${uri}`;
  });
  const badAgents = lines(dir, "bad_user_agents.txt").map((ua) => `${ua}/1.0`);
  return { sensitive: dedupe(sensitive), admin: dedupe(admin), backdoors: dedupe(backdoors), traversal: dedupe(traversal), cves: dedupe(cves), badAgents };
}

function dedupe(xs: string[]): string[] {
  // A request target never holds a raw space or quote: clients percent-encode them.
  return [...new Set(xs.map((x) => x.replace(/ /g, "%20").replace(/"/g, "%22")))];
}

/** Every probe path, in a stable order. */
export function allProbes(l: ProbeLists): string[] {
  return dedupe([...l.sensitive, ...l.admin, ...l.backdoors, ...l.traversal, ...l.cves]);
}
