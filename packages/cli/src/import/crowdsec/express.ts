import { requiredLiterals, SignatureField, type EventField, type Predicate } from "@edgeproof/engine";
import { TranslateError, type DataList, type Formula, type TextOp } from "./filter.js";
import { goRegexToJs } from "./go-regex.js";

/**
 * A formula as edgeproof pack parts: a rule's `match` (all predicates must hold) and the signature classes
 * it names. Text tests that carry a literal become signature entries, so the literal scanner rejects the
 * request in its one pass over each field for every pack; an OR of such tests is one `signature in [...]`
 * predicate. Tests without a literal (a status, a length, `Upper(x) == x`) become plain predicates.
 */
export interface SignatureClass {
  cls: string;
  fields: Array<SignatureField>;
  match: "contains" | "exact" | "prefix" | "suffix" | "regex";
  caseSensitive: boolean;
  /** An exploit class makes a 2xx answer impact (set by the scenario's behavior label). */
  exploit: boolean;
  /** Inline entries, or a data file (copied next to the pack). */
  items?: string[];
  list?: DataList;
}

export interface Expressed {
  match: Predicate[];
  classes: SignatureClass[];
  /** A list file whose entries are regexes, and the entries' JS spelling where it differs. */
  regexLists: Set<string>;
}

type TextAtom = Extract<Formula, { t: "text" }>;

const MATCH_OF: Record<TextOp, SignatureClass["match"]> = { contains: "contains", startsWith: "prefix", endsWith: "suffix", equals: "exact", matches: "regex" };
const SIGNATURE_FIELDS = new Set<string>(SignatureField.options);

export function express(f: Formula, classPrefix: string, forExclusion = false): Expressed {
  const out: Expressed = { match: [], classes: [], regexLists: new Set() };
  const conjuncts = f.t === "and" ? f.xs : f.t === "const" && f.value ? [] : [f];
  if (f.t === "const" && !f.value) throw new TranslateError("the filter never holds for an access-log event", { line: 1, col: 1 });
  for (const c of conjuncts) out.match.push(conjunct(c, out, classPrefix, forExclusion));
  return out;
}

function conjunct(c: Formula, out: Expressed, prefix: string, forExclusion: boolean): Predicate {
  switch (c.t) {
    case "text":
      return signatureOrPredicate([c], out, prefix, forExclusion, false);
    case "or": {
      if (c.xs.every((x) => x.t === "text")) return signatureOrPredicate(c.xs as TextAtom[], out, prefix, forExclusion, false);
      if (c.xs.every((x) => x.t === "status" && x.op === "in")) return { field: "status", op: "in", value: c.xs.flatMap((x) => (x.t === "status" ? x.values.map(Number) : [])) };
      throw new TranslateError("an OR over tests that are not all text tests (edgeproof rules are one conjunction of predicates)", posOf(c));
    }
    case "not": {
      const x = c.x;
      if (x.t === "text" || (x.t === "or" && x.xs.every((y) => y.t === "text"))) {
        const atoms = x.t === "text" ? [x] : (x.xs as TextAtom[]);
        return signatureOrPredicate(atoms, out, prefix, forExclusion, true);
      }
      if (x.t === "status" || x.t === "static" || x.t === "length" || x.t === "caseless") return { ...conjunct(x, out, prefix, forExclusion), not: true };
      throw new TranslateError("a negation over a compound condition", posOf(c));
    }
    case "status":
      return c.op === "in" ? { field: "status", op: "in", value: c.values.map(Number) } : { field: "status", op: "startsWith", value: c.values[0] };
    case "static":
      return { field: "static", op: "equals", value: c.value };
    case "length": {
      if (c.field === "queryLength") {
        const op = ({ "==": "equals", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte" } as const)[c.op as "=="];
        if (!op) throw new TranslateError(`length test ${c.op}`, { line: 1, col: 1 });
        return { field: "queryLength", op, value: c.value };
      }
      const quant = ({ "==": `{${c.value}}`, ">=": `{${c.value},}`, ">": `{${c.value + 1},}`, "<=": `{0,${c.value}}`, "<": `{0,${Math.max(0, c.value - 1)}}` } as const)[c.op as "=="];
      if (!quant) throw new TranslateError(`length test ${c.op}`, { line: 1, col: 1 });
      return { field: "fileFrag", op: "regex", value: `^[\\s\\S]${quant}$` };
    }
    case "caseless":
      // Upper(x) == x: no lower-case letter in x (Lower: no upper-case one).
      return { field: c.field, op: "regex", value: c.fold === "upper" ? "^[^a-z]*$" : "^[^A-Z]*$" };
    case "and":
    case "const":
      throw new TranslateError("unexpected nested conjunction", posOf(c));
  }
}

function posOf(f: Formula): { line: number; col: number } {
  if (f.t === "text") return f.pos;
  if (f.t === "and" || f.t === "or") return posOf(f.xs[0]);
  if (f.t === "not") return posOf(f.x);
  return { line: 1, col: 1 };
}

/**
 * Text tests OR'ed together. On a signature field, with a literal the scanner can look for, they become
 * signature classes (tests with the same entries, match and folding share one class over several fields);
 * otherwise, alone, a predicate.
 */
function signatureOrPredicate(atoms: TextAtom[], out: Expressed, prefix: string, forExclusion: boolean, negate: boolean): Predicate {
  const asPredicate = atoms.length === 1 && (forExclusion || !scannable(atoms[0]) || atoms[0].field === "method" || atoms[0].field === "httpVersion");
  if (asPredicate) {
    const p = predicateOf(atoms[0]);
    return negate ? { ...p, not: !p.not } : p;
  }
  if (atoms.length > 1 && atoms.every((a) => a.op === "equals" && typeof a.value === "string" && !a.fold && a.field === atoms[0].field) && (forExclusion || atoms[0].field === "method" || atoms[0].field === "httpVersion")) {
    return { field: atoms[0].field, op: negate ? "notIn" : "in", value: atoms.map((a) => a.value as string) };
  }
  if (forExclusion) throw new TranslateError("an OR of text tests in a whitelist expression", atoms[0].pos);
  const names: string[] = [];
  for (const a of atoms) {
    if (!SIGNATURE_FIELDS.has(a.field)) throw new TranslateError(`an OR of text tests on ${a.field}, which signatures do not read`, a.pos);
    const cls = classOf(a);
    const same = out.classes.find((c) => c.match === cls.match && c.caseSensitive === cls.caseSensitive && JSON.stringify(c.items) === JSON.stringify(cls.items) && JSON.stringify(c.list) === JSON.stringify(cls.list));
    if (same) {
      if (!same.fields.includes(a.field as SignatureField)) same.fields.push(a.field as SignatureField);
      if (!names.includes(same.cls)) names.push(same.cls);
      continue;
    }
    cls.cls = `${prefix}${out.classes.length ? `-${out.classes.length + 1}` : ""}`;
    if (cls.list && cls.match === "regex") out.regexLists.add(cls.list.file);
    out.classes.push(cls);
    names.push(cls.cls);
  }
  return { field: "signature", op: "in", value: names, ...(negate ? { not: true } : {}) };
}

/** Whether the scanner can look for a literal every match of the test holds. */
function scannable(a: TextAtom): boolean {
  if (typeof a.value !== "string") return true;
  if (a.op !== "matches") return a.value.length >= 2;
  const re = goRegexToJs(a.value);
  return re.ok && requiredLiterals(re.source) !== undefined;
}

function classOf(a: TextAtom): SignatureClass {
  const base = { cls: "", fields: [a.field as SignatureField], match: MATCH_OF[a.op], exploit: false };
  if (typeof a.value !== "string") return { ...base, caseSensitive: a.fold === undefined, list: a.value };
  if (a.op === "matches") {
    const re = goRegexToJs(a.value);
    if (!re.ok) throw new TranslateError(`regex ${JSON.stringify(a.value)}: ${re.reason}`, a.pos);
    return { ...base, caseSensitive: a.fold === undefined && !re.ignoreCase, items: [re.source] };
  }
  return { ...base, caseSensitive: a.fold === undefined, items: [a.value] };
}

/** A single text test as a predicate, exact in case: folded tests spell each letter as a two-case class. */
function predicateOf(a: TextAtom): Predicate {
  if (typeof a.value !== "string") throw new TranslateError("a data-file test on a field signatures do not read", a.pos);
  const field = a.field as EventField;
  const v = a.value;
  const folded = a.fold !== undefined;
  switch (a.op) {
    case "equals":
      if (v === "") return { field, op: "regex", value: "[\\s\\S]", not: true };
      return folded ? { field, op: "regex", value: `^${caseless(v)}$` } : { field, op: "equals", value: v };
    case "startsWith":
      return folded ? { field, op: "regex", value: `^${caseless(v)}` } : { field, op: "startsWith", value: v };
    case "endsWith":
      return folded ? { field, op: "regex", value: `${caseless(v)}$` } : { field, op: "endsWith", value: v };
    case "contains":
      // edgeproof's `contains` ignores case; CrowdSec's does not.
      return { field, op: "regex", value: folded ? caseless(v) : escapeRegex(v) };
    case "matches": {
      const re = goRegexToJs(v);
      if (!re.ok) throw new TranslateError(`regex ${JSON.stringify(v)}: ${re.reason}`, a.pos);
      if (folded || re.ignoreCase) throw new TranslateError("a case-folded regex without a literal the scanner could look for", a.pos);
      return { field, op: "regex", value: re.source };
    }
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function caseless(s: string): string {
  let out = "";
  for (const ch of s) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    out += lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : escapeRegex(ch);
  }
  return out;
}
