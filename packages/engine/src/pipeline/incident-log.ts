import type { IncidentDraft } from "../detect/rule-evaluator.js";
import type { ActorDraft } from "../incident/correlate.js";
import type { OutageLookup } from "../incident/accumulator.js";
import { buildIncident, reliabilitySource, withRelated, type IncidentSource } from "../incident/build.js";
import { incidentId } from "../incident/incident-id.js";
import type { Incident, Rca, RelatedIncident } from "../incident/incident.js";
import type { VolumetricDraft } from "../detect/volumetric/volumetric-evaluator.js";
import { buildVolumetricIncident, volumetricEvidence, volumetricSpan } from "../incident/volumetric.js";
import type { DemandSurge } from "../rca/rca-input.js";
import type { OpenDrafts } from "./rule-set.js";

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
// Volumetric incidents kept to explain reliability incidents (see surgesDuring); a long-running caller forgets the oldest.
const MAX_SURGES = 1000;
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
  private readonly surges: VolumetricDraft[] = [];

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

  volumetricOpened(d: VolumetricDraft): void {
    this.surges.push(d);
    if (this.surges.length > MAX_SURGES) this.surges.shift();
    if (this.opts.changes) this.changes.push({ type: "opened", incident: buildVolumetricIncident(d) });
  }

  volumetricClosed(d: VolumetricDraft): void {
    this.keepClosed(buildVolumetricIncident(d));
  }

  /**
   * The surges on a reliability incident's host or upstream that overlap it: the demand its pods fell over
   * under, which its RCA names before the pods (see rca/causes/demand-surge.ts).
   */
  surgesDuring(d: IncidentDraft): DemandSurge[] {
    const start = d.acc.start;
    const end = d.closedAt ?? d.acc.end;
    // A surge of the incident's own key, else one of a host whose traffic went to the incident's upstream.
    const direct: DemandSurge[] = [];
    const out: DemandSurge[] = [];
    for (const s of this.surges) {
      const span = volumetricSpan(s);
      if (span.start > end || span.end < start) continue;
      const ev = volumetricEvidence(s);
      const sameKey = (s.key.host !== undefined && s.key.host === d.key.host) || (s.key.upstream !== undefined && s.key.upstream === d.key.upstream);
      const viaHost = d.key.upstream !== undefined && ev.upstreams.some((u) => u.value === d.key.upstream);
      if (!sameKey && !viaHost) continue;
      (sameKey ? direct : out).push({
        incident: incidentId(s.pack.name, s.rule.id, s.keyText, s.openedAt),
        verdict: ev.verdict,
        key: s.keyText,
        startMs: span.start,
        peak: ev.rate.peak,
        baselineMedian: ev.rate.baselineMedian,
        windowS: ev.rate.windowS,
        prefixes: ev.prefixes.slice(0, ev.topPrefixShare.top).map((p) => ({ prefix: p.value, share: p.share })),
        topPrefixShare: ev.topPrefixShare.share,
      });
    }
    return direct.length ? direct : out;
  }

  drainChanges(): IncidentChange[] {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  /** Closed incidents (those a later outage explains rendered again) and `open` ones, linked and in order. */
  all(open: OpenDrafts): Incident[] {
    const closed = [...this.closed];
    for (const r of this.revisit) closed[r.index] = this.buildActor(r.src);
    return linkRelated(sortIncidents([...closed, ...this.render(open)]));
  }

  render(open: OpenDrafts): Incident[] {
    return [...open.actors.map((a) => this.buildActor(a)), ...open.reliability.map((d) => this.buildReliability(d)), ...(open.volumetric ?? []).map((d) => buildVolumetricIncident(d))];
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

/**
 * Each security incident of a client seen on several hosts lists the client's incidents on the other hosts; a
 * volumetric incident lists the reliability incidents of its host or upstream it overlapped (what it caused).
 */
export function linkRelated(list: Incident[]): Incident[] {
  const replaced = new Map<Incident, Incident>();
  linkSurges(list, replaced);
  const byClient = new Map<string, Incident[]>();
  for (const i of list) {
    if (i.kind !== "security" || i.key.clientIp === undefined) continue;
    const g = byClient.get(i.key.clientIp);
    if (g) g.push(i);
    else byClient.set(i.key.clientIp, [i]);
  }
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

function linkSurges(list: Incident[], replaced: Map<Incident, Incident>): void {
  for (const v of list) {
    if (!v.volumetric) continue;
    const upstreams = new Set(v.volumetric.upstreams.map((u) => u.value));
    const related: RelatedIncident[] = list
      .filter(
        (r) =>
          r.kind === "reliability" &&
          !r.volumetric &&
          r.window.start <= v.window.end &&
          v.window.start <= r.window.end &&
          ((v.key.host !== undefined && r.key.host === v.key.host) || (r.key.upstream !== undefined && (r.key.upstream === v.key.upstream || upstreams.has(r.key.upstream)))),
      )
      .slice(0, MAX_RELATED)
      .map((r) => ({ id: r.id, ...(r.key.host !== undefined ? { host: r.key.host } : {}), severity: r.severity, window: r.window }));
    if (related.length) replaced.set(v, withRelated(v, related));
  }
}
