/** One problem in a rule pack, positioned so an editor can jump to it. */
export interface PackProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted field path, e.g. `rules[2].window`; empty for document-level problems. */
  path: string;
  message: string;
}

/** `file:line:col: path: message`, the form editors and CI logs link. */
export function formatProblem(p: PackProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

/** An invalid rule pack: every problem found, each positioned (`problems`); the message lists them all. */
export class RulePackError extends Error {
  constructor(readonly problems: PackProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "RulePackError";
  }
}

/** A schema path as it reads in a message, e.g. `["rules", 2, "window"]` → `rules[2].window`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
