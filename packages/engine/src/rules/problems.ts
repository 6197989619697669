/** One problem in a rule pack, positioned so an editor can jump to it. */
export interface PackProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted field path, e.g. `rules[2].window`; empty for document-level problems. */
  path: string;
  message: string;
}

export function formatProblem(p: PackProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

export class RulePackError extends Error {
  constructor(readonly problems: PackProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "RulePackError";
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
