/**
 * A recursive-descent parser for the part of expr-lang (github.com/expr-lang/expr) that CrowdSec hub
 * scenarios and whitelists write their filters in: literals, arrays, `evt.X.y` member access, calls,
 * `not`/`!`, `and`/`&&`, `or`/`||`, comparisons, `in`/`not in`, `contains`, `startsWith`, `endsWith`,
 * `matches`, `+`, the ternary `?:`, `let x = …; body`, `if c { … } else { … }` and closures `{ … # … }`
 * (the predicate of `any(list, { … })`). Precedence follows expr-lang's operator table. Every node keeps the
 * line and column it starts at, so a translation problem can name the filter's exact spot.
 */

export interface Pos {
  /** 1-based, within the expression text. */
  line: number;
  col: number;
}

export type Node =
  | { kind: "str"; value: string; pos: Pos }
  | { kind: "num"; value: number; pos: Pos }
  | { kind: "bool"; value: boolean; pos: Pos }
  | { kind: "nil"; pos: Pos }
  | { kind: "array"; items: Node[]; pos: Pos }
  | { kind: "ident"; name: string; pos: Pos }
  | { kind: "pointer"; pos: Pos }
  | { kind: "member"; object: Node; name: string; pos: Pos }
  | { kind: "index"; object: Node; index: Node; pos: Pos }
  | { kind: "call"; callee: Node; args: Node[]; pos: Pos }
  | { kind: "unary"; op: "not" | "-"; operand: Node; pos: Pos }
  | { kind: "binary"; op: BinaryOp; left: Node; right: Node; pos: Pos }
  | { kind: "ternary"; cond: Node; then: Node; else: Node; pos: Pos }
  | { kind: "let"; name: string; value: Node; body: Node; pos: Pos }
  | { kind: "closure"; body: Node; pos: Pos };

export type BinaryOp =
  | "and"
  | "or"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "not in"
  | "contains"
  | "startsWith"
  | "endsWith"
  | "matches"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";

export class ExprError extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(`${pos.line}:${pos.col}: ${message}`);
  }
}

type Token =
  | { t: "str"; v: string; pos: Pos }
  | { t: "num"; v: number; pos: Pos }
  | { t: "name"; v: string; pos: Pos }
  | { t: "op"; v: string; pos: Pos }
  | { t: "end"; v: ""; pos: Pos };

const WORD_OPS = new Set(["and", "or", "not", "in", "contains", "startsWith", "endsWith", "matches", "let", "if", "else", "true", "false", "nil"]);
const PUNCT = ["==", "!=", "<=", ">=", "&&", "||", "??", "(", ")", "[", "]", "{", "}", ",", ".", ";", "?", ":", "!", "<", ">", "+", "-", "*", "/", "%", "#", "="];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Pos => ({ line, col: at - lineStart + 1 });
  while (i < src.length) {
    const c = src[i];
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new ExprError("unterminated string", pos(start));
        const d = src[i];
        if (d === c) break;
        if (d === "\n") throw new ExprError("newline in string", pos(start));
        if (d === "\\") {
          const e = src[i + 1];
          const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0", a: "\x07", b: "\b", f: "\f", v: "\v" };
          if (e in simple) {
            v += simple[e];
            i += 2;
          } else if (e === "x" || e === "u") {
            const n = e === "x" ? 2 : 4;
            const hex = src.slice(i + 2, i + 2 + n);
            if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw new ExprError(`bad \\${e} escape`, pos(i));
            v += String.fromCharCode(parseInt(hex, 16));
            i += 2 + n;
          } else throw new ExprError(`unknown escape \\${e ?? ""}`, pos(i));
          continue;
        }
        v += d;
        i++;
      }
      i++;
      out.push({ t: "str", v, pos: pos(start) });
      continue;
    }
    if (c === "`") {
      const end = src.indexOf("`", i + 1);
      if (end < 0) throw new ExprError("unterminated raw string", pos(start));
      out.push({ t: "str", v: src.slice(i + 1, end), pos: pos(start) });
      for (let k = i; k < end; k++) if (src[k] === "\n") (line++, (lineStart = k + 1));
      i = end + 1;
      continue;
    }
    if (c >= "0" && c <= "9") {
      while (i < src.length && /[0-9_.]/.test(src[i]) && !(src[i] === "." && src[i + 1] === ".")) i++;
      const text = src.slice(start, i).replace(/_/g, "");
      const v = Number(text);
      if (Number.isNaN(v)) throw new ExprError(`bad number ${text}`, pos(start));
      out.push({ t: "num", v, pos: pos(start) });
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_$]/.test(src[i])) i++;
      out.push({ t: "name", v: src.slice(start, i), pos: pos(start) });
      continue;
    }
    const p = PUNCT.find((q) => src.startsWith(q, i));
    if (!p) throw new ExprError(`unexpected character ${JSON.stringify(c)}`, pos(start));
    i += p.length;
    out.push({ t: "op", v: p, pos: pos(start) });
  }
  out.push({ t: "end", v: "", pos: pos(i) });
  return out;
}

/** Parses one filter expression; throws ExprError with the position of the first thing it cannot read. */
export function parseExpr(src: string): Node {
  return new Parser(tokenize(src)).parseProgram();
}

const COMPARISON: Record<string, BinaryOp> = {
  "==": "==",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  in: "in",
  contains: "contains",
  startsWith: "startsWith",
  endsWith: "endsWith",
  matches: "matches",
};

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private get peek(): Token {
    return this.toks[this.i];
  }

  private is(v: string, t: Token["t"] = "op"): boolean {
    const k = this.peek;
    return (k.t === t || (t === "op" && k.t === "name" && WORD_OPS.has(k.v))) && k.v === v;
  }

  private isWord(v: string): boolean {
    return this.peek.t === "name" && this.peek.v === v;
  }

  private eat(v: string): Token {
    const k = this.peek;
    if (k.v !== v || (k.t !== "op" && k.t !== "name")) throw new ExprError(`expected ${JSON.stringify(v)}, found ${describe(k)}`, k.pos);
    this.i++;
    return k;
  }

  parseProgram(): Node {
    const node = this.parseSequence();
    if (this.peek.t !== "end") throw new ExprError(`unexpected ${describe(this.peek)}`, this.peek.pos);
    return node;
  }

  /** `let a = x; let b = y; body` (a block's or the program's contents). */
  private parseSequence(): Node {
    if (this.isWord("let")) {
      const pos = this.eat("let").pos;
      const name = this.peek;
      if (name.t !== "name" || WORD_OPS.has(name.v)) throw new ExprError(`expected a variable name, found ${describe(name)}`, name.pos);
      this.i++;
      this.eat("=");
      const value = this.parseExpression();
      this.eat(";");
      return { kind: "let", name: name.v, value, body: this.parseSequence(), pos };
    }
    return this.parseExpression();
  }

  private parseExpression(): Node {
    if (this.isWord("if")) return this.parseIf();
    const cond = this.parseBinary(0);
    if (this.is("?")) {
      this.i++;
      const then = this.parseExpression();
      this.eat(":");
      const otherwise = this.parseExpression();
      return { kind: "ternary", cond, then, else: otherwise, pos: cond.pos };
    }
    return cond;
  }

  /** `if cond { a } else { b }` (expr-lang ≥ 1.17); `else if` chains. */
  private parseIf(): Node {
    const pos = this.eat("if").pos;
    const cond = this.parseBinary(0);
    const then = this.parseBlock();
    this.eat("else");
    const otherwise = this.isWord("if") ? this.parseIf() : this.parseBlock();
    return { kind: "ternary", cond, then, else: otherwise, pos };
  }

  private parseBlock(): Node {
    this.eat("{");
    const body = this.parseSequence();
    this.eat("}");
    return body;
  }

  /** Precedence climbing over expr-lang's binary operator levels. */
  private parseBinary(level: number): Node {
    if (level === LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const op = this.binaryOpAt(level);
      if (!op) return left;
      const pos = this.peek.pos;
      this.i += op === "not in" ? 2 : 1;
      const right = this.parseBinary(level + 1);
      left = { kind: "binary", op, left, right, pos };
    }
  }

  private binaryOpAt(level: number): BinaryOp | undefined {
    const k = this.peek;
    const v = k.t === "op" || k.t === "name" ? k.v : undefined;
    if (v === undefined) return undefined;
    switch (LEVELS[level]) {
      case "or":
        return v === "or" || v === "||" ? "or" : undefined;
      case "and":
        return v === "and" || v === "&&" ? "and" : undefined;
      case "compare":
        if (v === "not" && this.toks[this.i + 1].v === "in") return "not in";
        if (k.t === "name" && !WORD_OPS.has(v)) return undefined;
        return COMPARISON[v];
      case "additive":
        return k.t === "op" && (v === "+" || v === "-") ? v : undefined;
      case "multiplicative":
        return k.t === "op" && (v === "*" || v === "/" || v === "%") ? v : undefined;
    }
  }

  private parseUnary(): Node {
    const k = this.peek;
    if ((k.t === "op" && k.v === "!") || (k.t === "name" && k.v === "not")) {
      this.i++;
      return { kind: "unary", op: "not", operand: this.parseUnary(), pos: k.pos };
    }
    if (k.t === "op" && k.v === "-") {
      this.i++;
      return { kind: "unary", op: "-", operand: this.parseUnary(), pos: k.pos };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(node: Node): Node {
    for (;;) {
      if (this.is(".")) {
        this.i++;
        const name = this.peek;
        if (name.t !== "name") throw new ExprError(`expected a field name, found ${describe(name)}`, name.pos);
        this.i++;
        node = { kind: "member", object: node, name: name.v, pos: node.pos };
      } else if (this.is("(")) {
        node = { kind: "call", callee: node, args: this.parseArgs(), pos: node.pos };
      } else if (this.is("[")) {
        this.i++;
        const index = this.parseExpression();
        this.eat("]");
        node = { kind: "index", object: node, index, pos: node.pos };
      } else return node;
    }
  }

  private parseArgs(): Node[] {
    this.eat("(");
    const args: Node[] = [];
    while (!this.is(")")) {
      args.push(this.is("{") ? this.parseClosure() : this.parseExpression());
      if (!this.is(")")) this.eat(",");
    }
    this.eat(")");
    return args;
  }

  private parseClosure(): Node {
    const pos = this.peek.pos;
    return { kind: "closure", body: this.parseBlock(), pos };
  }

  private parsePrimary(): Node {
    const k = this.peek;
    switch (k.t) {
      case "str":
        this.i++;
        return { kind: "str", value: k.v, pos: k.pos };
      case "num":
        this.i++;
        return { kind: "num", value: k.v, pos: k.pos };
      case "name":
        if (k.v === "true" || k.v === "false") {
          this.i++;
          return { kind: "bool", value: k.v === "true", pos: k.pos };
        }
        if (k.v === "nil") {
          this.i++;
          return { kind: "nil", pos: k.pos };
        }
        if (WORD_OPS.has(k.v)) throw new ExprError(`unexpected ${describe(k)}`, k.pos);
        this.i++;
        return { kind: "ident", name: k.v, pos: k.pos };
      case "op":
        if (k.v === "(") {
          this.i++;
          const inner = this.parseSequence();
          this.eat(")");
          return inner;
        }
        if (k.v === "[") {
          this.i++;
          const items: Node[] = [];
          while (!this.is("]")) {
            items.push(this.parseExpression());
            if (!this.is("]")) this.eat(",");
          }
          this.eat("]");
          return { kind: "array", items, pos: k.pos };
        }
        if (k.v === "#") {
          this.i++;
          return { kind: "pointer", pos: k.pos };
        }
        if (k.v === "{") return this.parseClosure();
    }
    throw new ExprError(`unexpected ${describe(k)}`, k.pos);
  }
}

const LEVELS = ["or", "and", "compare", "additive", "multiplicative"] as const;

function describe(k: Token): string {
  return k.t === "end" ? "end of expression" : k.t === "str" ? `string ${JSON.stringify(k.v)}` : JSON.stringify(String(k.v));
}

/** `evt.Meta.http_path` for that member chain, or undefined when the node is not a plain name chain. */
export function memberPath(n: Node): string | undefined {
  if (n.kind === "ident") return n.name;
  if (n.kind === "member") {
    const head = memberPath(n.object);
    return head === undefined ? undefined : `${head}.${n.name}`;
  }
  return undefined;
}
