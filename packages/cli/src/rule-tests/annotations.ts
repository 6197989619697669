import { ExpectedFile, type ExpectedInput, type KeyExpect } from "./expected-schema.js";

/** `# expect: RULE k=v ...` (must appear) and `# expect-none: [RULE] [k=v ...]` (must not). */
const ANNOTATION = /^\s*#\s*expect(-none)?:\s*(.*)$/;

const KEY_ALIASES: Record<string, keyof KeyExpect> = { client: "clientIp", clientIp: "clientIp", ip: "clientIp", host: "host", upstream: "upstream" };

export interface Annotated {
  expected: ExpectedFile;
  /** 1-based line numbers of the annotation lines: they are not log input. */
  annotationLines: Set<number>;
  problems: string[];
}

export function isAnnotation(line: string): boolean {
  return ANNOTATION.test(line);
}

/**
 * Reads the inline expectations of a log, fail2ban `# failJSON:` style: the log is its own test.
 * Returns undefined when the log carries none.
 */
export function readAnnotations(text: string, file: string): Annotated | undefined {
  const input: ExpectedInput = { incidents: [], absent: [] };
  const annotationLines = new Set<number>();
  const problems: string[] = [];
  text.split("\n").forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) return;
    const lineNo = i + 1;
    annotationLines.add(lineNo);
    const words = m[2].trim().split(/\s+/).filter(Boolean);
    const where = `${file}:${lineNo}`;
    const rule = words[0] && !words[0].includes("=") ? words.shift() : undefined;
    const key: KeyExpect = {};
    const rest: Record<string, string> = {};
    for (const w of words) {
      const eq = w.indexOf("=");
      if (eq <= 0) {
        problems.push(`${where}: expected key=value, got "${w}"`);
        continue;
      }
      const name = w.slice(0, eq);
      const value = w.slice(eq + 1);
      if (KEY_ALIASES[name]) key[KEY_ALIASES[name]] = value;
      else rest[name] = value;
    }
    const keyPart = Object.keys(key).length ? { key } : {};
    if (m[1]) {
      for (const name of Object.keys(rest)) problems.push(`${where}: expect-none takes a rule and key fields only, not "${name}"`);
      input.absent!.push({ ...(rule ? { rule } : {}), ...keyPart });
      return;
    }
    if (!rule) {
      problems.push(`${where}: # expect: needs a rule, e.g. # expect: security/http-probing client=1.2.3.4`);
      return;
    }
    const extra: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(rest)) extra[name] = name === "count" ? Number(value) : name === "findings" ? value.split(",") : value;
    input.incidents!.push({ rule, ...keyPart, ...extra } as never);
  });
  if (!annotationLines.size) return undefined;
  const parsed = ExpectedFile.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${file}: ${issue.path.join(".")}: ${issue.message}`);
    return { expected: ExpectedFile.parse({}), annotationLines, problems };
  }
  return { expected: parsed.data, annotationLines, problems };
}

/** The annotation lines for a set of expectations, for `--update` of an annotated log. */
export function formatAnnotations(expected: Pick<ExpectedFile, "incidents" | "absent">): string[] {
  const keyWords = (k?: KeyExpect) => Object.entries(k ?? {}).map(([f, v]) => `${f}=${v}`);
  const lines = expected.incidents.map((e) =>
    ["# expect:", e.rule, ...keyWords(e.key), ...(e.findings ? [`findings=${e.findings.join(",")}`] : []), ...(e.severity ? [`severity=${e.severity}`] : []), ...(e.outcome ? [`outcome=${e.outcome}`] : []), ...(e.count ? [`count=${e.count}`] : [])].join(" "),
  );
  for (const a of expected.absent) lines.push(["# expect-none:", ...(a.rule ? [a.rule] : []), ...keyWords(a.key)].join(" "));
  return lines;
}
