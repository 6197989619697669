/** The manual fix preview in the API: in an incident's detail and proof text, and as plain text for runbook_url. */
import type { Incident } from "@edgeproof/engine";
import { problem, type ApiExtension } from "./api.js";
import type { Store } from "./store.js";
import { previewText, renderPreview, runbookFor } from "../runbooks/render.js";
import type { Runbook } from "../runbooks/schema.js";

export function runbookExtension(store: Store, runbooks: Map<string, Runbook>, byRule: (inc: Incident) => string | undefined): ApiExtension {
  const preview = (inc: Incident) => {
    const rb = runbookFor(inc, byRule, runbooks);
    return rb && renderPreview(rb, inc);
  };
  return {
    routes(app) {
      app.get("/api/incidents/:id/runbook", (c) => {
        const inc = store.getIncident(c.req.param("id"));
        if (!inc) return problem(c, 404, `no incident with id "${c.req.param("id")}"`);
        const p = preview(inc);
        if (!p) return problem(c, 404, `no runbook applies to incident "${inc.id}" (rule ${inc.ruleId})`);
        return c.text(`${inc.title}\n${previewText(p)}\n`);
      });
    },
    detail(inc) {
      const p = preview(inc);
      return p && { fields: { fixPreview: p }, proofText: previewText(p) };
    },
    openapi: () => ({
      "/api/incidents/{id}/runbook": {
        get: { summary: "The incident's manual fix preview (runbook steps filled in from the incident) as text; nothing is executed", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { "200": { description: "text/plain" }, "404": { description: "unknown id or no runbook" } } },
      },
    }),
  };
}
