import type { HTTPEvent } from "../event/http-event.js";
import type { SignatureHit } from "../event/observed-event.js";
import type { ListEntry, RulePackDoc } from "./load.js";
import { ownCopy } from "../util/own-copy.js";

// Matching is bounded so a hostile 1 MiB line costs the same as a long normal one.
const MAX_MATCH_INPUT = 8192;
// Field values repeat heavily (user agents, popular paths); a bounded memo turns most matches into one lookup.
const MEMO_LIMIT = 50_000;

type Field = "path" | "uri" | "query" | "userAgent" | "referer" | "method";
const FIELDS: Field[] = ["path", "uri", "query", "userAgent", "referer", "method"];

interface EntryMatcher {
  /** Returns the first matching entry, or undefined. */
  match(value: string): ListEntry | undefined;
}

/** Every signature class that reads one field, matched together and memoised per value. */
interface FieldMatcher {
  field: Field;
  classes: Array<{ cls: string; exploit: boolean; matcher: EntryMatcher }>;
  memo: Map<string, SignatureHit[] | null>;
}

export class SignatureMatcher {
  private readonly fields: FieldMatcher[];
  readonly size: number;

  constructor(pack: RulePackDoc) {
    const classes = Object.entries(pack.signatures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.size = classes.length;
    this.fields = FIELDS.map((field) => ({
      field,
      memo: new Map(),
      classes: classes
        .filter(([, spec]) => spec.fields.includes(field))
        .map(([cls, spec]) => ({
          cls,
          exploit: spec.exploit,
          matcher: firstOf((Array.isArray(spec.list) ? spec.list : [spec.list]).map((l) => compileList(pack.lists[l].entries, pack.lists[l].spec.caseSensitive))),
        })),
    })).filter((f) => f.classes.length > 0);
  }

  /** Classes the event matched, each once (the first field that matched it wins), in class order. */
  hits(e: HTTPEvent): SignatureHit[] | undefined {
    let out: SignatureHit[] | undefined;
    // Memoised arrays are shared between events: merge into a fresh array instead of mutating one.
    let owned = false;
    for (const f of this.fields) {
      const value = fieldValue(e, f.field);
      if (!value) continue;
      let found = f.memo.get(value);
      if (found === undefined) {
        found = this.match(f, value.length > MAX_MATCH_INPUT ? value.slice(0, MAX_MATCH_INPUT) : value);
        if (f.memo.size >= MEMO_LIMIT) f.memo.clear();
        f.memo.set(ownCopy(value), found);
      }
      if (!found) continue;
      if (!out) {
        out = found;
        continue;
      }
      for (const h of found) {
        if (out.some((o) => o.cls === h.cls)) continue;
        if (!owned) {
          out = [...out];
          owned = true;
        }
        out.push(h);
      }
    }
    if (owned) out!.sort((a, b) => (a.cls < b.cls ? -1 : a.cls > b.cls ? 1 : 0));
    return out;
  }

  private match(f: FieldMatcher, input: string): SignatureHit[] | null {
    let found: SignatureHit[] | null = null;
    for (const c of f.classes) {
      const entry = c.matcher.match(input);
      if (entry) (found ??= []).push({ cls: c.cls, entry: entry.value, tag: entry.tag, exploit: c.exploit });
    }
    return found;
  }
}

function fieldValue(e: HTTPEvent, f: Field): string | undefined {
  switch (f) {
    case "uri":
      return e.query === undefined ? e.path : `${e.path}?${e.query}`;
    case "path":
      return e.path;
    case "query":
      return e.query;
    case "userAgent":
      return e.userAgent;
    case "referer":
      return e.referer;
    case "method":
      return e.method;
  }
}

function firstOf(matchers: EntryMatcher[]): EntryMatcher {
  if (matchers.length === 1) return matchers[0];
  return { match: (value) => matchers.reduce<ListEntry | undefined>((hit, m) => hit ?? m.match(value), undefined) };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Compiles a list into one matcher: literal entries become a single alternation per match type
 * (one regex scan instead of hundreds of indexOf calls), regex entries are tried in order.
 */
function compileList(entries: ListEntry[], caseSensitive: boolean): EntryMatcher {
  const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
  const flags = caseSensitive ? "" : "i";
  const exact = new Map<string, ListEntry>();
  const segment = new Map<string, ListEntry>();
  const byPattern: Array<{ re: RegExp; entries: ListEntry[]; kind: ListEntry["match"] }> = [];
  const groups: Record<"contains" | "prefix" | "suffix", ListEntry[]> = { contains: [], prefix: [], suffix: [] };
  for (const entry of entries) {
    if (entry.match === "exact") exact.set(fold(entry.value), exact.get(fold(entry.value)) ?? entry);
    else if (entry.match === "segment") segment.set(fold(entry.value), segment.get(fold(entry.value)) ?? entry);
    else if (entry.match === "regex") byPattern.push({ re: new RegExp(entry.value, flags), entries: [entry], kind: "regex" });
    else groups[entry.match].push(entry);
  }
  for (const kind of ["contains", "prefix", "suffix"] as const) {
    const list = groups[kind];
    if (!list.length) continue;
    const alternation = list.map((e) => `(?:${escapeRegex(e.value)})`).join("|");
    const source = kind === "prefix" ? `^(?:${alternation})` : kind === "suffix" ? `(?:${alternation})$` : alternation;
    byPattern.push({ re: new RegExp(source, flags), entries: list, kind });
  }
  return {
    match(value) {
      if (exact.size) {
        const hit = exact.get(fold(value));
        if (hit) return hit;
      }
      if (segment.size) {
        for (const seg of fold(value).split("/")) {
          const hit = seg && segment.get(seg);
          if (hit) return hit;
        }
      }
      for (const p of byPattern) {
        const m = p.re.exec(value);
        if (!m) continue;
        if (p.kind === "regex") return p.entries[0];
        const found = fold(m[0]);
        return p.entries.find((e) => fold(e.value) === found) ?? p.entries[0];
      }
      return undefined;
    },
  };
}
