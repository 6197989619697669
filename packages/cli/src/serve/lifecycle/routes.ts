/**
 * POST /api/incidents/:id/ack|investigate|resolve|close with {by, note}. Registered only when the
 * lifecycle feature is on; otherwise these paths do not exist and nothing in the API mentions them.
 */
import type { Hono } from "hono";
import type { Incident } from "@edgeproof/engine";
import { problem, type ApiExtension } from "../api.js";
import type { Store } from "../store.js";
import type { LifecycleRecord, LifecycleRecords } from "./records.js";
import { Action, allowedActions, TransitionBody } from "./states.js";

export interface LifecycleDeps {
  store: Store;
  records: LifecycleRecords;
  /** Called inside the transition's transaction, so the alert change commits with it. */
  onTransition(inc: Incident, rec: LifecycleRecord, now: number): void;
  now(): number;
}

const ACTIONS = Action.options.join("|");

export function lifecycleExtension(d: LifecycleDeps): ApiExtension {
  return {
    writes: new RegExp(`^/api/incidents/[^/]+/(${ACTIONS})$`),
    routes(app: Hono) {
      app.post(`/api/incidents/:id/:action{${ACTIONS}}`, async (c) => {
        const id = c.req.param("id");
        const action = Action.parse(c.req.param("action"));
        let json: unknown;
        try {
          json = await c.req.json();
        } catch {
          return problem(c, 400, 'the body must be JSON: {"by": "who", "note": "why"}');
        }
        const body = TransitionBody.safeParse(json);
        if (!body.success) return problem(c, 400, "bad transition body", { details: body.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`) });
        const inc = d.store.getIncident(id);
        if (!inc) return problem(c, 404, `no incident with id "${id}"`);
        const now = d.now();
        const r = d.store.commit(() => {
          const t = d.records.transition(inc, action, body.data.by, body.data.note, now);
          if (t.ok) d.onTransition(inc, t.record, now);
          return t;
        });
        if (!r.ok) return problem(c, 409, `cannot ${action} an incident that is ${r.state}`, { state: r.state, allowed: r.allowed });
        return c.json({ id, ...view(r.record) });
      });
    },
    capabilities: () => ({ lifecycle: { states: ["detected", "acknowledged", "investigating", "resolved", "closed"], actions: Action.options } }),
    summary(inc) {
      const rec = d.records.get(inc.id);
      return rec && { lifecycleState: rec.state };
    },
    detail(inc) {
      const rec = d.records.get(inc.id);
      if (!rec) return undefined;
      return { fields: { lifecycle: view(rec) }, proofText: auditText(rec) };
    },
    openapi: () => ({
      "/api/incidents/{id}/{action}": {
        post: {
          summary: "Move an incident through its lifecycle (ack, investigate, resolve, close); needs the bearer token",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            { name: "action", in: "path", required: true, schema: { type: "string", enum: Action.options } },
          ],
          requestBody: { content: { "application/json": { schema: { type: "object", properties: { by: { type: "string" }, note: { type: "string" } }, required: ["by"] } } } },
          responses: { "200": { description: "{ id, state, audit[], allowed[] }" }, "400": { description: "bad body" }, "401": { description: "missing or wrong token" }, "404": { description: "unknown id" }, "409": { description: "{ error, state, allowed[] }: not allowed from the current state" } },
        },
      },
    }),
  };
}

function view(rec: LifecycleRecord) {
  return { state: rec.state, detectedAt: new Date(rec.detectedAt).toISOString(), audit: rec.audit, allowed: allowedActions(rec.state) };
}

/** The audit trail as a proof-block section. */
function auditText(rec: LifecycleRecord): string {
  return [`lifecycle ${rec.state}`, ...rec.audit.map((a) => `  ${a.at}  ${a.by}: ${a.from ?? "-"} → ${a.to}${a.note ? ` (${a.note})` : ""}`)].join("\n");
}
