import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { LineCounter, parseDocument, isNode } from "yaml";
import { ExpectedFile } from "./expected-schema.js";
import { readAnnotations } from "./annotations.js";

export const EXPECTED_FILE = "expected.yaml";
const LOG_FILE = /\.log(\.gz)?$/;

export interface TestCase {
  /** Path of the test relative to the working directory, used as its name. */
  name: string;
  kind: "folder" | "annotated";
  dir: string;
  /** expected.yaml, or the annotated log itself. */
  specFile: string;
  inputs: string[];
  expected: ExpectedFile;
  /** Annotation lines of an annotated log, which are not log input. */
  skipLines: Set<number>;
  /** Problems with the test itself (bad expected.yaml, missing input): the test fails with them. */
  problems: string[];
}

/** Finds every test under the given folders or files: folders with expected.yaml, and logs with `# expect:` lines. */
export function discoverTests(paths: string[]): TestCase[] {
  const out: TestCase[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new Error(`no such test path: ${p}`);
    if (statSync(abs).isDirectory()) walk(abs, out);
    else if (basename(abs) === EXPECTED_FILE) out.push(folderCase(dirname(abs)));
    else {
      const c = annotatedCase(abs);
      out.push(c ?? { ...emptyCase(abs, "annotated"), problems: [`${p}: no "# expect:" annotations`] });
    }
  }
  return out;
}

function walk(dir: string, out: TestCase[]): void {
  if (existsSync(join(dir, EXPECTED_FILE))) {
    out.push(folderCase(dir));
    return;
  }
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((d) => !d.name.startsWith(".") && d.name !== "node_modules" && d.name !== "lists")
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const d of entries) {
    const full = join(dir, d.name);
    if (d.isDirectory()) walk(full, out);
    else if (/\.log$/.test(d.name)) {
      const c = annotatedCase(full);
      if (c) out.push(c);
    }
  }
}

function emptyCase(specFile: string, kind: TestCase["kind"]): TestCase {
  const dir = kind === "folder" ? dirname(specFile) : dirname(specFile);
  return {
    name: relative(process.cwd(), kind === "folder" ? dir : specFile) || ".",
    kind,
    dir,
    specFile,
    inputs: [],
    expected: ExpectedFile.parse({}),
    skipLines: new Set(),
    problems: [],
  };
}

function annotatedCase(file: string): TestCase | undefined {
  const a = readAnnotations(readFileSync(file, "utf8"), relative(process.cwd(), file));
  if (!a) return undefined;
  return { ...emptyCase(file, "annotated"), inputs: [file], expected: a.expected, skipLines: a.annotationLines, problems: a.problems };
}

function folderCase(dir: string): TestCase {
  const specFile = join(dir, EXPECTED_FILE);
  const c = emptyCase(specFile, "folder");
  const shown = relative(process.cwd(), specFile);
  const parsed = readExpected(readFileSync(specFile, "utf8"), shown);
  if (typeof parsed === "object" && "problems" in parsed) return { ...c, problems: parsed.problems };
  c.expected = parsed;
  const named = parsed.input === undefined ? undefined : Array.isArray(parsed.input) ? parsed.input : [parsed.input];
  c.inputs = named
    ? named.map((f) => resolve(dir, f))
    : readdirSync(dir)
        .filter((f) => LOG_FILE.test(f))
        .sort()
        .map((f) => join(dir, f));
  if (!c.inputs.length) c.problems.push(`${shown}: no input log (name one with "input:" or put a *.log next to it)`);
  for (const f of c.inputs) if (!existsSync(f)) c.problems.push(`${shown}: input not found: ${relative(process.cwd(), f)}`);
  return c;
}

/** Parses and validates an expected.yaml; problems name file:line:col like pack errors do. */
export function readExpected(text: string, file: string): ExpectedFile | { problems: string[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    return { problems: doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: ${e.message.split("\n")[0]}`) };
  }
  const r = ExpectedFile.safeParse(doc.toJS() ?? {});
  if (r.success) return r.data;
  return {
    problems: r.error.issues.map((issue) => {
      let pos = { line: 1, col: 1 };
      for (let n = issue.path.length; n >= 0; n--) {
        const node = doc.getIn(issue.path.slice(0, n), true);
        if (isNode(node) && node.range) {
          pos = lc.linePos(node.range[0]);
          break;
        }
      }
      const msg = issue.code === "unrecognized_keys" ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}` : issue.message;
      return `${file}:${pos.line}:${pos.col}: ${issue.path.join(".") || "(root)"}: ${msg}`;
    }),
  };
}
