import type { ObservedEvent } from "../event/observed-event.js";
import type { IncidentDraft, WindowItem } from "../detect/rule-evaluator.js";
import { groupFieldText, groupKeyCached, groupShapeId } from "../rules/fields.js";
import type { IncidentKey } from "./incident.js";
import { IncidentAccumulator } from "./accumulator.js";
import type { Redactor } from "./redact.js";

/**
 * Findings → incidents: every security rule that fires for a key (client and host) is a finding of one actor,
 * and the actor is one incident while it stays active. A responder wants one incident per attacker with all it
 * did, not one per rule that noticed it.
 *
 * The actor opens with its first finding and takes every request of its key from then on (its accumulator is
 * the union the incident reports); a later finding brings along the part of its window the actor had not taken
 * yet. It closes once no finding is open and none held for `gap` (default: the longest cooldown among its
 * findings), at that moment in event time, so when the closing is noticed never changes what it covers.
 */
export interface ActorDraft {
  key: IncidentKey;
  /** Findings in the order they opened; the first one's id is the incident's. */
  findings: IncidentDraft[];
  acc: IncidentAccumulator;
  /** Release order of the newest request of the window it opened on: it took every request after that one. */
  fromSeq: number;
  /** Requests up to fromSeq already taken from findings' windows. */
  taken: Set<number>;
  open: number;
  closedAt?: number;
}

/** Longest quiet spell, in event time, that still continues the actor. */
export function actorDeadline(a: ActorDraft, gapMs: number | undefined): number {
  let held = -Infinity;
  let cooldown = 0;
  for (const f of a.findings) {
    if (f.lastHeld > held) held = f.lastHeld;
    if (f.rule.cooldownMs > cooldown) cooldown = f.rule.cooldownMs;
  }
  return held + (gapMs ?? cooldown);
}

export interface CorrelatorHooks {
  opened(a: ActorDraft): void;
  closed(a: ActorDraft): void;
  redactor: Redactor;
}

interface Shape {
  id: number;
  groupBy: ReadonlyArray<keyof IncidentKey>;
  /** Open actors by the value of the first groupBy field: most requests share none and are dismissed unbuilt. */
  first: Map<string, number>;
}

export class Correlator {
  private readonly actors = new Map<string, ActorDraft>();
  private readonly shapes: Shape[] = [];
  /** Findings opened while the current request was evaluated, with the window each opened on. */
  private pending: Array<{ d: IncidentDraft; items: WindowItem[] }> = [];

  constructor(
    private readonly hooks: CorrelatorHooks,
    /** Overrides the gap that ends an actor (default: the longest cooldown among its findings). */
    private readonly gapMs?: number,
  ) {}

  get size(): number {
    return this.actors.size;
  }

  findingOpened(d: IncidentDraft, items: WindowItem[]): void {
    this.pending.push({ d, items });
  }

  findingClosed(d: IncidentDraft): void {
    // Opened and closed while one request caught its key up (an expiry made it hold, then it cooled).
    if (this.pending.length) this.attachPending(this.lastSeq);
    this.actors.get(actorKey(d))!.open--;
  }

  /**
   * After every security rule saw the request (so each finding of its key is settled at its time): joins the
   * findings it opened to their actors, closes an actor it finds expired, and adds it to its actor. Returns
   * whether the request belongs to an active actor, i.e. comes from a client under a security incident.
   */
  afterEvent(ev: ObservedEvent, counted: boolean): boolean {
    this.lastSeq = ev.seq;
    // This request is not in a window that opened on an expiry before it: the actor is still to take it.
    if (this.pending.length) this.attachPending(ev.seq - 1);
    if (!this.actors.size) return false;
    let active = false;
    for (const s of this.shapes) {
      if (!s.first.size) continue;
      const first = groupFieldText(ev, s.groupBy[0]);
      if (first === undefined || !s.first.has(first)) continue;
      const keyText = groupKeyCached(ev, s.id, s.groupBy);
      if (keyText === undefined) continue;
      const a = this.actors.get(`${s.id}\u0000${keyText}`);
      if (!a) continue;
      if (a.open === 0 && ev.e.ts > actorDeadline(a, this.gapMs)) {
        this.close(a);
        continue;
      }
      active = true;
      // Opened on a window holding this request: it has it already.
      if (ev.seq > a.fromSeq) a.acc.add(ev, counted);
    }
    return active;
  }

  /** Event time reached `now`: actors quiet past their gap close. */
  sweep(now: number): void {
    // A condition can also start holding when an old request leaves a window, with no request to carry it.
    if (this.pending.length) this.attachPending(this.lastSeq);
    for (const a of this.actors.values()) if (a.open === 0 && now > actorDeadline(a, this.gapMs)) this.close(a);
  }

  /** End of input at `now`: closes what expired; the rest stay open. */
  finish(now: number): ActorDraft[] {
    this.sweep(now);
    return this.openActors();
  }

  openActors(): ActorDraft[] {
    return [...this.actors.values()];
  }

  /** The release order of the last request seen. */
  private lastSeq = -1;

  /** `before`: the release order up to which requests were released before these findings' actors existed. */
  private attachPending(before: number): void {
    const pending = this.pending;
    this.pending = [];
    for (const { d, items } of pending) {
      const k = actorKey(d);
      let a = this.actors.get(k);
      if (a && a.open === 0 && d.openedAt > actorDeadline(a, this.gapMs)) {
        this.close(a);
        a = undefined;
      }
      if (!a) {
        this.openActor(k, d, items, before);
        continue;
      }
      for (const item of items) {
        if (!("e" in item) || item.seq > a.fromSeq || a.taken.has(item.seq)) continue;
        a.taken.add(item.seq);
        a.acc.addEarlier(item, true);
      }
      a.findings.push(d);
      a.open++;
    }
  }

  private openActor(k: string, d: IncidentDraft, items: WindowItem[], before: number): void {
    const first = items[0];
    const acc = new IncidentAccumulator(d.rule.pack.name, "security", "e" in first ? first.e.ts : first.ts, this.hooks.redactor);
    const taken = new Set<number>();
    let fromSeq = before;
    for (const item of items) {
      if ("e" in item) {
        acc.add(item, true);
        taken.add(item.seq);
        if (item.seq > fromSeq) fromSeq = item.seq;
      } else acc.addSummary(item.ts, item.status);
    }
    const a: ActorDraft = { key: d.key, findings: [d], acc, fromSeq, taken, open: 1 };
    this.actors.set(k, a);
    const s = this.shapeOf(d);
    const v = d.key[s.groupBy[0]]!;
    s.first.set(v, (s.first.get(v) ?? 0) + 1);
    this.hooks.opened(a);
  }

  private close(a: ActorDraft): void {
    a.closedAt = actorDeadline(a, this.gapMs);
    const d = a.findings[0];
    this.actors.delete(actorKey(d));
    const s = this.shapeOf(d);
    const v = d.key[s.groupBy[0]]!;
    const n = s.first.get(v)!;
    if (n > 1) s.first.set(v, n - 1);
    else s.first.delete(v);
    a.taken.clear();
    this.hooks.closed(a);
  }

  private shapeOf(d: IncidentDraft): Shape {
    const id = groupShapeId(d.rule.rule.groupBy);
    let s = this.shapes.find((x) => x.id === id);
    if (!s) this.shapes.push((s = { id, groupBy: d.rule.rule.groupBy, first: new Map() }));
    return s;
  }
}

function actorKey(d: IncidentDraft): string {
  return `${groupShapeId(d.rule.rule.groupBy)}\u0000${d.keyText}`;
}
