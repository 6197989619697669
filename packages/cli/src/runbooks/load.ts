/**
 * Loads runbook YAML files. Anything that asks for execution (a step of `type: automated`, an `action:`,
 * `autoRemediate: true`) is refused with file:line:column, like every other rule-pack mistake.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { isScalar, LineCounter, parseDocument, visit, type Document } from "yaml";
import { formatPath, NEVER_EXECUTES, RulePackError, type PackProblem, type RulePackDoc } from "@edgeproof/engine";
import { yamlPositions } from "../rule-tests/yaml-position.js";
import { EVIDENCE_FIELDS, PLACEHOLDER_ROOTS, RCA_FIELDS, Runbook } from "./schema.js";

const EXECUTION_KEYS = new Set(["action", "actions", "autoRemediate", "command", "exec", "script"]);
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * `runbooks/` inside or beside each rules path (a pack directory or a pack file's directory): the default
 * packs in `rules/` get the repository's `runbooks/`. Kept out of the rules tree, where every YAML is a pack.
 */
export function runbookDirs(rulePaths: string[]): string[] {
  const dirs = rulePaths.map((p) => (existsSync(p) && statSync(p).isDirectory() ? p : dirname(p)));
  return [...new Set(dirs.flatMap((d) => [join(d, "runbooks"), join(dirname(d), "runbooks")]))].filter((d) => existsSync(d) && statSync(d).isDirectory());
}

export function loadRunbooks(dirs: string[]): Map<string, Runbook> {
  const out = new Map<string, Runbook>();
  const problems: PackProblem[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const file = join(dir, name);
      const r = parseRunbook(readFileSync(file, "utf8"), file);
      if ("problems" in r) problems.push(...r.problems);
      else if (out.has(r.runbook.name)) problems.push({ file, line: 1, col: 1, path: "name", message: `runbook "${r.runbook.name}" is defined twice` });
      else out.set(r.runbook.name, r.runbook);
    }
  }
  if (problems.length) throw new RulePackError(problems);
  return out;
}

export function parseRunbook(text: string, file: string): { runbook: Runbook } | { problems: PackProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    return { problems: doc.errors.map((e) => ({ file, ...lc.linePos(e.pos[0]), path: "", message: e.message.split("\n")[0] })) };
  }
  const execution = executionRequests(doc, lc, file);
  if (execution.length) return { problems: execution };
  const at = yamlPositions(text);
  const r = Runbook.safeParse(doc.toJS());
  if (!r.success) return { problems: r.error.issues.map((i) => ({ file, ...at(i.path as Array<string | number>), path: formatPath(i.path), message: i.message })) };
  const problems: PackProblem[] = [];
  r.data.steps.forEach((s, i) => {
    for (const m of s.instructions.matchAll(PLACEHOLDER)) {
      const err = placeholderError(m[1]);
      if (err) problems.push({ file, ...at(["steps", i, "instructions"]), path: formatPath(["steps", i, "instructions"]), message: err });
    }
  });
  return problems.length ? { problems } : { runbook: r.data };
}

/** Every rule that names a runbook must name one that exists (checked where the rule says it). */
export function checkRunbookRefs(packs: RulePackDoc[], runbooks: Map<string, Runbook>): void {
  const problems: PackProblem[] = [];
  for (const pack of packs) {
    pack.rules.forEach((rule) => {
      if (rule.runbook === undefined || runbooks.has(rule.runbook)) return;
      const text = readFileSync(pack.file, "utf8");
      const at = yamlPositions(text);
      const i = rulesIndex(text, rule.id);
      const path = ["rules", i, "runbook"];
      problems.push({ file: pack.file, ...at(path), path: formatPath(path), message: `unknown runbook "${rule.runbook}" (known: ${[...runbooks.keys()].join(", ") || "none"})` });
    });
  }
  if (problems.length) throw new RulePackError(problems);
}

function rulesIndex(text: string, id: string): number {
  const doc = parseDocument(text).toJS() as { rules?: Array<{ id?: string }> };
  return doc.rules?.findIndex((r) => r.id === id) ?? 0;
}

function executionRequests(doc: Document, lc: LineCounter, file: string): PackProblem[] {
  const out: PackProblem[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key)) return;
      const key = String(pair.key.value);
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      const asks = (EXECUTION_KEYS.has(key) && !(key === "autoRemediate" && value === false)) || (key === "type" && typeof value === "string" && /^(auto|script|command|exec|run)/i.test(value));
      if (!asks || !pair.key.range) return;
      const pos = lc.linePos(pair.key.range[0]);
      out.push({ file, line: pos.line, col: pos.col, path: key, message: key === "type" ? `type "${String(value)}": ${NEVER_EXECUTES} (steps are type: manual)` : `${key}: ${NEVER_EXECUTES}` });
    },
  });
  return out;
}

function placeholderError(expr: string): string | undefined {
  const [root, ...rest] = expr.split(".");
  const field = rest.join(".");
  if (root === "incident" && field) return undefined;
  if (root === "rca" && (RCA_FIELDS as readonly string[]).includes(field)) return undefined;
  if (root === "evidence" && (EVIDENCE_FIELDS as readonly string[]).includes(field)) return undefined;
  return `unknown placeholder {{${expr}}}: use ${Object.values(PLACEHOLDER_ROOTS).join("; ")}`;
}

export { PLACEHOLDER };
