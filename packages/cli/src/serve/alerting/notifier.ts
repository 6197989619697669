/**
 * The alert side of serve: turns incident and lifecycle changes into queued alert states, re-sends firing
 * alerts so Alertmanager never times them out, and raises escalations. It only writes to the outbox (in
 * the caller's transaction); Delivery does the network.
 */
import type { Database } from "lmdb";
import { atLeast, type Incident, type Severity } from "@edgeproof/engine";
import type { Store } from "../store.js";
import { done, unacknowledged } from "../lifecycle/states.js";
import type { LifecycleRecord, LifecycleRecords } from "../lifecycle/records.js";
import { escalationLabels, incidentAnnotations, incidentLabels, type PostableAlert } from "./alert.js";
import { escalationReason } from "./escalation.js";
import type { Outbox } from "./outbox.js";
import type { SeverityLevels } from "./severity-levels.js";
import type { Sink } from "./sinks.js";

/** A firing alert's endsAt lies this many re-sends ahead, so a missed re-send or two does not resolve it. */
export const RESENDS_AHEAD = 4;

/** What was sent about an incident: the labels are taken once and never change. */
export interface AlertRecord {
  labels: Record<string, string>;
  startsAt: string;
  /** Set once the alert is resolved (incident closed, or resolved by a responder). */
  endsAt?: string;
  escalation?: { note: string; startsAt: string; endsAt?: string };
}

export interface NotifierOptions {
  sinks: Sink[];
  minSeverity: Severity;
  resendMs: number;
  /** Base of proof and runbook links (known once the server listens). */
  externalUrl(): string;
  levels: SeverityLevels;
  /** Present when the lifecycle feature is on (acknowledgement, and so escalation, exists only then). */
  lifecycle?: LifecycleRecords;
  runbookOf(inc: Incident): string | undefined;
}

export class Notifier {
  private readonly alerts: Database<AlertRecord, string>;

  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly o: NotifierOptions,
  ) {
    this.alerts = store.database<AlertRecord, string>("alerts");
  }

  record(id: string): AlertRecord | undefined {
    return this.alerts.get(id);
  }

  /** An incident the engine opened, grew or closed. Inside store.commit(). */
  onIncident(inc: Incident, now: number): void {
    const lc = this.o.lifecycle?.get(inc.id);
    let rec = this.alerts.get(inc.id);
    let notable = false;
    if (!rec) {
      if (!atLeast(inc.severity, this.o.minSeverity)) return;
      rec = { labels: incidentLabels(inc), startsAt: iso(Math.min(Date.parse(inc.window.start), now)) };
      notable = true;
    }
    // By status, not change type: a replay may replace a stored incident by its closed form as an update.
    if (inc.status === "closed" && rec.endsAt === undefined) {
      // Event time can be ahead of this clock; an end in the future would keep the alert firing.
      const endsAt = iso(Math.max(Date.parse(rec.startsAt), Math.min(Date.parse(inc.window.end), now)));
      rec = { ...rec, endsAt, escalation: rec.escalation && { ...rec.escalation, endsAt: rec.escalation.endsAt ?? iso(now) } };
      notable = true;
    } else if (inc.status === "open" && rec.endsAt !== undefined && lc && !done(lc.state)) {
      // Responders resolved it but the detection went on (the lifecycle says so): the same alert fires again.
      rec = { labels: rec.labels, startsAt: iso(now) };
      notable = true;
    }
    this.alerts.putSync(inc.id, rec);
    this.enqueue(inc, rec, lc, now, notable);
  }

  /** A responder moved the incident. Inside store.commit(). */
  onLifecycle(inc: Incident, lc: LifecycleRecord, now: number): void {
    let rec = this.alerts.get(inc.id);
    if (!rec) return;
    if (done(lc.state) && rec.endsAt === undefined) rec = { ...rec, endsAt: iso(now) };
    if (!unacknowledged(lc.state) && rec.escalation && rec.escalation.endsAt === undefined) rec = { ...rec, escalation: { ...rec.escalation, endsAt: iso(now) } };
    this.alerts.putSync(inc.id, rec);
    this.enqueue(inc, rec, lc, now, true);
  }

  /** Raises due escalations and, with `resend`, queues every firing alert again for Alertmanager. */
  tick(now: number, resend: boolean): void {
    this.store.commit(() => {
      for (const { key: id, value } of this.alerts.getRange({})) {
        let rec = value;
        const firing = rec.endsAt === undefined || (rec.escalation !== undefined && rec.escalation.endsAt === undefined);
        if (!firing) continue;
        const inc = this.store.getIncident(id);
        if (!inc) {
          this.alerts.removeSync(id); // retention removed the incident
          continue;
        }
        const lc = this.o.lifecycle?.get(id);
        const reason = lc && !rec.escalation && rec.endsAt === undefined ? escalationReason(inc.severity, lc, this.o.levels, now) : undefined;
        if (reason) {
          rec = { ...rec, escalation: { note: reason, startsAt: iso(now) } };
          this.alerts.putSync(id, rec);
          this.enqueue(inc, rec, lc, now, true);
        } else if (resend) this.enqueue(inc, rec, lc, now, false);
      }
    });
  }

  /**
   * Queues the alert (and its escalation) for every Alertmanager; webhooks, which notify on each message,
   * get only notable changes (fired, resolved, lifecycle moved, escalated), never the periodic re-sends.
   */
  private enqueue(inc: Incident, rec: AlertRecord, lc: LifecycleRecord | undefined, now: number, notable: boolean): void {
    const ahead = iso(now + RESENDS_AHEAD * this.o.resendMs);
    const annotations = incidentAnnotations({ incident: inc, externalUrl: this.o.externalUrl(), runbook: this.o.runbookOf(inc), lifecycleState: lc?.state, escalated: rec.escalation?.note }, rec.labels);
    const generatorURL = annotations.proof_url;
    const main: PostableAlert = { labels: rec.labels, annotations, startsAt: rec.startsAt, endsAt: rec.endsAt ?? ahead, generatorURL };
    const esc: PostableAlert | undefined = rec.escalation && { labels: escalationLabels(rec.labels), annotations, startsAt: rec.escalation.startsAt, endsAt: rec.escalation.endsAt ?? ahead, generatorURL };
    for (const sink of this.o.sinks) {
      if (sink.kind !== "alertmanager" && !notable) continue;
      this.outbox.put(sink.id, inc.id, main, now);
      if (esc) this.outbox.put(sink.id, `${inc.id}/escalation`, esc, now);
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
