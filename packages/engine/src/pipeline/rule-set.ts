import type { ObservedEvent } from "../event/observed-event.js";
import type { HTTPEvent } from "../event/http-event.js";
import type { RulePackDoc } from "../rules/index.js";
import { OPEN_BIT, RuleEvaluator, type IncidentDraft, type TraceStep } from "../detect/rule-evaluator.js";
import type { NearMiss } from "../detect/near-miss.js";
import { Correlator, type ActorDraft } from "../incident/correlate.js";
import type { IncidentKey } from "../incident/incident.js";
import type { Redactor } from "../incident/redact.js";
import { VolumetricEvaluator, type VolumetricDraft } from "../detect/volumetric/volumetric-evaluator.js";
import { GateIndex, type MatchGate } from "../rules/match-gate.js";

export interface DetectionHooks {
  redactor: Redactor;
  actorOpened(a: ActorDraft): void;
  actorClosed(a: ActorDraft): void;
  reliabilityOpened(d: IncidentDraft): void;
  reliabilityClosed(d: IncidentDraft): void;
  volumetricOpened(d: VolumetricDraft): void;
  volumetricClosed(d: VolumetricDraft): void;
}

/** What is open at a moment: security actors, reliability drafts, volumetric drafts. */
export interface OpenDrafts {
  actors: ActorDraft[];
  reliability: IncidentDraft[];
  volumetric?: VolumetricDraft[];
}

/** A rule in its place in the dispatch order. */
interface Slot {
  r: RuleEvaluator;
  order: number;
}

/**
 * The rules of one stage (security or reliability), each shown only the requests that can matter to it: those
 * its gate lets through (GateIndex), and every request while it listens (an open incident, a live share
 * window), in the rules' order.
 */
class Stage {
  readonly rules: RuleEvaluator[] = [];
  private readonly slots: Slot[] = [];
  private index: GateIndex<Slot> | undefined;
  /** Listening slots in order; replaced, not changed, so a change during a request's pass does not disturb it. */
  private listeners: Slot[] = [];

  add(r: RuleEvaluator): void {
    this.rules.push(r);
    this.slots.push({ r, order: this.slots.length });
  }

  listening(r: RuleEvaluator, on: boolean): void {
    const slot = this.slots.find((s) => s.r === r)!;
    this.listeners = on ? [...this.listeners, slot].sort((a, b) => a.order - b.order) : this.listeners.filter((s) => s !== slot);
  }

  /** Passes the request to each rule that can use it; returns whether any counted it. */
  onEvent(ev: ObservedEvent, mask: number): boolean {
    const index = (this.index ??= new GateIndex(this.slots.map((s) => ({ item: s, gate: dispatchGate(s.r) }))));
    const picked = index.select(ev);
    const listeners = this.listeners;
    let counted = false;
    let i = 0;
    let j = 0;
    while (i < picked.length || j < listeners.length) {
      const a = picked[i];
      const b = listeners[j];
      if (a !== undefined && (b === undefined || a.order <= b.order)) {
        if (a === b) j++;
        i++;
        if (a.r.onEvent(ev, mask, true)) counted = true;
      } else {
        j++;
        b.r.onEvent(ev, mask, false);
      }
    }
    return counted;
  }
}

/**
 * What a rule needs of a request to be told of it when it does not listen. A skipAnswered rule remembers
 * answers its match rejects (a 200 on an admin path), so its status and method do not gate it. Target
 * literals are left to the match: the rules that would need one test a short field directly.
 */
function dispatchGate(r: RuleEvaluator): MatchGate {
  const g = r.compiled.gate;
  if (r.compiled.skipAnswered) return { keyed: [], query: undefined, signaturePack: g.signaturePack, targetLiterals: undefined };
  return { ...g, targetLiterals: undefined };
}

/**
 * Every enabled rule, dispatched per released request in the order the data path needs: security rules first,
 * then the correlator joins their findings into actors (so it knows, exactly at the request's time, whether
 * its client is under a security incident), then reliability rules, which count such clients apart.
 */
export class RuleSet {
  private readonly securityStage = new Stage();
  private readonly reliabilityStage = new Stage();
  private readonly security = this.securityStage.rules;
  private readonly reliability = this.reliabilityStage.rules;
  private readonly correlator: Correlator;
  /** Volumetric rules count every request of their host or upstream, whoever sent it (exclusions included). */
  private readonly volumetric: VolumetricEvaluator[] = [];
  /** Open incidents by groupBy field and the value it has in their key. */
  private readonly openValues = { clientIp: new Map<string, number>(), host: new Map<string, number>(), upstream: new Map<string, number>() };

  constructor(packs: RulePackDoc[], hooks: DetectionHooks, opts: { traceKey?: (k: IncidentKey) => boolean; actorGapMs?: number } = {}) {
    this.correlator = new Correlator({ redactor: hooks.redactor, opened: hooks.actorOpened, closed: hooks.actorClosed }, opts.actorGapMs);
    const ruleHooks = {
      redactor: hooks.redactor,
      opened: (d: IncidentDraft, items: Parameters<Correlator["findingOpened"]>[1]) => {
        this.countOpen(d, 1);
        if (d.rule.rule.kind === "security") this.correlator.findingOpened(d, items);
        else hooks.reliabilityOpened(d);
      },
      closed: (d: IncidentDraft) => {
        this.countOpen(d, -1);
        if (d.rule.rule.kind === "security") this.correlator.findingClosed(d);
        else hooks.reliabilityClosed(d);
      },
      listening: (r: RuleEvaluator, on: boolean) => this.stageOf(r.compiled.rule.kind).listening(r, on),
    };
    for (const pack of packs)
      for (const rule of pack.rules) {
        if (!rule.enabled) continue;
        this.stageOf(rule.kind).add(new RuleEvaluator(rule, pack, ruleHooks, opts.traceKey));
      }
    const volumetricHooks = { redactor: hooks.redactor, opened: hooks.volumetricOpened, closed: hooks.volumetricClosed };
    for (const pack of packs) for (const rule of pack.volumetric ?? []) if (rule.enabled) this.volumetric.push(new VolumetricEvaluator(rule, pack, volumetricHooks, opts.traceKey));
  }

  private stageOf(kind: "security" | "reliability"): Stage {
    return kind === "security" ? this.securityStage : this.reliabilityStage;
  }

  private get all(): RuleEvaluator[] {
    return [...this.security, ...this.reliability];
  }

  /** `excluded`: a pack's exclusion (an application whitelist) holds for the event; no security rule sees it. */
  onEvent(ev: ObservedEvent, excluded = false): void {
    const mask = this.openMask(ev.e);
    const counted = !excluded && this.securityStage.onEvent(ev, mask);
    const scanner = this.correlator.afterEvent(ev, counted);
    this.reliabilityStage.onEvent(ev, scanner ? mask | OPEN_BIT.scanner : mask);
    for (const v of this.volumetric) v.onEvent(ev);
  }

  /** Settles every key at `now` (security before the actors their findings make up). */
  sweep(now: number): void {
    for (const r of this.security) r.sweep(now);
    this.correlator.sweep(now);
    for (const r of this.reliability) r.sweep(now);
    for (const v of this.volumetric) v.sweep(now);
  }

  /** End of input at `now`: what stays open. */
  finish(now: number): OpenDrafts {
    for (const r of this.security) r.finish(now);
    const reliability = this.reliability.flatMap((r) => r.finish(now));
    const volumetric = this.volumetric.flatMap((v) => v.finish(now));
    return { actors: this.correlator.finish(now), reliability, volumetric };
  }

  open(): OpenDrafts {
    return { actors: this.correlator.openActors(), reliability: this.reliability.flatMap((r) => r.openDrafts()), volumetric: this.volumetric.flatMap((v) => v.openDrafts()) };
  }

  nearMisses(): NearMiss[] {
    return this.all.flatMap((r) => r.nearMisses.list());
  }

  traces(): Array<{ ruleId: string; pack: string; key: string; steps: TraceStep[]; nearMiss?: NearMiss }> {
    return [
      ...this.all.flatMap((r) => r.traces().map((t) => ({ ruleId: r.compiled.rule.id, pack: r.compiled.pack.name, ...t }))),
      ...this.volumetric.flatMap((v) => v.traces().map((t) => ({ ruleId: v.rule.id, pack: v.pack.name, ...t }))),
    ];
  }

  /** Keys currently held across all rules, and actors: what bounds memory. */
  get activeKeys(): number {
    return this.all.reduce((n, r) => n + r.activeKeys, 0) + this.correlator.size + this.volumetric.reduce((n, v) => n + v.activeKeys, 0);
  }

  private countOpen(d: IncidentDraft, delta: 1 | -1): void {
    const f = d.rule.rule.groupBy[0];
    const m = this.openValues[f];
    const v = d.key[f]!;
    const n = (m.get(v) ?? 0) + delta;
    if (n) m.set(v, n);
    else m.delete(v);
  }

  /** One lookup per field for all rules: which of the event's key values have an open incident anywhere. */
  private openMask(e: HTTPEvent): number {
    const o = this.openValues;
    let mask = 0;
    if (o.clientIp.size && e.clientIp !== undefined && o.clientIp.has(e.clientIp)) mask |= OPEN_BIT.clientIp;
    if (o.host.size && o.host.has(e.host)) mask |= OPEN_BIT.host;
    const up = e.upstream?.name;
    if (o.upstream.size && up !== undefined && o.upstream.has(up)) mask |= OPEN_BIT.upstream;
    return mask;
  }
}
