import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { LineCounter, parseAllDocuments, isMap, isScalar, isSeq, stringify, type Document } from "yaml";
import type { Exclusion, Rule } from "@edgeproof/engine";
import { translateScenario, type HubScenario } from "./scenario.js";
import { translateWhitelist, type HubWhitelist } from "./whitelist.js";
import type { SignatureClass } from "./express.js";
import { goRegexToJs } from "./go-regex.js";

/**
 * `edgeproof import crowdsec`: hub scenario and whitelist files → one edgeproof pack. Every document read
 * ends up in the report: translated (with what was approximated), or skipped with `file:line` and why.
 */
export interface ImportOptions {
  /** Files or directories of hub YAML (scenarios and whitelist parsers). */
  paths: string[];
  /** Where the data files the scenarios load (`data: dest_file`) are found. */
  dataDirs: string[];
  name: string;
  version: string;
  /** Edgeproof's own decisions about translated rules: which are off in the default set and why. */
  policy?: ImportPolicy;
}

export interface ImportPolicy {
  /** Keyed by hub scenario name. */
  rules: Record<string, { enabled?: boolean; coveredBy?: string; reason: string }>;
}

export interface ScenarioReport {
  name: string;
  file: string;
  source: string;
  status: "exact" | "approximated" | "skipped";
  ruleId?: string;
  approximations: string[];
  reason?: string;
  label?: string;
  cves: string[];
  type?: string;
  enabled?: boolean;
  coveredBy?: string;
  policyReason?: string;
}

export interface ImportResult {
  /** The pack file's text and the data files to write beside it (name → content). */
  packText: string;
  lists: Map<string, string>;
  scenarios: ScenarioReport[];
  whitelists: Array<{ name: string; file: string; exclusions: number; skipped: Array<{ at: string; reason: string }> }>;
  /** Files that could not be read or are not hub YAML. */
  problems: Array<{ at: string; reason: string }>;
}

export function importCrowdsec(opts: ImportOptions): ImportResult {
  const result: ImportResult = { packText: "", lists: new Map(), scenarios: [], whitelists: [], problems: [] };
  const rules: Rule[] = [];
  const classes: SignatureClass[] = [];
  const exclusions: Exclusion[] = [];
  const listFiles = new Map<string, { file: string; regex: boolean }>();

  for (const file of yamlFiles(opts.paths, result)) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      result.problems.push({ at: `${file}:1`, reason: `unreadable: ${(err as Error).message}` });
      continue;
    }
    const lc = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lc });
    if (!Array.isArray(docs)) {
      result.problems.push({ at: `${file}:1`, reason: "empty file" });
      continue;
    }
    const short = displayPath(file);
    for (const doc of docs) {
      const line = docLine(doc, lc);
      if (doc.errors.length) {
        const e = doc.errors[0];
        result.problems.push({ at: `${short}:${lc.linePos(e.pos[0]).line}`, reason: `not YAML: ${e.message.split("\n")[0]}` });
        continue;
      }
      const js = doc.toJS() as Record<string, unknown> | null;
      if (!js || typeof js !== "object") continue;
      if ("whitelist" in js) {
        const w = js as HubWhitelist;
        const lines = expressionLines(doc, lc);
        const r = translateWhitelist(w, short, lines);
        exclusions.push(...r.exclusions);
        result.whitelists.push({ name: w.name ?? short, file: short, exclusions: r.exclusions.length, skipped: r.skipped });
        continue;
      }
      if (!("filter" in js) || !("type" in js || "leakspeed" in js)) {
        result.problems.push({ at: `${short}:${line}`, reason: "neither a scenario (filter + type) nor a whitelist parser" });
        continue;
      }
      const s = js as HubScenario;
      const source = `${short}:${line}`;
      const r = translateScenario(s, { source, file: short, line, filterLine: filterLine(doc, lc) });
      const labels = (s.labels ?? {}) as Record<string, unknown>;
      const base: ScenarioReport = {
        name: s.name ?? source,
        file: short,
        source,
        status: "skipped",
        approximations: [],
        label: typeof labels.label === "string" ? labels.label : undefined,
        cves: Array.isArray(labels.classification) ? labels.classification.filter((c): c is string => typeof c === "string" && /^cve\./i.test(c)).map((c) => c.slice(4)) : [],
        type: s.type,
      };
      if (!r.ok) {
        result.scenarios.push({ ...base, status: "skipped", reason: r.reason, source: r.at });
        continue;
      }
      // Data files: found by dest_file, else by the source_url's name (the hub renames some on download).
      for (const c of r.classes) {
        if (!c.list) continue;
        const wanted = c.list.file;
        const spec = s.data?.find((d) => d.dest_file === wanted);
        const found = findData(opts.dataDirs, [wanted, spec?.source_url ? basename(spec.source_url) : undefined]);
        if (!found) {
          result.scenarios.push({ ...base, reason: `data file ${wanted} not found in ${opts.dataDirs.join(", ") || "(no --data directory)"}` });
          r.rule.enabled = false;
          break;
        }
        listFiles.set(wanted, { file: found, regex: r.regexLists.has(wanted) || listFiles.get(wanted)?.regex === true });
      }
      if (r.rule.enabled === false) continue;
      const policy = opts.policy?.rules[s.name!];
      if (policy?.enabled === false) Object.assign(r.rule, { enabled: false, disabledBecause: policy.coveredBy ? `covered instead by ${policy.coveredBy}: ${policy.reason}` : policy.reason });
      if (rules.some((x) => x.id === r.rule.id)) r.rule.id = `${r.rule.id}-${rules.length + 1}`;
      rules.push(r.rule);
      classes.push(...r.classes);
      result.scenarios.push({
        ...base,
        status: r.approximations.length ? "approximated" : "exact",
        ruleId: r.rule.id,
        approximations: r.approximations,
        enabled: r.rule.enabled,
        ...(policy?.coveredBy ? { coveredBy: policy.coveredBy } : {}),
        ...(policy ? { policyReason: policy.reason } : {}),
        ...(volumeOfOneSource(r.rule) ? { reason: VOLUME_OF_ONE_SOURCE } : {}),
      });
    }
  }

  for (const [name, { file, regex }] of listFiles) {
    const content = readFileSync(file, "utf8");
    result.lists.set(name, regex ? jsRegexList(content, name, result) : content);
  }
  result.packText = renderPack(opts, rules, classes, exclusions, listFiles);
  return result;
}

/** A regex data file with each Go pattern in its JavaScript spelling; unconvertible lines are dropped and reported. */
function jsRegexList(content: string, name: string, result: ImportResult): string {
  return content
    .split("\n")
    .map((line, i) => {
      const t = line.trim();
      if (!t || t.startsWith("#")) return line;
      const re = goRegexToJs(t);
      if (re.ok && !re.ignoreCase) return re.source;
      result.problems.push({ at: `${name}:${i + 1}`, reason: re.ok ? "a (?i) entry in a case-sensitive list" : re.reason });
      return `# not translated (${re.ok ? "(?i)" : re.reason}): ${t}`;
    })
    .join("\n");
}

function renderPack(opts: ImportOptions, rules: Rule[], classes: SignatureClass[], exclusions: Exclusion[], listFiles: Map<string, { regex: boolean }>): string {
  const lists: Record<string, unknown> = {};
  const signatures: Record<string, unknown> = {};
  for (const c of classes) {
    const list: Record<string, unknown> = c.list
      ? { file: `lists/${c.list.file}`, match: c.match, caseSensitive: c.caseSensitive, ...(c.list.jsonKey ? { jsonKey: c.list.jsonKey } : {}), ...(c.list.jsonMatchKey ? { jsonMatchKey: c.list.jsonMatchKey } : {}) }
      : { items: c.items, match: c.match, caseSensitive: c.caseSensitive };
    if (c.list && listFiles.get(c.list.file)?.regex) list.match = "regex";
    lists[c.cls] = list;
    signatures[c.cls] = { list: c.cls, fields: c.fields, exploit: c.exploit };
  }
  const pack = {
    apiVersion: "edgeproof/v1",
    name: opts.name,
    version: opts.version,
    description: "Generated by `edgeproof import crowdsec` from CrowdSec hub scenarios and whitelists; do not edit by hand (see COVERAGE.md).",
    lists,
    signatures,
    exclusions,
    rules,
  };
  return `# Generated by edgeproof import crowdsec; regenerate with \`npm run import:hub\`.\n${stringify(pack, { lineWidth: 0 })}`;
}

function yamlFiles(paths: string[], result: ImportResult): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) {
      result.problems.push({ at: `${p}:1`, reason: "no such file or directory" });
      continue;
    }
    if (statSync(p).isDirectory()) {
      out.push(
        ...readdirSync(p)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(p, f)),
      );
    } else out.push(p);
  }
  return out;
}

function findData(dirs: string[], names: Array<string | undefined>): string | undefined {
  for (const n of names) for (const d of dirs) if (n && existsSync(join(d, n))) return join(d, n);
  return undefined;
}

function displayPath(file: string): string {
  const parts = file.split("/");
  return parts.slice(-2).join("/");
}

function docLine(doc: Document, lc: LineCounter): number {
  const c = doc.contents;
  return c && c.range ? lc.linePos(c.range[0]).line : 1;
}

/** The line the filter text starts on (a block scalar starts on the line after `filter: |`). */
function filterLine(doc: Document, lc: LineCounter): number {
  const node = doc.get("filter", true);
  if (!isScalar(node) || !node.range) return docLine(doc, lc);
  const line = lc.linePos(node.range[0]).line;
  return node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED" ? line + 1 : line;
}

function expressionLines(doc: Document, lc: LineCounter): number[] {
  const wl = doc.get("whitelist", true);
  if (!isMap(wl)) return [];
  const seq = wl.get("expression", true);
  if (!isSeq(seq)) return [];
  return seq.items.map((n) => (isScalar(n) && n.range ? lc.linePos(n.range[0]).line : docLine(doc, lc)));
}

/**
 * CrowdSec's `http:dos` scenarios count one source address's requests (`groupby: evt.Meta.source_ip`): they stay
 * per-client rules. A flood spread over many sources, each under every per-client threshold, is what the
 * volumetric kind sees instead (a host's rate against its own baseline), so none of them maps onto it.
 */
const VOLUME_OF_ONE_SOURCE =
  "http:dos per source IP (groupby evt.Meta.source_ip): a per-client rule, not the volumetric kind; a flood spread over many sources is `http-volumetric/host-flood` and `upstream-flood`";

function volumeOfOneSource(rule: { origin?: { behavior?: string }; groupBy: string[] }): boolean {
  return rule.origin?.behavior === "http:dos" && rule.groupBy.includes("clientIp");
}
