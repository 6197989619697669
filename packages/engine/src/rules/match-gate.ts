import type { EventField, Predicate } from "./schema.js";
import type { FieldValue } from "./fields.js";
import type { ObservedEvent } from "../event/observed-event.js";
import { requiredLiterals } from "./regex-literals.js";
import { LiteralScanner } from "./literal-scanner.js";

/**
 * What a conjunction of predicates needs of an event that GateIndex can tell without running it, so that a
 * rule or an exclusion whose match cannot hold for an event costs nothing for it. Everything here only ever
 * lets through more than the match does.
 */
export interface MatchGate {
  /** The predicates on fields buckets are keyed by (see KEYED): decided once per bucket, exactly. */
  keyed: Array<{ field: KeyedField; test: (ev: ObservedEvent) => boolean }>;
  /** Indexed by queryClass: 0 where the match cannot hold. Undefined: any. */
  query: Uint8Array | undefined;
  /** A hit in this pack is needed (a positive `signature in/equals`). */
  signaturePack: string | undefined;
  /**
   * One of these ASCII literals (in any case) occurs in `path?query` whenever the match holds; undefined when
   * no predicate on a part of the request target yields such a set.
   */
  targetLiterals: string[] | undefined;
}

/** Fields with few values in real traffic: a bucket holds the events that share all of them. */
const KEYED = ["status", "method", "httpVersion", "malformedRequest", "absoluteUri"] as const;
type KeyedField = (typeof KEYED)[number];
const KEYED_SET: ReadonlySet<string> = new Set(KEYED);

/** Parts of the request target: each value is a substring of `path?query`, so a literal it needs is in that. */
const TARGET_FIELDS: ReadonlySet<string> = new Set(["path", "uri", "query", "fileName", "fileExt", "fileFrag", "fileDir"]);

/** How a predicate is compiled (see compile.ts): as a test of the event, and as a test of a field's value. */
export interface PredicateCompiler {
  predicate(p: Predicate): (ev: ObservedEvent) => boolean;
  /** The predicate's own comparison of a value of its field, `not` applied. */
  value(p: Predicate): (v: FieldValue) => boolean;
}

export function matchGate(match: Predicate[], pack: string, compile: PredicateCompiler): MatchGate {
  const keyed: MatchGate["keyed"] = [];
  let query: Uint8Array | undefined;
  let targetLiterals: string[] | undefined;
  const allow = (mine: Uint8Array) => (query = query ? query.map((x, i) => x & mine[i]) : mine);
  for (const p of match) {
    if (KEYED_SET.has(p.field)) keyed.push({ field: p.field as KeyedField, test: compile.predicate(p) });
    else if (p.field === "queryLength") allow(new Uint8Array([compile.value(p)(0) ? 1 : 0, compile.value(p)(0) ? 1 : 0, noPositiveLength(p) ? 0 : 1]));
    if (p.field === "query") allow(new Uint8Array([compile.value(p)(undefined) ? 1 : 0, 1, 1]));
    if (TARGET_FIELDS.has(p.field) && !p.not) {
      const lits = literalsOf(p);
      if (lits && (!targetLiterals || shortest(lits) > shortest(targetLiterals))) targetLiterals = lits;
    }
  }
  const signed = match.some((p) => p.field === "signature" && !p.not && (p.op === "in" || p.op === "equals"));
  return { keyed, query, signaturePack: signed ? pack : undefined, targetLiterals };
}

/** 0: no query string, 1: an empty one (`/p?`), 2: a non-empty one. */
function queryClass(q: string | undefined): number {
  return q === undefined ? 0 : q.length === 0 ? 1 : 2;
}

/** Whether a `queryLength` predicate cannot hold for any length ≥ 1 (it reads 0 for no query). */
function noPositiveLength(p: Predicate): boolean {
  if (p.not) return false;
  const values = (Array.isArray(p.value) ? p.value : [p.value]).map((v) => Number(v));
  switch (p.op) {
    case "equals":
      return !(values[0] >= 1);
    case "in":
      return values.every((n) => !(n >= 1));
    case "lt":
      return values[0] <= 1;
    case "lte":
      return values[0] < 1;
    default:
      return false;
  }
}

/** The literals one of which a value matching `p` contains, if they are all non-empty ASCII. */
function literalsOf(p: Predicate): string[] | undefined {
  const values = (Array.isArray(p.value) ? p.value : [p.value]).map(String);
  let lits: string[] | undefined;
  switch (p.op) {
    case "regex": {
      // Every value is an alternative: a match needs one of the literals of the one that matched.
      const sets = values.map(requiredLiterals);
      lits = sets.every((s) => s !== undefined) ? sets.flat() : undefined;
      break;
    }
    case "contains":
    case "startsWith":
    case "endsWith":
      lits = values;
      break;
    case "equals":
      lits = values.slice(0, 1);
      break;
    default:
      return undefined;
  }
  return lits && lits.length > 0 && lits.every((l) => l.length > 0 && isAscii(l)) ? lits : undefined;
}

function shortest(lits: string[]): number {
  return Math.min(...lits.map((l) => l.length));
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

const QUESTION_MARK = 63;
/** Distinct methods (and versions) told apart; request lines are attacker-controlled, so the rest share one id. */
const MAX_IDS = 62;
const OTHER_ID = MAX_IDS + 1;
const STATUS_RANGE = 1000;

/**
 * Items (rules, exclusions) indexed by their gates: per event, the ones whose match can hold, in their order.
 * Events are bucketed by status, method, HTTP version, the request-line flags and whether there is a query;
 * a bucket's items are worked out from the first event that falls in it (the keyed predicates read only what
 * the bucket's events share), so an event costs one lookup and, when some item of its bucket needs a target
 * literal, one scan of `path?query` for all of them together.
 */
export class GateIndex<T> {
  private readonly buckets = new Map<number, Bucket<T>>();
  private readonly methodIds = new Map<string, number>();
  private readonly versionIds = new Map<string, number>();
  /** Every target literal any item needs: an event holding none of them passes no item that needs one. */
  private readonly scanner: LiteralScanner | undefined;
  private readonly picked: T[] = [];

  constructor(private readonly entries: ReadonlyArray<{ item: T; gate: MatchGate }>) {
    const lits = entries.flatMap((x) => x.gate.targetLiterals ?? []);
    this.scanner = lits.length ? new LiteralScanner(lits) : undefined;
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The items whose gate passes for the event, in their order. The array is reused by the next call: iterate
   * it before selecting again.
   */
  select(ev: ObservedEvent): readonly T[] {
    const e = ev.e;
    const s = e.status;
    const status = Number.isInteger(s) && s >= 0 && s < STATUS_RANGE ? s : STATUS_RANGE;
    const method = idOf(this.methodIds, e.method);
    const version = idOf(this.versionIds, e.httpVersion);
    const flags = queryClass(e.query) + (e.malformedRequest === true ? 3 : 0) + (e.absoluteUri === true || e.targetHost !== undefined ? 6 : 0);
    const key = ((status * 64 + method) * 64 + version) * 12 + flags;
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = this.bucket(ev, { status: status === STATUS_RANGE, method: method === OTHER_ID, httpVersion: version === OTHER_ID })));
    if (!b.checked) return b.plain;
    const signed = ev.signatures !== undefined;
    if (!signed && !b.literals) return b.plain;
    const found = b.literals && this.scanner!.test(e.path, QUESTION_MARK, e.query);
    if (!signed && !found) return b.plain;
    const out = this.picked;
    out.length = 0;
    for (const x of b.all) {
      const g = x.gate;
      if (g.targetLiterals !== undefined && !found) continue;
      if (g.signaturePack !== undefined && ev.signatures?.has(g.signaturePack) !== true) continue;
      out.push(x.item);
    }
    return out;
  }

  /** `unknown`: fields whose value this bucket does not pin down (out of range, past MAX_IDS): not tested. */
  private bucket(ev: ObservedEvent, unknown: Partial<Record<EventField, boolean>>): Bucket<T> {
    const q = queryClass(ev.e.query);
    const all = this.entries.filter(({ gate: g }) => (!g.query || g.query[q] === 1) && g.keyed.every((k) => unknown[k.field] === true || k.test(ev)));
    const checked = all.filter((x) => x.gate.signaturePack !== undefined || x.gate.targetLiterals !== undefined);
    return {
      all,
      checked: checked.length > 0,
      plain: all.filter((x) => !checked.includes(x)).map((x) => x.item),
      literals: checked.some((x) => x.gate.targetLiterals !== undefined),
    };
  }
}

function idOf(ids: Map<string, number>, v: string | undefined): number {
  if (v === undefined) return 0;
  const id = ids.get(v);
  if (id !== undefined) return id;
  if (ids.size >= MAX_IDS) return OTHER_ID;
  ids.set(v, ids.size + 1);
  return ids.size;
}

interface Bucket<T> {
  all: ReadonlyArray<{ item: T; gate: MatchGate }>;
  /** Whether some of them need a signature hit or a target literal. */
  checked: boolean;
  /** The items that need neither. */
  plain: readonly T[];
  literals: boolean;
}
