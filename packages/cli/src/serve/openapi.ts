import { z } from "zod";
import { Incident } from "@edgeproof/engine";

const filterParams = [
  { name: "kind", description: "security and/or reliability, comma-separated" },
  { name: "severity", description: "P0..P4, comma-separated" },
  { name: "host", description: "virtual host(s), comma-separated" },
  { name: "clientIp", description: "client address(es), comma-separated" },
  { name: "upstream", description: "upstream name(s) ($proxy_upstream_name), comma-separated" },
  { name: "from", description: "start of the range (epoch ms or ISO 8601); default: `to` − 24h" },
  { name: "to", description: "end of the range, exclusive; default: the newest event time seen (event time, not the wall clock)" },
].map((p) => ({ in: "query", required: false, schema: { type: "string" }, ...p }));

const error = { description: "Bad request", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };

/** The OpenAPI 3.1 description served at /api/openapi.json; the incident schema is generated from the engine's zod schema. */
export function openApiDocument(version: string) {
  return {
    openapi: "3.1.0",
    info: { title: "edgeproof serve API", version, description: "Read-only. Optional bearer token (required when bound to a non-loopback address). Event time everywhere." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Incident: z.toJSONSchema(Incident),
        Error: { type: "object", properties: { error: { type: "string" }, details: { type: "array", items: { type: "string" } } }, required: ["error"] },
      },
    },
    security: [{ bearer: [] }, {}],
    paths: {
      "/api/incidents": {
        get: {
          summary: "Incidents overlapping the range, newest first (by window start), paged",
          parameters: [
            ...filterParams,
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
            { name: "cursor", in: "query", schema: { type: "string" }, description: "nextCursor of the previous page" },
          ],
          responses: { "200": { description: "{ from, to, items: IncidentSummary[], nextCursor? }" }, "400": error },
        },
      },
      "/api/incidents/{id}": {
        get: {
          summary: "One incident with proof block (text and JSON), evidence, RCA and recommendations",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "{ incident, proof: { text, json } }", content: { "application/json": { schema: { type: "object", properties: { incident: { $ref: "#/components/schemas/Incident" } } } } } },
            "404": error,
          },
        },
      },
      "/api/summary": {
        get: { summary: "Counts by kind and severity (the 'Live incidents (last 24h)' tile) with deep-link parameters", parameters: filterParams, responses: { "200": { description: "{ from, to, total, open, byKind, bySeverity, byKindSeverity[], link }" }, "400": error } },
      },
      "/api/timeseries": {
        get: {
          summary: "Request, 4xx and 5xx counts and per-second rates per host or upstream",
          parameters: [
            ...filterParams.filter((p) => p.name === "host" || p.name === "upstream" || p.name === "from" || p.name === "to"),
            { name: "by", in: "query", schema: { type: "string", enum: ["host", "upstream"], default: "host" } },
            { name: "step", in: "query", schema: { type: "string" }, description: "bucket size, ≥ 1m (default: range / 300)" },
          ],
          responses: { "200": { description: "{ from, to, by, stepMs, series: [{ name, points: [{ t, requests, c4xx, c5xx, rps, rate4xx, rate5xx }] }] }" }, "400": error },
        },
      },
      "/api/values/{field}": {
        get: {
          summary: "Values for template variables: kind, severity, host, upstream (from traffic), clientIp (from incidents in the range)",
          parameters: [{ name: "field", in: "path", required: true, schema: { type: "string", enum: ["kind", "severity", "host", "upstream", "clientIp"] } }, ...filterParams],
          responses: { "200": { description: "{ field, values: string[] }" }, "404": error },
        },
      },
      "/api/capabilities": { get: { summary: "Version, enabled features, sources and their state", responses: { "200": { description: "capabilities" } } } },
      "/api/stream": { get: { summary: "Server-Sent Events: `opened`, `updated`, `closed` with an incident summary as data", responses: { "200": { description: "text/event-stream" } } } },
      "/healthz": { get: { summary: "Liveness (no token needed)", security: [], responses: { "200": { description: "ok" } } } },
      "/readyz": { get: { summary: "Ready once every source has replayed and caught up (no token needed)", security: [], responses: { "200": { description: "ready" }, "503": { description: "not ready" } } } },
      "/metrics": { get: { summary: "Prometheus metrics", responses: { "200": { description: "text/plain; version=0.0.4" } } } },
    },
  };
}
