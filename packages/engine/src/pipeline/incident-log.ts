import type { IncidentDraft } from "../detect/rule-evaluator.js";
import type { ActorDraft } from "../incident/correlate.js";
import type { OutageLookup } from "../incident/accumulator.js";
import { buildIncident, reliabilitySource, withRelated, type IncidentSource } from "../incident/build.js";
import { incidentId } from "../incident/incident-id.js";
import type { Incident, Rca, RelatedIncident } from "../incident/incident.js";

/** An incident that opened or closed, rendered at that moment (see Pipeline.drainChanges). */
export type IncidentChange = { type: "opened" | "closed"; incident: Incident };

/** A reliability incident as a probe's 5xx is checked against it: where and when its host or upstream failed. */
interface Outage {
  id: string;
  host: string | undefined;
  upstream: string | undefined;
  start: number;
  /** Infinity while open. */
  end: number;
}

// Outages kept to explain probes' 5xx; a long-running caller forgets the oldest.
const MAX_OUTAGES = 10_000;
// Related incidents listed per incident: a client on hundreds of hosts is one line of the proof, not hundreds.
const MAX_RELATED = 20;

/**
 * The incidents of a run as they open and close: rendered when they close (or on request while open), the
 * reliability incidents that explain probes' 5xx, and the links between one client's incidents on several hosts.
 */
export class IncidentLog {
  private readonly closed: Incident[] = [];
  /**
   * Closed security incidents that blamed a 5xx on a probe: an outage found later may explain it, so they are
   * rendered again at the end (only while closed incidents are retained).
   */
  private readonly revisit: Array<{ index: number; src: IncidentSource }> = [];
  private changes: IncidentChange[] = [];
  private readonly outages: Outage[] = [];
  private readonly outageOf = new Map<IncidentDraft, Outage>();

  constructor(
    private readonly opts: {
      retainClosed: boolean;
      changes: boolean;
      rca?: (d: IncidentDraft) => Rca | undefined;
    },
  ) {}

  actorOpened(a: ActorDraft): void {
    if (this.opts.changes) this.changes.push({ type: "opened", incident: this.buildActor(a) });
  }

  actorClosed(a: ActorDraft): void {
    this.keepClosed(this.buildActor(a), a.acc.hasProbe5xx ? a : undefined);
  }

  reliabilityOpened(d: IncidentDraft): void {
    const o: Outage = { id: incidentId(d.rule.pack.name, d.rule.rule.id, d.keyText, d.openedAt), host: d.key.host, upstream: d.key.upstream, start: d.acc.start, end: Infinity };
    this.outages.push(o);
    this.outageOf.set(d, o);
    if (this.outages.length > MAX_OUTAGES) this.outages.shift();
    if (this.opts.changes) this.changes.push({ type: "opened", incident: this.buildReliability(d) });
  }

  reliabilityClosed(d: IncidentDraft): void {
    const o = this.outageOf.get(d);
    if (o) o.end = d.closedAt!;
    this.outageOf.delete(d);
    this.keepClosed(this.buildReliability(d));
  }

  drainChanges(): IncidentChange[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  /** Closed incidents (those a later outage explains rendered again) and `open` ones, linked and in order. */
  all(open: { actors: ActorDraft[]; reliability: IncidentDraft[] }): Incident[] {
    const closed = [...this.closed];
    for (const r of this.revisit) closed[r.index] = this.buildActor(r.src);
    return linkRelated(sortIncidents([...closed, ...this.render(open)]));
  }

  render(open: { actors: ActorDraft[]; reliability: IncidentDraft[] }): Incident[] {
    return [...open.actors.map((a) => this.buildActor(a)), ...open.reliability.map((d) => this.buildReliability(d))];
  }

  private keepClosed(inc: Incident, revisit?: IncidentSource): void {
    if (this.opts.retainClosed) {
      if (revisit) this.revisit.push({ index: this.closed.length, src: revisit });
      this.closed.push(inc);
    }
    if (this.opts.changes) this.changes.push({ type: "closed", incident: inc });
  }

  private buildActor(src: IncidentSource): Incident {
    return buildIncident(src, { outage: this.outageLookup(src.key.host) });
  }

  private buildReliability(d: IncidentDraft): Incident {
    return buildIncident(reliabilitySource(d), { rca: this.opts.rca?.(d) });
  }

  /** The outage, on the host or on the request's upstream, under way at a probe's 5xx. */
  private outageLookup(host: string | undefined): OutageLookup | undefined {
    if (!this.outages.length) return undefined;
    return (ts, upstream) => {
      for (const o of this.outages) {
        if (ts < o.start || ts > o.end) continue;
        if ((o.host !== undefined && o.host === host) || (o.upstream !== undefined && o.upstream === upstream)) return o.id;
      }
      return undefined;
    };
  }
}

export function sortIncidents(list: Incident[]): Incident[] {
  return list.sort((a, b) => (a.window.start < b.window.start ? -1 : a.window.start > b.window.start ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Each security incident of a client seen on several hosts lists the client's incidents on the other hosts. */
export function linkRelated(list: Incident[]): Incident[] {
  const byClient = new Map<string, Incident[]>();
  for (const i of list) {
    if (i.kind !== "security" || i.key.clientIp === undefined) continue;
    const g = byClient.get(i.key.clientIp);
    if (g) g.push(i);
    else byClient.set(i.key.clientIp, [i]);
  }
  const replaced = new Map<Incident, Incident>();
  for (const group of byClient.values()) {
    if (group.length < 2) continue;
    for (const i of group) {
      const related: RelatedIncident[] = group
        .filter((o) => o.key.host !== i.key.host)
        .slice(0, MAX_RELATED)
        .map((o) => ({ id: o.id, ...(o.key.host !== undefined ? { host: o.key.host } : {}), severity: o.severity, window: o.window }));
      if (related.length) replaced.set(i, withRelated(i, related));
    }
  }
  return replaced.size ? list.map((i) => replaced.get(i) ?? i) : list;
}
