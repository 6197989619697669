import type { HTTPEvent } from "../event/http-event.js";
import { requestUri, type SignatureHit } from "../event/observed-event.js";
import type { ListEntry, RulePackDoc } from "./load.js";
import { ownCopy } from "../util/own-copy.js";
import { LiteralScanner } from "./literal-scanner.js";
import { ValueMemo } from "./value-memo.js";
import { requiredLiterals } from "./regex-literals.js";
import { SignatureField } from "./schema.js";
import { fileDir, fileExt, fileFrag, fileName, uriDecoded, uriFormDecoded } from "../event/request-target.js";

// Matching is bounded so a hostile 1 MiB line costs the same as a long normal one.
const MAX_MATCH_INPUT = 8192;
// Field values repeat heavily (user agents, popular paths); a bounded memo turns most matches into one lookup.
const MEMO_LIMIT = 50_000;

type Field = SignatureField;
/** Parts of the request target: each is a substring of `path?query`, so one scan of that rejects them all. */
const TARGET_FIELDS: ReadonlySet<Field> = new Set(["path", "uri", "query", "fileName", "fileExt", "fileFrag", "fileDir"]);
/** The target decoded: a different text only when it holds an escape, and then scanned apart. */
const DECODED_FIELDS: ReadonlySet<Field> = new Set(["uriDecoded", "uriFormDecoded"]);

interface EntryMatcher {
  /** Returns the first matching entry, or undefined. */
  match(value: string): ListEntry | undefined;
}

/** Hits of one event (or one field value) per pack name, each pack's in class order. */
export type PackHits = Map<string, SignatureHit[]>;

/** Every signature class of every pack that reads one field, matched together and memoised per value. */
interface FieldMatcher {
  field: Field;
  classes: Array<{ pack: string; cls: string; exploit: boolean; matcher: EntryMatcher }>;
  memo: ValueMemo<PackHits | null>;
  /** Rejects, in one pass, values that contain no literal any entry needs; absent when some entry has none. */
  prefilter: LiteralScanner | undefined;
  /** A part of the request target (path, uri, query, file name): prefiltered once per event over `path?query`. */
  target: boolean;
}

const QUESTION_MARK = 63;

/**
 * The signature classes of all packs together: each field is scanned once per event by one literal scanner
 * holding every pack's literals, and only a value that holds one of them reaches the exact matchers.
 */
export class SignatureMatcher {
  private readonly fields: FieldMatcher[];
  /** One scan of `path?query` for every target field's literals: the value of each is a substring of it. */
  private readonly targetPrefilter: LiteralScanner | undefined;
  readonly size: number;

  /** `prefilter: false` runs every exact matcher on every value: the reference the prefilter is tested against. */
  constructor(packs: RulePackDoc | RulePackDoc[], opts: { prefilter?: boolean } = {}) {
    const usePrefilter = opts.prefilter !== false;
    const all = (Array.isArray(packs) ? packs : [packs]).flatMap((pack) => {
      const skip = offOnly(pack);
      return Object.entries(pack.signatures)
        .filter(([cls]) => !skip.has(cls))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([cls, spec]) => ({ pack, cls, spec, lists: (Array.isArray(spec.list) ? spec.list : [spec.list]).map((l) => pack.lists[l]) }));
    });
    this.size = all.length;
    const listsOf = (wanted: (f: Field) => boolean) => all.filter((c) => c.spec.fields.some(wanted)).flatMap((c) => c.lists);
    // Without an escape a decoded field is the target itself, so the target scan must know its literals too.
    this.targetPrefilter = usePrefilter ? prefilterOf(listsOf((f) => TARGET_FIELDS.has(f) || DECODED_FIELDS.has(f))) : undefined;
    this.fields = SignatureField.options.map((field): FieldMatcher => {
      const target = TARGET_FIELDS.has(field);
      return {
        field,
        target,
        memo: new ValueMemo<PackHits | null>(MEMO_LIMIT),
        prefilter: !usePrefilter ? undefined : target ? this.targetPrefilter : prefilterOf(listsOf((f) => f === field)),
        classes: all
          .filter((c) => c.spec.fields.includes(field))
          .map((c) => ({ pack: c.pack.name, cls: c.cls, exploit: c.spec.exploit, matcher: firstOf(c.lists.map((l) => compileList(l.entries, l.spec.caseSensitive))) })),
      };
    }).filter((f) => f.classes.length > 0);
  }

  /** Classes the event matched per pack, each once (the first field that matched it wins), in class order. */
  hits(e: HTTPEvent): PackHits | undefined {
    let out: PackHits | undefined;
    // Memoised maps are shared between events: merge into a fresh map instead of mutating one.
    let owned = false;
    // 0: not scanned yet, 1: the target holds some literal, -1: it holds none.
    let target = 0;
    for (const f of this.fields) {
      let value: string | undefined;
      if (f.target || DECODED_FIELDS.has(f.field)) {
        if (target === 0) target = !this.targetPrefilter || this.targetPrefilter.test(e.path, QUESTION_MARK, e.query) ? 1 : -1;
        // A decoded target differs from the target only through an escape; without one the target scan decides.
        if (target < 0 && (f.target || !hasEscape(e, f.field === "uriFormDecoded"))) continue;
      }
      value = fieldValue(e, f.field);
      if (!value) continue;
      let found = f.memo.get(value);
      if (found === undefined) {
        // Header values repeat (a handful of user agents): memoised even when the prefilter rejects them.
        found = f.prefilter && !f.prefilter.test(value) ? null : this.match(f, value.length > MAX_MATCH_INPUT ? value.slice(0, MAX_MATCH_INPUT) : value);
        f.memo.set(ownCopy(value), found);
      }
      if (!found) continue;
      if (!out) {
        out = found;
        continue;
      }
      if (!owned) {
        out = new Map([...out].map(([p, h]) => [p, [...h]]));
        owned = true;
      }
      for (const [pack, hits] of found) {
        const mine = out.get(pack);
        if (!mine) out.set(pack, [...hits]);
        else for (const h of hits) if (!mine.some((o) => o.cls === h.cls)) mine.push(h);
      }
    }
    if (owned) for (const hits of out!.values()) hits.sort((a, b) => (a.cls < b.cls ? -1 : a.cls > b.cls ? 1 : 0));
    return out;
  }

  private match(f: FieldMatcher, input: string): PackHits | null {
    let found: PackHits | null = null;
    for (const c of f.classes) {
      const entry = c.matcher.match(input);
      if (!entry) continue;
      found ??= new Map();
      const hit = { cls: c.cls, entry: entry.value, tag: entry.tag, exploit: c.exploit, target: f.target || DECODED_FIELDS.has(f.field) };
      const mine = found.get(c.pack);
      if (mine) mine.push(hit);
      else found.set(c.pack, [hit]);
    }
    return found;
  }
}

/**
 * The classes only disabled rules read (an imported scenario left off), which are not matched at all. A class no
 * rule reads stays: it is context in the evidence of incidents other rules open (crawler user agents).
 */
function offOnly(pack: RulePackDoc): Set<string> {
  const on = new Set<string>();
  const off = new Set<string>();
  for (const r of pack.rules) {
    const read = r.enabled ? on : off;
    for (const p of r.match) if (p.field === "signature") for (const v of Array.isArray(p.value) ? p.value : [p.value]) read.add(String(v));
    for (const t of [...r.when, ...r.escalate.flatMap((e) => (e.when ? [e.when] : []))]) {
      // Counting every class reads them all.
      if (t.metric === "signatureHits" && r.enabled) return new Set();
      const cls = /^signatureHits\((.+)\)$/.exec(t.metric)?.[1];
      if (cls) read.add(cls);
    }
  }
  return new Set([...off].filter((c) => !on.has(c)));
}

function hasEscape(e: HTTPEvent, form: boolean): boolean {
  const has = (s: string | undefined) => s !== undefined && (s.indexOf("%") >= 0 || (form && s.indexOf("+") >= 0));
  return has(e.path) || has(e.query);
}

function fieldValue(e: HTTPEvent, f: Field): string | undefined {
  switch (f) {
    case "uri":
      return requestUri(e);
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
    case "uriDecoded":
      return uriDecoded(e);
    case "uriFormDecoded":
      return uriFormDecoded(e);
    case "fileName":
      return fileName(e.path);
    case "fileExt":
      return fileExt(e.path);
    case "fileFrag":
      return fileFrag(e.path);
    case "fileDir":
      return fileDir(e.path);
  }
}

/**
 * The literals a field's entries require, as one scanner; undefined when an entry requires none (an empty
 * entry, a regex without a required literal), since the prefilter must never reject a value that matches.
 * Entries with non-ASCII characters need a non-ASCII value, and those always pass the scanner.
 */
function prefilterOf(lists: Array<{ spec: { caseSensitive: boolean }; entries: ListEntry[] }>): LiteralScanner | undefined {
  const patterns: string[] = [];
  for (const { spec, entries } of lists)
    for (const entry of entries) {
      let needs: string[] | undefined;
      if (entry.match === "regex") needs = requiredLiterals(entry.value);
      else if (entry.match === "exact" || entry.match === "segment") needs = [spec.caseSensitive ? entry.value : entry.value.toLowerCase()];
      else needs = [entry.value];
      if (!needs || needs.some((n) => n === "")) return undefined;
      for (const n of needs) if (isAscii(n)) patterns.push(n);
    }
  return new LiteralScanner(patterns);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

function firstOf(matchers: EntryMatcher[]): EntryMatcher {
  if (matchers.length === 1) return matchers[0];
  return { match: (value) => matchers.reduce<ListEntry | undefined>((hit, m) => hit ?? m.match(value), undefined) };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const WORD = /[A-Za-z0-9_]/;

/**
 * A whole word or product token: a word character at the entry's edge must not continue into the text
 * around it (the `\b` of the CrowdSec hub's user-agent regexes). An edge that is itself punctuation
 * (`Mozilla/4.0 (Hydra)`) already delimits the entry.
 */
function tokenPattern(value: string): string {
  const before = WORD.test(value[0]) ? "(?<![A-Za-z0-9_])" : "";
  const after = WORD.test(value[value.length - 1]) ? "(?![A-Za-z0-9_])" : "";
  return `${before}${escapeRegex(value)}${after}`;
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
  const groups: Record<"contains" | "prefix" | "suffix" | "token", ListEntry[]> = { contains: [], prefix: [], suffix: [], token: [] };
  for (const entry of entries) {
    if (entry.match === "exact") exact.set(fold(entry.value), exact.get(fold(entry.value)) ?? entry);
    else if (entry.match === "segment") segment.set(fold(entry.value), segment.get(fold(entry.value)) ?? entry);
    else if (entry.match === "regex") byPattern.push({ re: new RegExp(entry.value, flags), entries: [entry], kind: "regex" });
    else groups[entry.match].push(entry);
  }
  for (const kind of ["contains", "prefix", "suffix", "token"] as const) {
    const list = groups[kind];
    if (!list.length) continue;
    const alternation = list.map((e) => `(?:${kind === "token" ? tokenPattern(e.value) : escapeRegex(e.value)})`).join("|");
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
