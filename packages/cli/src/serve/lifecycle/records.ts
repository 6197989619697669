/**
 * Lifecycle state and audit trail per incident, in the serve store. Every write happens inside a
 * store.commit(), so a transition and the alert change it causes are one transaction.
 */
import type { Database } from "lmdb";
import type { Incident } from "@edgeproof/engine";
import type { Store } from "../store.js";
import { allowedActions, done, targetOf, type Action, type AuditEntry, type LifecycleState } from "./states.js";

export interface LifecycleRecord {
  state: LifecycleState;
  /** Wall-clock ms when serve first stored the incident (escalation counts from here). */
  detectedAt: number;
  audit: AuditEntry[];
  /** The incident's window end when a responder resolved it: detection beyond it reopens the incident. */
  resolvedWindowEnd?: string;
}

export type TransitionResult = { ok: true; record: LifecycleRecord } | { ok: false; state: LifecycleState; allowed: Action[] };

const SYSTEM = "edgeproof";

export class LifecycleRecords {
  private readonly db: Database<LifecycleRecord, string>;

  constructor(store: Store) {
    this.db = store.database<LifecycleRecord, string>("lifecycle");
  }

  get(id: string): LifecycleRecord | undefined {
    return this.db.get(id);
  }

  /**
   * Follows an incident change from the engine: a new incident starts `detected`; one that responders
   * resolved but whose detection went on is `detected` again, with the reason in the trail. Inside commit().
   */
  onIncident(inc: Incident, now: number): LifecycleRecord {
    const prev = this.db.get(inc.id);
    if (!prev) {
      const rec: LifecycleRecord = { state: "detected", detectedAt: now, audit: [{ at: iso(now), by: SYSTEM, from: null, to: "detected", note: `${inc.ruleId} fired` }] };
      this.db.putSync(inc.id, rec);
      return rec;
    }
    if (done(prev.state) && prev.resolvedWindowEnd !== undefined && inc.status === "open" && inc.window.end > prev.resolvedWindowEnd) {
      const note = `detected again after it was ${prev.state}: the window now ends ${inc.window.end} (was ${prev.resolvedWindowEnd}), ${inc.metrics.requests} requests`;
      const rec: LifecycleRecord = { ...prev, state: "detected", detectedAt: now, resolvedWindowEnd: undefined, audit: [...prev.audit, { at: iso(now), by: SYSTEM, from: prev.state, to: "detected", note }] };
      this.db.putSync(inc.id, rec);
      return rec;
    }
    return prev;
  }

  /** A responder's move. Inside commit(). */
  transition(inc: Incident, action: Action, by: string, note: string | undefined, now: number): TransitionResult {
    const prev = this.db.get(inc.id) ?? { state: "detected" as const, detectedAt: now, audit: [] };
    if (!allowedActions(prev.state).includes(action)) return { ok: false, state: prev.state, allowed: allowedActions(prev.state) };
    const to = targetOf(action);
    const entry: AuditEntry = { at: iso(now), by, from: prev.state, to, ...(note ? { note } : {}) };
    const record: LifecycleRecord = { ...prev, state: to, audit: [...prev.audit, entry], resolvedWindowEnd: done(to) ? inc.window.end : undefined };
    this.db.putSync(inc.id, record);
    return { ok: true, record };
  }

  /** Drops records whose incident retention removed. Inside commit(). */
  prune(exists: (id: string) => boolean): void {
    for (const id of this.db.getKeys({})) if (!exists(id)) this.db.removeSync(id);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
