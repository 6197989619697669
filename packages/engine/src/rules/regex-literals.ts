/**
 * Literals a regex cannot match without: a set such that every match contains at least one of them. It lets
 * the literal prefilter (LiteralScanner) stand in for regex entries too, e.g. `/tmui/login\.jsp/(?:\.\.|%2e%2e);/`
 * requires `/tmui/login.jsp/`, `(?:\$|%24)(?:\{|%7b)(?:script|url|dns)` requires one of `script`, `url`, `dns`.
 *
 * Conservative by construction: anything not understood (classes, `.`, lookarounds, optional atoms) only ends a
 * literal run, and a backreference gives up. Returns undefined when no set with every literal at least
 * MIN_LITERAL long exists; the caller then cannot prefilter that field.
 */
const MIN_LITERAL = 2;

type Atom = { kind: "char"; ch: string } | { kind: "group"; alts: Quantified[][] } | { kind: "other" };
type Quantified = { atom: Atom; min0: boolean; repeat: boolean };

class GiveUp extends Error {}

/**
 * The literals every match of the regex `source` contains at least one of (see the file header), or undefined
 * when no such set of literals at least MIN_LITERAL long exists, so the field cannot be prefiltered.
 */
export function requiredLiterals(source: string): string[] | undefined {
  try {
    const p = new Parser(source);
    const alts = p.alternation();
    if (p.pos < source.length) return undefined;
    return best(unionOf(alts.map(sequenceSet)));
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

function best(set: string[] | undefined): string[] | undefined {
  return set && set.every((s) => s.length >= MIN_LITERAL) ? set : undefined;
}

function unionOf(sets: Array<string[] | undefined>): string[] | undefined {
  if (sets.some((s) => s === undefined)) return undefined;
  return [...new Set(sets.flat() as string[])];
}

/** The strongest required set of one alternative: its longest guaranteed literal run, or a group's set. */
function sequenceSet(seq: Quantified[]): string[] | undefined {
  const candidates: string[][] = [];
  let run = "";
  const flush = () => {
    if (run) candidates.push([run]);
    run = "";
  };
  for (const { atom, min0, repeat } of seq) {
    if (atom.kind === "char" && !min0 && atom.ch.charCodeAt(0) < 128) {
      run += atom.ch;
      if (repeat) flush();
      continue;
    }
    flush();
    if (atom.kind === "group" && !min0) {
      const set = best(unionOf(atom.alts.map(sequenceSet)));
      if (set) candidates.push(set);
    }
  }
  flush();
  let pick: string[] | undefined;
  for (const c of candidates) if (!pick || score(c) > score(pick)) pick = c;
  return pick;
}

function score(set: string[]): number {
  return Math.min(...set.map((s) => s.length)) - set.length / 1000;
}

const CLASS_ESCAPES = new Set(["d", "D", "w", "W", "s", "S", "b", "B", "p", "P"]);
const CONTROL: Record<string, string> = { n: "\n", r: "\r", t: "\t", f: "\f", v: "\v", "0": "\0" };

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  alternation(): Quantified[][] {
    const alts: Quantified[][] = [this.sequence()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): Quantified[] {
    const seq: Quantified[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      const atom = this.atom();
      seq.push({ atom, ...this.quantifier() });
    }
    return seq;
  }

  private atom(): Atom {
    const c = this.src[this.pos++];
    switch (c) {
      case "(":
        return this.group();
      case "[":
        this.skipClass();
        return { kind: "other" };
      case "\\":
        return this.escape();
      case ".":
      case "^":
      case "$":
        return { kind: "other" };
      default:
        return { kind: "char", ch: c };
    }
  }

  private group(): Atom {
    let lookaround = false;
    if (this.src[this.pos] === "?") {
      const rest = this.src.slice(this.pos, this.pos + 3);
      if (rest.startsWith("?:")) this.pos += 2;
      else if (rest.startsWith("?=") || rest.startsWith("?!")) (this.pos += 2), (lookaround = true);
      else if (rest === "?<=" || rest === "?<!") (this.pos += 3), (lookaround = true);
      else if (rest.startsWith("?<")) this.pos = this.src.indexOf(">", this.pos) + 1;
      else throw new GiveUp();
    }
    const alts = this.alternation();
    if (this.src[this.pos++] !== ")") throw new GiveUp();
    return lookaround ? { kind: "other" } : { kind: "group", alts };
  }

  private escape(): Atom {
    const c = this.src[this.pos++];
    if (c === undefined) throw new GiveUp();
    if (/[1-9]/.test(c) || c === "k") throw new GiveUp();
    if (CLASS_ESCAPES.has(c)) return { kind: "other" };
    if (c in CONTROL) return { kind: "char", ch: CONTROL[c] };
    if (c === "x" || c === "u") {
      const n = c === "x" ? 2 : 4;
      const hex = this.src.slice(this.pos, this.pos + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) return { kind: "other" };
      this.pos += n;
      return { kind: "char", ch: String.fromCharCode(parseInt(hex, 16)) };
    }
    if (/[A-Za-z]/.test(c)) return { kind: "other" };
    return { kind: "char", ch: c };
  }

  private skipClass(): void {
    while (this.pos < this.src.length && this.src[this.pos] !== "]") this.pos += this.src[this.pos] === "\\" ? 2 : 1;
    if (this.src[this.pos++] !== "]") throw new GiveUp();
  }

  private quantifier(): { min0: boolean; repeat: boolean } {
    const c = this.src[this.pos];
    let q = { min0: false, repeat: false };
    if (c === "?" || c === "*") q = { min0: true, repeat: c === "*" };
    else if (c === "+") q = { min0: false, repeat: true };
    else if (c === "{") {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.src.slice(this.pos));
      if (!m) return q;
      this.pos += m[0].length - 1;
      q = { min0: Number(m[1]) === 0, repeat: m[2] !== undefined || Number(m[1]) > 1 };
    } else return q;
    this.pos++;
    if (this.src[this.pos] === "?") this.pos++;
    return q;
  }
}
