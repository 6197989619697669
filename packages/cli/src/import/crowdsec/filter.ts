import type { EventField } from "@edgeproof/engine";
import { memberPath, type Node, type Pos } from "./expr.js";
import { CROWDSEC_FIELDS, type FieldMapping } from "./fields.js";
import { goRegexToJs } from "./go-regex.js";

/**
 * A hub filter's meaning over one HTTP event, as a boolean formula whose atoms edgeproof can evaluate: text
 * tests on an HTTPEvent field (which become signature entries or predicates) and tests on the status, the
 * static flag or the query length (which become predicates). Built by evaluating the parsed expression
 * symbolically: fields are looked up in CROWDSEC_FIELDS, constants are folded (`evt.Meta.log_type in
 * [...]` is true of every access-log event), `Upper`/`Lower` become case folding and `PathUnescape`/
 * `QueryUnescape` the decoded views of the target.
 */
export type TextOp = "contains" | "startsWith" | "endsWith" | "equals" | "matches";
export type Fold = "upper" | "lower" | undefined;

/** Entries from a data file (`File(...)`, `RegexpInFile`, `LookupFile`). */
export interface DataList {
  file: string;
  /** JSON lines: the key holding the value, and the key holding its match type (LookupFile maps). */
  jsonKey?: string;
  jsonMatchKey?: string;
}

export type Formula =
  | { t: "const"; value: boolean }
  | { t: "and"; xs: Formula[] }
  | { t: "or"; xs: Formula[] }
  | { t: "not"; x: Formula }
  | { t: "text"; field: EventField; fold: Fold; op: TextOp; value: string | DataList; pos: Pos }
  | { t: "status"; op: "in" | "startsWith"; values: string[] }
  | { t: "static"; value: boolean }
  | { t: "length"; field: "queryLength" | "fileFragLength"; op: "==" | "!=" | "<" | "<=" | ">" | ">="; value: number }
  /** `Upper(x) == x`: the field holds no lower-case letter. */
  | { t: "caseless"; field: EventField; fold: "upper" | "lower" };

export class TranslateError extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(message);
  }
}

/** A value during evaluation. */
type Val =
  | { k: "const"; v: string | number | boolean | null | Val[] }
  | { k: "text"; field: EventField; fold: Fold; decoded: boolean }
  | { k: "status" }
  | { k: "static" }
  | { k: "length"; field: "queryLength" | "fileFragLength"; text: boolean }
  | { k: "list"; list: DataList; regex: boolean }
  /** LookupFile(field, map): the matching entry's tag, or "" */
  | { k: "lookup"; field: EventField; fold: Fold; list: DataList }
  | { k: "bool"; f: Formula }
  /** `#` inside `any(list, {...})`, with the folds applied to it. */
  | { k: "elem"; fold: Fold; json?: string };

interface Scope {
  vars: Map<string, Val>;
  /** The list `#` ranges over, inside an `any` predicate. */
  elem?: DataList;
  /** How the field values were read: notes for the coverage table. */
  notes: Set<string>;
}

const T: Formula = { t: "const", value: true };
const F: Formula = { t: "const", value: false };

/** Evaluates a filter expression to a formula; throws TranslateError on what has no edgeproof meaning. */
export function filterFormula(node: Node, notes: Set<string>): Formula {
  return simplify(asBool(evaluate(node, { vars: new Map(), notes }), node.pos));
}

function evaluate(n: Node, s: Scope): Val {
  switch (n.kind) {
    case "str":
    case "num":
    case "bool":
      return { k: "const", v: n.value };
    case "nil":
      return { k: "const", v: null };
    case "array":
      return { k: "const", v: n.items.map((i) => evaluate(i, s)) };
    case "ident": {
      const v = s.vars.get(n.name);
      if (v) return v;
      throw new TranslateError(`unknown name ${n.name}`, n.pos);
    }
    case "member":
      return fieldValue(n, s);
    case "pointer":
      if (!s.elem) throw new TranslateError("# outside an any() predicate", n.pos);
      return { k: "elem", fold: undefined };
    case "index":
      throw new TranslateError("indexing is not supported", n.pos);
    case "let": {
      const vars = new Map(s.vars);
      vars.set(n.name, evaluate(n.value, s));
      return evaluate(n.body, { ...s, vars });
    }
    case "ternary": {
      const c = asBool(evaluate(n.cond, s), n.cond.pos);
      const a = asBool(evaluate(n.then, s), n.then.pos);
      const b = asBool(evaluate(n.else, s), n.else.pos);
      return { k: "bool", f: or([and([c, a]), and([not(c), b])]) };
    }
    case "closure":
      throw new TranslateError("a predicate outside any()", n.pos);
    case "unary": {
      const v = evaluate(n.operand, s);
      if (n.op === "not") return { k: "bool", f: not(asBool(v, n.pos)) };
      if (v.k === "const" && typeof v.v === "number") return { k: "const", v: -v.v };
      throw new TranslateError("unary minus on a non-number", n.pos);
    }
    case "call":
      return call(n, s);
    case "binary":
      return binary(n, s);
  }
}

function fieldValue(n: Node, s: Scope): Val {
  const path = memberPath(n);
  if (path === undefined) throw new TranslateError("member access on a computed value", n.pos);
  const m: FieldMapping | undefined = CROWDSEC_FIELDS[path];
  if (!m) throw new TranslateError(`field ${path} has no HTTPEvent counterpart`, n.pos);
  switch (m.kind) {
    case "text":
      if (m.note) s.notes.add(m.note);
      return { k: "text", field: m.field, fold: undefined, decoded: false };
    case "status":
      return { k: "status" };
    case "static":
      return { k: "static" };
    case "length":
      return { k: "length", field: m.field, text: true };
    case "const":
      if (m.note) s.notes.add(m.note);
      return { k: "const", v: m.value };
    case "key":
      throw new TranslateError(`${path} is a grouping key, not a filter field edgeproof tests`, n.pos);
  }
}

function call(n: Extract<Node, { kind: "call" }>, s: Scope): Val {
  const callee = memberPath(n.callee);
  const arg = (i: number) => {
    const a = n.args[i];
    if (!a) throw new TranslateError(`${callee}() needs ${i + 1} argument(s)`, n.pos);
    return a;
  };
  switch (callee) {
    case "Upper":
    case "Lower":
    case "upper":
    case "lower": {
      const fold = callee.toLowerCase() as "upper" | "lower";
      const v = evaluate(arg(0), s);
      if (v.k === "const" && typeof v.v === "string") return { k: "const", v: fold === "upper" ? v.v.toUpperCase() : v.v.toLowerCase() };
      if (v.k === "text") return { ...v, fold };
      if (v.k === "elem") return { ...v, fold };
      throw new TranslateError(`${callee}() of something that is not text`, n.pos);
    }
    case "PathUnescape":
    case "QueryUnescape": {
      const v = evaluate(arg(0), s);
      if (v.k !== "text" || v.field !== "uri" || v.fold) throw new TranslateError(`${callee}() is supported on evt.Meta.http_path only`, n.pos);
      return { k: "text", field: callee === "PathUnescape" ? "uriDecoded" : "uriFormDecoded", fold: undefined, decoded: true };
    }
    case "len": {
      const v = evaluate(arg(0), s);
      if (v.k === "text" && v.field === "query" && !v.fold) return { k: "length", field: "queryLength", text: false };
      if (v.k === "text" && v.field === "fileFrag" && !v.fold) return { k: "length", field: "fileFragLength", text: false };
      if (v.k === "const" && typeof v.v === "string") return { k: "const", v: v.v.length };
      throw new TranslateError("len() is supported on evt.Parsed.http_args and file_frag only", n.pos);
    }
    case "int": {
      const v = evaluate(arg(0), s);
      if (v.k === "length") return { ...v, text: false };
      if (v.k === "const" && typeof v.v === "string" && /^-?\d+$/.test(v.v)) return { k: "const", v: Number(v.v) };
      throw new TranslateError("int() of something other than a length", n.pos);
    }
    case "File": {
      const file = evaluate(arg(0), s);
      if (file.k !== "const" || typeof file.v !== "string") throw new TranslateError("File() needs a file name", n.pos);
      return { k: "list", list: { file: file.v }, regex: false };
    }
    case "RegexpInFile": {
      const v = evaluate(arg(0), s);
      const file = evaluate(arg(1), s);
      if (v.k !== "text" || file.k !== "const" || typeof file.v !== "string") throw new TranslateError("RegexpInFile(field, file) expected", n.pos);
      return { k: "bool", f: { t: "text", field: v.field, fold: v.fold, op: "matches", value: { file: file.v }, pos: n.pos } };
    }
    case "LookupFile": {
      const v = evaluate(arg(0), s);
      const file = evaluate(arg(1), s);
      if (v.k !== "text" || file.k !== "const" || typeof file.v !== "string") throw new TranslateError("LookupFile(field, file) expected", n.pos);
      return { k: "lookup", field: v.field, fold: v.fold, list: { file: file.v, jsonKey: "pattern", jsonMatchKey: "type" } };
    }
    case "JsonExtract": {
      const v = evaluate(arg(0), s);
      const key = evaluate(arg(1), s);
      if (v.k !== "elem" || key.k !== "const" || typeof key.v !== "string") throw new TranslateError("JsonExtract(#, key) expected", n.pos);
      return { ...v, json: key.v };
    }
    case "evt.SetMeta":
    case "evt.SetParsed":
      // Sets a field for the alert's context; as a filter term it is true.
      s.notes.add(`${callee}() only annotates the alert; the rule's evidence names the matched entry instead`);
      return { k: "const", v: true };
    case "any":
    case "all":
    case "none": {
      const list = evaluate(arg(0), s);
      const pred = arg(1);
      if (list.k === "list" && pred.kind === "closure") {
        const body = evaluate(pred.body, { ...s, elem: list.list });
        const f = withList(asBool(body, pred.pos), list.list);
        if (callee === "any") return { k: "bool", f };
        throw new TranslateError(`${callee}() over a data file is not supported`, n.pos);
      }
      if (list.k === "const" && Array.isArray(list.v) && pred.kind === "closure") {
        throw new TranslateError(`${callee}() over an inline array is not supported`, n.pos);
      }
      throw new TranslateError(`${callee}(list, {predicate}) expected`, n.pos);
    }
  }
  throw new TranslateError(`function ${callee ?? "(computed)"} is not supported`, n.pos);
}

/** Inside `any(File(f), {...})`, a text atom whose value was `#` reads its entries from f. */
function withList(f: Formula, list: DataList): Formula {
  switch (f.t) {
    case "and":
    case "or":
      return { ...f, xs: f.xs.map((x) => withList(x, list)) };
    case "not":
      return { t: "not", x: withList(f.x, list) };
    case "text":
      return typeof f.value === "string" ? f : { ...f, value: { ...list, ...f.value, file: list.file } };
    default:
      return f;
  }
}

function binary(n: Extract<Node, { kind: "binary" }>, s: Scope): Val {
  if (n.op === "and" || n.op === "or") {
    const a = asBool(evaluate(n.left, s), n.left.pos);
    const b = asBool(evaluate(n.right, s), n.right.pos);
    return { k: "bool", f: n.op === "and" ? and([a, b]) : or([a, b]) };
  }
  const l = evaluate(n.left, s);
  const r = evaluate(n.right, s);
  if (n.op === "+" && l.k === "const" && r.k === "const" && typeof l.v === "string" && typeof r.v === "string") return { k: "const", v: l.v + r.v };
  const f = compare(n.op, l, r, n.pos);
  return { k: "bool", f };
}

function compare(op: string, l: Val, r: Val, pos: Pos): Formula {
  // Constants on both sides (log_type, service): decided now.
  if (l.k === "const" && r.k === "const") return { t: "const", value: constCompare(op, l.v, r.v, pos) };
  if (op === "!=") return not(compare("==", l, r, pos));
  if (op === "not in") return not(compare("in", l, r, pos));

  if (l.k === "text" && r.k === "text" && op === "==" && l.field === r.field && (l.fold !== undefined) !== (r.fold !== undefined)) {
    return { t: "caseless", field: l.field, fold: (l.fold ?? r.fold)! };
  }
  if (l.k === "lookup" && r.k === "const" && r.v === "") {
    // LookupFile(...) != "" (negated above): the field is one of the map's entries.
    if (op === "==") return not({ t: "text", field: l.field, fold: l.fold, op: "equals", value: l.list, pos });
  }
  if (l.k === "text") {
    const textOp = TEXT_OPS[op];
    if (textOp && r.k === "const" && typeof r.v === "string") return textAtom(l, textOp, r.v, pos);
    if (textOp && r.k === "elem") {
      if (r.fold && l.fold && r.fold !== l.fold) return F;
      return { t: "text", field: l.field, fold: l.fold ?? r.fold, op: textOp, value: { file: "", ...(r.json ? { jsonKey: r.json } : {}) }, pos };
    }
    if (op === "in" && r.k === "const" && Array.isArray(r.v)) {
      const items = r.v.map((x) => (x.k === "const" && typeof x.v === "string" ? x.v : undefined));
      if (items.some((x) => x === undefined)) throw new TranslateError("`in` a list of non-strings", pos);
      return or(items.map((x) => textAtom(l, "equals", x!, pos)));
    }
  }
  if (l.k === "elem" && r.k === "text" && op === "==") return compare("==", r, l, pos);
  if (l.k === "status" && r.k === "const") {
    if (op === "==" && typeof r.v === "string") return { t: "status", op: "in", values: [r.v] };
    if (op === "in" && Array.isArray(r.v)) return { t: "status", op: "in", values: r.v.map((x) => String(x.k === "const" ? x.v : "")) };
    if (op === "startsWith" && typeof r.v === "string") return { t: "status", op: "startsWith", values: [r.v] };
  }
  if (l.k === "static" && r.k === "const" && op === "==" && (r.v === "true" || r.v === "false")) return { t: "static", value: r.v === "true" };
  if (l.k === "length" && r.k === "const") {
    // `evt.Meta.http_args_len != ''`: the parser always sets it (to "0" without a query).
    if (l.text && r.v === "" && op === "==") return F;
    if (!l.text && typeof r.v === "number" && LENGTH_OPS.has(op)) return { t: "length", field: l.field, op: op as "==", value: r.v };
  }
  throw new TranslateError(`comparison ${describeVal(l)} ${op} ${describeVal(r)} is not supported`, pos);
}

const TEXT_OPS: Record<string, TextOp | undefined> = { "==": "equals", contains: "contains", startsWith: "startsWith", endsWith: "endsWith", matches: "matches" };
const LENGTH_OPS = new Set(["==", "<", "<=", ">", ">="]);

/** A text test against a constant; a folded field never equals text holding the other case. */
function textAtom(l: Extract<Val, { k: "text" }>, op: TextOp, value: string, pos: Pos): Formula {
  // edgeproof's request-line parser takes only upper-case methods, so Upper(method) is the method itself.
  if (l.field === "method" && l.fold === "upper") l = { ...l, fold: undefined };
  if (l.fold && op !== "matches") {
    const folded = l.fold === "upper" ? value.toUpperCase() : value.toLowerCase();
    if (folded !== value) return F;
  }
  return { t: "text", field: l.field, fold: l.fold, op, value, pos };
}

function constCompare(op: string, a: unknown, b: unknown, pos: Pos): boolean {
  const items = (v: unknown) => (Array.isArray(v) ? (v as Val[]).map((x) => (x.k === "const" ? x.v : undefined)) : undefined);
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "in":
      return items(b)?.includes(a as string) ?? false;
    case "not in":
      return !(items(b)?.includes(a as string) ?? false);
    case "contains":
      return String(a).includes(String(b));
    case "startsWith":
      return String(a).startsWith(String(b));
    case "endsWith":
      return String(a).endsWith(String(b));
    case "matches": {
      const re = goRegexToJs(String(b));
      if (!re.ok) throw new TranslateError(`regex ${JSON.stringify(b)}: ${re.reason}`, pos);
      return new RegExp(re.source, re.ignoreCase ? "i" : "").test(String(a));
    }
  }
  throw new TranslateError(`comparison of two constants with ${op}`, pos);
}

function describeVal(v: Val): string {
  switch (v.k) {
    case "const":
      return JSON.stringify(Array.isArray(v.v) ? "[...]" : v.v);
    case "text":
      return v.field;
    default:
      return v.k;
  }
}

function asBool(v: Val, pos: Pos): Formula {
  if (v.k === "bool") return v.f;
  if (v.k === "const" && typeof v.v === "boolean") return v.v ? T : F;
  throw new TranslateError(`expected a condition, found ${describeVal(v)}`, pos);
}

export function and(xs: Formula[]): Formula {
  return simplify({ t: "and", xs });
}
export function or(xs: Formula[]): Formula {
  return simplify({ t: "or", xs });
}
export function not(x: Formula): Formula {
  return simplify({ t: "not", x });
}

/** Constant folding and flattening: the formula the translation then has to express. */
export function simplify(f: Formula): Formula {
  switch (f.t) {
    case "and":
    case "or": {
      const unit = f.t === "and";
      const xs: Formula[] = [];
      for (const x0 of f.xs) {
        const x = simplify(x0);
        if (x.t === "const") {
          if (x.value === unit) continue;
          return x;
        }
        if (x.t === f.t) xs.push(...x.xs);
        else xs.push(x);
      }
      if (xs.length === 0) return unit ? T : F;
      return xs.length === 1 ? xs[0] : { t: f.t, xs };
    }
    case "not": {
      const x = simplify(f.x);
      if (x.t === "const") return { t: "const", value: !x.value };
      if (x.t === "not") return x.x;
      return { t: "not", x };
    }
    default:
      return f;
  }
}
