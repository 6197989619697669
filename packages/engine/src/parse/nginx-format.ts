import { type DraftResult, fail } from "./draft.js";
import { decodeLogged } from "./escape.js";
import { newValues, slotOf, TIME_VARIABLES, toDraft, VARIABLES, type Values, type Variable } from "./format-fields.js";
import { literalRequest } from "./request.js";

/** A format string that cannot be compiled: where (1-based character in the string given) and why. */
export class LogFormatError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(`position ${position}: ${reason}`);
  }
}

/** A log format compiled once; `parse` reads one line (wrappers already removed). */
export interface CompiledFormat {
  /** The variables it reads, in order (opaque ones included), for messages and tests. */
  readonly variables: readonly string[];
  parse(line: string): DraftResult;
}

export type Escape = "default" | "json" | "none";

interface Template {
  text: string;
  /** Position in the given string (0-based) of each template character, for errors. */
  origin: number[];
  escape: Escape;
}

const NAME = /[A-Za-z0-9_]/;

/**
 * The format string as nginx would see it. Accepts the whole directive (`log_format main escape=json
 * '...' '...';`), its quoted strings alone (`'...' '...'`, concatenated as nginx does), or the bare format
 * string (`$remote_addr - ...`, as a shell passes it). In quoted strings `\"`, `\'`, `\\`, `\t`, `\n`, `\r`
 * are unescaped like nginx's config reader does, and `# comments` between the strings are skipped.
 */
function readTemplate(spec: string): Template {
  let i = 0;
  const ws = () => {
    while (i < spec.length && /\s/.test(spec[i])) i++;
  };
  const word = () => {
    const s = i;
    while (i < spec.length && !/[\s;'"]/.test(spec[i])) i++;
    return spec.slice(s, i);
  };
  ws();
  let escape: Escape = "default";
  const directive = spec.startsWith("log_format", i) && /\s/.test(spec[i + 10] ?? "");
  if (directive) {
    i += 10;
    ws();
    word(); // the format's name
    ws();
  }
  const readEscape = () => {
    if (!spec.startsWith("escape=", i)) return;
    const at = i;
    const v = word().slice(7);
    if (v !== "default" && v !== "json" && v !== "none") throw new LogFormatError(at + 1, `escape=${v}: nginx knows escape=default, json and none`);
    escape = v;
    ws();
  };
  readEscape();
  const start = i;
  const quoted = spec[i] === "'" || spec[i] === '"';
  if (!directive && !quoted) return { text: spec.slice(start), origin: [...spec.slice(start)].map((_, k) => start + k), escape };

  let text = "";
  const origin: number[] = [];
  let bare = false;
  while (i < spec.length && spec[i] !== ";") {
    const q = spec[i];
    if (q === "#") {
      // A comment in nginx.conf runs to the end of the line.
      while (i < spec.length && spec[i] !== "\n") i++;
      ws();
      continue;
    }
    if (q === "'" || q === '"') {
      const open = i++;
      let closed = false;
      while (i < spec.length) {
        const c = spec[i];
        if (c === q) {
          closed = true;
          i++;
          break;
        }
        if (c === "\\" && i + 1 < spec.length) {
          const n = spec[i + 1];
          const un = n === "t" ? "\t" : n === "n" ? "\n" : n === "r" ? "\r" : n === '"' || n === "'" || n === "\\" ? n : undefined;
          if (un !== undefined) {
            text += un;
            origin.push(i);
            i += 2;
            continue;
          }
        }
        text += c;
        origin.push(i++);
      }
      if (!closed) throw new LogFormatError(open + 1, `the ${q} opened here is never closed`);
    } else {
      bare = true;
      const at = i;
      const w = word();
      text += w;
      for (let k = 0; k < w.length; k++) origin.push(at + k);
    }
    ws();
  }
  // Quoted strings followed by unquoted text outside a directive: the user passed the bare format.
  if (bare && !directive) return { text: spec.slice(start), origin: [...spec.slice(start)].map((_, k) => start + k), escape };
  return { text, origin, escape };
}

interface Part {
  /** Literal text before the variable. */
  before: string;
  name: string;
  slot: number;
  at: number;
}

/** What a value of this variable can look like, when it is narrower than "anything up to the next literal". */
function shapeOf(name: string): RegExp | number | undefined {
  if (name === "time_local") return 26;
  if (name === "status") return /^\d{3}$/;
  if (/^upstream_(addr|status|response_time|response_length|connect_time|header_time|bytes_sent|bytes_received|queue_time)$/.test(name)) return /^[^ ,]+(?:(?:, | : )[^ ,]+)*$/;
  if (/^(body_bytes_sent|bytes_sent|request_length|connection|connection_requests|remote_port|server_port|pid)$/.test(name)) return /^(?:\d+|-)?$/;
  if (/^(request_time|msec|upstream_cache_status|pipe|time_iso8601|remote_addr|realip_remote_addr|request_method|server_protocol|req_id|request_id)$/.test(name)) return /^\S*$/;
  return undefined;
}

function compileParts(t: Template): { parts: Part[]; tail: string } {
  const parts: Part[] = [];
  let lit = "";
  let i = 0;
  const s = t.text;
  while (i < s.length) {
    if (s[i] !== "$") {
      lit += s[i++];
      continue;
    }
    const at = i;
    let name = "";
    if (s[i + 1] === "{") {
      const close = s.indexOf("}", i + 2);
      name = close < 0 ? "" : s.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(name)) throw new LogFormatError(t.origin[at] + 1, "a ${ without a variable name and } after it");
      i = close + 1;
    } else {
      let e = i + 1;
      while (e < s.length && NAME.test(s[e])) e++;
      name = s.slice(i + 1, e);
      if (name === "") throw new LogFormatError(t.origin[at] + 1, "a $ not followed by a variable name");
      i = e;
    }
    if (parts.length > 0 && lit === "") {
      throw new LogFormatError(t.origin[at] + 1, `$${name} directly follows $${parts[parts.length - 1].name}: with nothing between them a line cannot be split there`);
    }
    parts.push({ before: lit, name, slot: slotOf(name), at: t.origin[at] + 1 });
    lit = "";
  }
  return { parts, tail: lit };
}

function checkQuotes(t: Template): void {
  let open = -1;
  for (let i = 0; i < t.text.length; i++) {
    if (t.text[i] !== '"') continue;
    open = open < 0 ? i : -1;
  }
  if (open >= 0) throw new LogFormatError(t.origin[open] + 1, "this \" has no closing quote in the format, so the field it opens cannot be found in a line");
}

/** Tries left to right; past this many candidate splits a line is rejected rather than searched further. */
const MAX_STEPS = 2000;

function isEscapedQuote(line: string, q: number): boolean {
  let n = 0;
  for (let i = q - 1; i >= 0 && line.charCodeAt(i) === 92; i--) n++;
  return n % 2 === 1;
}

/**
 * Compiles an nginx `log_format` into a line parser. Each variable's value runs to the next piece of
 * literal text; where that text can also occur inside a value, candidates are tried left to right and a
 * value must fit its variable's shape (a status is three digits, `$upstream_addr` a `, `/` : ` list, a
 * `$time_local` 26 characters), so `$upstream_response_time $pipe` splits `0.002, 0.003 .` correctly.
 * With escape=json a `\"` inside a value is not a closing quote. Refused: unbalanced quotes, adjacent
 * variables, no time variable, no `$status`.
 */
export function compileNginxLogFormat(spec: string): CompiledFormat {
  const t = readTemplate(spec);
  checkQuotes(t);
  const { parts, tail } = compileParts(t);
  if (!parts.some((p) => (TIME_VARIABLES as readonly string[]).includes(p.name))) {
    throw new LogFormatError(1, "no time variable ($time_local, $time_iso8601 or $msec): every event needs the time it happened");
  }
  if (!parts.some((p) => p.name === "status")) throw new LogFormatError(1, "no $status variable: every event needs the response status");
  const shapes = parts.map((p) => shapeOf(p.name));
  const after = parts.map((_, k) => (k + 1 < parts.length ? parts[k + 1].before : tail));
  const decode = t.escape === "none" ? (s: string) => s : (s: string) => decodeLogged(s);
  const raw = t.escape === "none" ? literalRequest : (s: string) => s;
  // nginx writes an unset variable as `-` with default escaping and as "" with json/none; some variables
  // (`$upstream_*`) spell their own absence `-` in every mode.
  const unset = t.escape === "default" ? (s: string) => s === "-" : (s: string) => s === "" || s === "-";
  const bounds = new Array<number>(parts.length * 2).fill(0);
  const values: Values = newValues();
  let steps = 0;

  const fits = (k: number, line: string, from: number, to: number): boolean => {
    const shape = shapes[k];
    if (shape === undefined) return true;
    if (typeof shape === "number") return to - from === shape;
    return shape.test(line.slice(from, to));
  };
  const match = (line: string, k: number, pos: number): boolean => {
    if (k === parts.length) return pos === line.length;
    const lit = after[k];
    if (k === parts.length - 1) {
      const end = line.length - lit.length;
      if (end < pos || !line.endsWith(lit) || !fits(k, line, pos, end)) return false;
      bounds[k * 2] = pos;
      bounds[k * 2 + 1] = end;
      return true;
    }
    const jsonQuote = t.escape === "json" && lit.charCodeAt(0) === 34;
    for (let e = line.indexOf(lit, pos); e >= 0; e = line.indexOf(lit, e + 1)) {
      if (++steps > MAX_STEPS) return false;
      if (jsonQuote && isEscapedQuote(line, e)) continue;
      if (!fits(k, line, pos, e)) continue;
      bounds[k * 2] = pos;
      bounds[k * 2 + 1] = e;
      if (match(line, k + 1, e + lit.length)) return true;
    }
    return false;
  };

  return {
    variables: parts.map((p) => p.name),
    parse(line: string): DraftResult {
      const head = parts[0].before;
      if (!line.startsWith(head)) return fail("unknown-format", `the line does not start with ${JSON.stringify(head)} as the format does`);
      steps = 0;
      if (!match(line, 0, head.length)) return fail(steps > MAX_STEPS ? "bad-field" : "unknown-format", "the line does not fit the --nginx-log-format string");
      values.fill(undefined);
      for (let k = 0; k < parts.length; k++) {
        const slot = parts[k].slot;
        if (slot < 0) continue;
        const s = line.slice(bounds[k * 2], bounds[k * 2 + 1]);
        if (unset(s)) continue;
        const name = VARIABLES[slot] as Variable;
        values[slot] = name === "request" || name === "request_uri" ? raw(s) : decode(s);
      }
      return toDraft(values);
    },
  };
}
