import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { z } from "zod";
import { RulePackShell, Rule, SeedRule, ListSpec, VolumetricRule, type Exclusion, type SignatureSpec } from "./schema.js";
import { RulePackError, formatPath, type PackProblem } from "./problems.js";
import { fnv1a64 } from "../util/hash.js";

/** A validated pack whose rules all have the rich shape and whose lists are resolved to entries. */
export interface RulePackDoc {
  name: string;
  version: string;
  description?: string;
  /** Short hash of the pack text and its list files: proof blocks cite it so a result names the exact rules. */
  hash: string;
  file: string;
  lists: Record<string, { spec: ListSpec; entries: ListEntry[] }>;
  signatures: Record<string, SignatureSpec>;
  /** Requests hidden from every security rule of every pack loaded with this one. */
  exclusions: Exclusion[];
  rules: Rule[];
  /** Volumetric rules (`kind: volumetric`), kept apart: they count a host's traffic, never a client's. */
  volumetric?: VolumetricRule[];
}

/** One entry of a loaded list, with how it matches. */
export interface ListEntry {
  value: string;
  match: ListSpec["match"];
  /** Tag carried by JSON-lines lists (e.g. a CVE id), shown as evidence. */
  tag?: string;
}

/** Reads a list file named by a pack; the caller owns I/O. Undefined means "not found". */
export type ResolveFile = (path: string) => string | undefined;

// Bounded alias expansion keeps a "billion laughs" pack from hanging the loader.
const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: false, maxAliasCount: 1000 } as const;

/**
 * Parses and validates a rule pack from its YAML text. `file` names it in errors; `resolveFile` reads the list
 * files it names (the engine does no I/O: in Node, `listResolver` from `@edgeproof/engine/node` reads them
 * from disk). Throws {@link RulePackError} naming `file:line:column` and the field of every problem.
 */
export function loadRulePack(text: string, file: string, resolveFile: ResolveFile = () => undefined): RulePackDoc {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  const problems: PackProblem[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, line: pos.line, col: pos.col, path: "", message: e.message.split("\n")[0] };
  });
  if (problems.length) throw new RulePackError(problems);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: YAML_OPTIONS.maxAliasCount });
  } catch (err) {
    throw new RulePackError([{ file, line: 1, col: 1, path: "", message: (err as Error).message }]);
  }
  const at = positioner(doc, lineCounter, file);

  const shell = RulePackShell.safeParse(raw);
  if (!shell.success) throw new RulePackError(issuesToProblems(shell.error.issues, [], at));

  const rules: Rule[] = [];
  const volumetric: VolumetricRule[] = [];
  shell.data.rules.forEach((candidate, i) => {
    if (candidate.kind === "volumetric") {
      const parsed = VolumetricRule.safeParse(candidate);
      if (parsed.success) volumetric.push(parsed.data);
      else problems.push(...issuesToProblems(parsed.error.issues, ["rules", i], at));
      return;
    }
    const isSeed = "detection" in candidate;
    const parsed = isSeed ? SeedRule.safeParse(candidate) : Rule.safeParse(candidate);
    if (!parsed.success) {
      problems.push(...issuesToProblems(parsed.error.issues, ["rules", i], at));
      return;
    }
    rules.push(isSeed ? fromSeed(parsed.data as SeedRule) : (parsed.data as Rule));
  });

  const seen = new Map<string, number>();
  shell.data.rules.forEach((r, i) => {
    if (typeof r.id !== "string") return;
    if (seen.has(r.id)) problems.push({ ...at(["rules", i, "id"]), message: `duplicate rule id "${r.id}" (first at rules[${seen.get(r.id)}])` });
    else seen.set(r.id, i);
  });

  const lists: RulePackDoc["lists"] = {};
  let listText = "";
  for (const [name, spec] of Object.entries(shell.data.lists)) {
    let source = spec.items?.join("\n") ?? "";
    if (spec.file) {
      const content = resolveFile(spec.file);
      if (content === undefined) {
        problems.push({ ...at(["lists", name, "file"]), message: `list file not found: ${spec.file}` });
        continue;
      }
      source = content;
    }
    listText += `\n#${name}\n${source}`;
    const entries = readListEntries(source, spec);
    if (typeof entries === "string") {
      problems.push({ ...at(["lists", name]), message: entries });
      continue;
    }
    lists[name] = { spec, entries };
  }

  for (const [name, sig] of Object.entries(shell.data.signatures)) {
    for (const list of Array.isArray(sig.list) ? sig.list : [sig.list]) {
      if (!(list in shell.data.lists)) problems.push({ ...at(["signatures", name, "list"]), message: `unknown list "${list}"` });
    }
  }
  const checkMatch = (match: Rule["match"], path: PropertyKey[]) =>
    match.forEach((p, j) => {
      if (p.field === "signature") {
        for (const v of Array.isArray(p.value) ? p.value : [p.value]) {
          if (!(String(v) in shell.data.signatures)) problems.push({ ...at([...path, j, "value"]), message: `unknown signature class "${v}"` });
        }
      }
      if (p.op === "regex") {
        for (const v of Array.isArray(p.value) ? p.value : [p.value]) {
          const err = regexError(String(v));
          if (err) problems.push({ ...at([...path, j, "value"]), message: err });
        }
      }
    });
  shell.data.exclusions.forEach((x, i) => checkMatch(x.match, ["exclusions", i, "match"]));
  rules.forEach((r, i) => {
    checkMatch(r.match, ["rules", i, "match"]);
    r.when.forEach((t, j) => {
      const cls = /^signatureHits\((.+)\)$/.exec(t.metric)?.[1];
      if (cls && !(cls in shell.data.signatures)) problems.push({ ...at(["rules", i, "when", j, "metric"]), message: `unknown signature class "${cls}"` });
    });
  });

  if (problems.length) throw new RulePackError(problems);
  return {
    name: shell.data.name,
    version: shell.data.version,
    description: shell.data.description,
    hash: fnv1a64(text + listText).slice(0, 12),
    file,
    lists,
    signatures: shell.data.signatures,
    exclusions: shell.data.exclusions,
    rules,
    ...(volumetric.length ? { volumetric } : {}),
  };
}

function fromSeed(seed: SeedRule): Rule {
  const d = seed.detection;
  const window = d.correlate?.within ?? d.threshold.window;
  return {
    id: seed.id,
    name: seed.name,
    description: seed.description,
    kind: seed.kind,
    category: seed.category,
    enabled: seed.enabled,
    match: d.pattern.map((p) => ({ field: p.field, op: p.operator, value: p.value })),
    groupBy: [d.correlate?.field ?? "clientIp"],
    window,
    when: [{ metric: "count", op: ">=", value: d.threshold.count }],
    severity: seed.defaultSeverity,
    escalate: [],
    recommendations: seed.recommendations,
    ...(seed.runbook !== undefined ? { runbook: seed.runbook } : {}),
  };
}

function readListEntries(source: string, spec: ListSpec): ListEntry[] | string {
  const out: ListEntry[] = [];
  for (const rawLine of source.split("\n")) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    if (spec.jsonKey) {
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line);
      } catch {
        return `list entry is not JSON: ${line.slice(0, 80)}`;
      }
      const value = obj[spec.jsonKey];
      if (typeof value !== "string") return `list entry lacks string key "${spec.jsonKey}": ${line.slice(0, 80)}`;
      const m = spec.jsonMatchKey ? obj[spec.jsonMatchKey] : undefined;
      const match = m === "equals" ? "exact" : m === "contains" || m === "prefix" || m === "suffix" || m === "token" || m === "regex" ? m : spec.match;
      const tag = Object.entries(obj).find(([k, v]) => k !== spec.jsonKey && k !== spec.jsonMatchKey && typeof v === "string")?.[1] as string | undefined;
      out.push({ value, match, tag });
    } else {
      out.push({ value: line, match: spec.match });
    }
    const last = out[out.length - 1];
    if (last.match === "regex") {
      const err = regexError(last.value);
      if (err) return err;
    }
  }
  return out;
}

function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return `invalid regex /${pattern}/: ${(err as Error).message}`;
  }
}

type Positioner = (path: ReadonlyArray<PropertyKey>) => Omit<PackProblem, "message">;

/** Maps a schema path to the line:col of the nearest YAML node that exists. */
function positioner(doc: Document, lc: LineCounter, file: string): Positioner {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) {
        const pos = lc.linePos(node.range[0]);
        return { file, line: pos.line, col: pos.col, path: formatPath(path) };
      }
    }
    return { file, line: 1, col: 1, path: formatPath(path) };
  };
}

function issuesToProblems(issues: z.core.$ZodIssue[], prefix: PropertyKey[], at: Positioner): PackProblem[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    let message = issue.message;
    if (issue.code === "unrecognized_keys") message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    return { ...at(path), message };
  });
}
