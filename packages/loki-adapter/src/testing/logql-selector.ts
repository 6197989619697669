/**
 * TEST INFRASTRUCTURE. The part of LogQL the Loki-API test server understands: a stream selector
 * `{a="b", c=~"re", d!="x", e!~"re"}` followed by line filters `|= "s"`, `!= "s"`, `|~ "re"`, `!~ "re"`.
 * Errors use Loki's wording ("parse error at line 1, col N: ...").
 */
export type MatchOp = "=" | "!=" | "=~" | "!~";
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}
export interface LineFilter {
  op: "|=" | "!=" | "|~" | "!~";
  value: string;
}
export interface LogSelector {
  matchers: Matcher[];
  filters: LineFilter[];
  matchesLabels(labels: Record<string, string>): boolean;
  matchesLine(line: string): boolean;
}

export class LogQLParseError extends Error {}

const EMPTY_COMPATIBLE =
  'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';

export function parseLogSelector(query: string): LogSelector {
  let pos = 0;
  const fail = (what: string): never => {
    throw new LogQLParseError(`parse error at line 1, col ${pos + 1}: syntax error: ${what}`);
  };
  const ws = () => {
    while (pos < query.length && /\s/.test(query[pos])) pos++;
  };
  const str = (): string => {
    ws();
    const q = query[pos];
    if (q === "`") {
      const end = query.indexOf("`", pos + 1);
      if (end < 0) fail("unterminated raw string");
      const s = query.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    if (q !== '"') fail(`unexpected ${q === undefined ? "end of input" : `'${q}'`}, expecting STRING`);
    let end = pos + 1;
    while (end < query.length && query[end] !== '"') end += query[end] === "\\" ? 2 : 1;
    if (end >= query.length) fail("unterminated string");
    const s = JSON.parse(query.slice(pos, end + 1)) as string;
    pos = end + 1;
    return s;
  };

  ws();
  if (query[pos] !== "{") fail(`unexpected ${query[pos] === undefined ? "end of input" : `'${query[pos]}'`}, expecting {`);
  pos++;
  const matchers: Matcher[] = [];
  for (;;) {
    ws();
    if (query[pos] === "}" && matchers.length) break;
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(query.slice(pos))?.[0];
    if (!name) fail("unexpected character inside braces, expecting IDENTIFIER");
    pos += name!.length;
    ws();
    const op = (["=~", "!~", "!=", "="] as const).find((o) => query.startsWith(o, pos));
    if (!op) fail("unexpected token, expecting = or =~ or !~ or !=");
    pos += op!.length;
    matchers.push({ name: name!, op: op!, value: str() });
    ws();
    if (query[pos] === ",") {
      pos++;
      continue;
    }
    if (query[pos] !== "}") fail("unexpected token, expecting , or }");
  }
  pos++;
  const filters: LineFilter[] = [];
  for (;;) {
    ws();
    if (pos >= query.length) break;
    const op = (["|=", "!=", "|~", "!~"] as const).find((o) => query.startsWith(o, pos));
    if (!op) fail(`unexpected '${query[pos]}', expecting line filter`);
    pos += op!.length;
    filters.push({ op: op!, value: str() });
  }

  const regexes = new Map<string, RegExp>();
  const anchored = (re: string) => {
    let r = regexes.get(re);
    if (!r) {
      try {
        r = new RegExp(`^(?:${re})$`, "s");
      } catch (e) {
        throw new LogQLParseError(`parse error : error parsing regexp: ${(e as Error).message}`);
      }
      regexes.set(re, r);
    }
    return r;
  };
  const unanchored = new Map(filters.filter((f) => f.op === "|~" || f.op === "!~").map((f) => [f.value, new RegExp(f.value)]));
  for (const m of matchers) if (m.op === "=~" || m.op === "!~") anchored(m.value);
  const test = (m: Matcher, v: string) =>
    m.op === "=" ? v === m.value : m.op === "!=" ? v !== m.value : m.op === "=~" ? anchored(m.value).test(v) : !anchored(m.value).test(v);
  if (!matchers.some((m) => (m.op === "=" || m.op === "=~") && !test(m, ""))) throw new LogQLParseError(EMPTY_COMPATIBLE);

  return {
    matchers,
    filters,
    matchesLabels: (labels) => matchers.every((m) => test(m, labels[m.name] ?? "")),
    matchesLine: (line) =>
      filters.every((f) =>
        f.op === "|=" ? line.includes(f.value) : f.op === "!=" ? !line.includes(f.value) : f.op === "|~" ? unanchored.get(f.value)!.test(line) : !unanchored.get(f.value)!.test(line),
      ),
  };
}
