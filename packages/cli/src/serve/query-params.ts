import { z } from "zod";
import { IncidentKind, Severity, parseDuration, type Incident } from "@edgeproof/engine";
import type { IncidentFilter, PageCursor } from "./store.js";

/** Comma-separated values (Grafana's `${var:csv}`); empty means no constraint. */
const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item))
    .transform((a) => (a.length ? a : undefined));

/** Epoch milliseconds (what Grafana sends) or an ISO 8601 time. */
const Time = z.string().transform((s, ctx) => {
  const ms = /^-?\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: "custom", message: `"${s}" is not a time: use epoch milliseconds or ISO 8601` });
    return z.NEVER;
  }
  return ms;
});

const filterShape = {
  kind: csv(IncidentKind).optional(),
  severity: csv(Severity).optional(),
  host: csv(z.string()).optional(),
  clientIp: csv(z.string()).optional(),
  upstream: csv(z.string()).optional(),
  from: Time.optional(),
  to: Time.optional(),
};

const Cursor = z.string().transform((s, ctx) => {
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    if (typeof c?.[0] === "number" && typeof c?.[1] === "string") return { startMs: c[0], id: c[1] } as PageCursor;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: "not a cursor returned by this API (use nextCursor from the previous page)" });
  return z.NEVER;
});

export function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify([c.startMs, c.id])).toString("base64url");
}

/** An empty or reversed range is a mistake worth a 400, not an empty answer. */
const ordered = <T extends { from?: number; to?: number }>(q: T) => q.from === undefined || q.to === undefined || q.from < q.to;
const orderedMsg = { message: "from must be before to", path: ["from"] };

export const IncidentsQuery = z
  .object({ ...filterShape, limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: Cursor.optional() })
  .strict()
  .refine(ordered, orderedMsg);

export const SummaryQuery = z.object(filterShape).strict().refine(ordered, orderedMsg);

export const TimeseriesQuery = z
  .object({
    ...filterShape,
    by: z.enum(["host", "upstream"]).default("host"),
    step: z
      .string()
      .refine((s) => (parseDuration(s) ?? 0) >= 60_000, "step must be a duration of at least 1m (counts are kept per minute)")
      .transform((s) => parseDuration(s)!)
      .optional(),
  })
  .strict()
  .refine(ordered, orderedMsg);

type FilterInput = z.infer<typeof SummaryQuery>;

export const DAY_MS = 86_400_000;

/**
 * Fills the time range: `to` defaults to the newest event time seen (event time, not the wall clock, so a
 * replayed or delayed log still has a meaningful "last 24h"), falling back to `now`; `from` to 24h before.
 */
export function toFilter(q: FilterInput, newestEventMs: number | undefined, now: number): IncidentFilter {
  const to = q.to ?? (newestEventMs !== undefined ? newestEventMs + 1 : now);
  const from = q.from ?? to - DAY_MS;
  return { kind: q.kind, severity: q.severity, host: q.host, clientIp: q.clientIp, upstream: q.upstream, from, to };
}

/** Zod issues as one line each: `limit: Too big: expected number to be <=1000`. */
export function describeIssues(err: z.ZodError): string[] {
  return err.issues.map((i) => {
    if (i.code === "unrecognized_keys") return `unknown parameter(s): ${i.keys.join(", ")}`;
    return `${i.path.join(".") || "query"}: ${i.message}`;
  });
}

/** The list form of an incident: what a table row needs, without proof, evidence and RCA detail. */
export function summarize(inc: Incident) {
  return {
    id: inc.id,
    kind: inc.kind,
    ruleId: inc.ruleId,
    pack: inc.pack.name,
    title: inc.title,
    category: inc.category,
    severity: inc.severity,
    status: inc.status,
    key: inc.key,
    window: inc.window,
    outcome: inc.outcome,
    /** Every rule that fired for the incident's key, in the order they opened. */
    findings: inc.findings.map((f) => ({ id: f.id, ruleId: f.ruleId, pack: f.pack, severity: f.severity, outcome: f.outcome, window: f.window })),
    related: inc.related,
    metrics: {
      requests: inc.metrics.requests,
      peakRps: inc.metrics.peakRps,
      distinctPaths: inc.metrics.distinctPaths,
      fiveXx: inc.metrics.fiveXx,
      errorRatio: inc.metrics.errorRatio,
      latencyP95: inc.metrics.latencyP95,
      scannerTraffic: inc.metrics.scannerTraffic,
    },
    rcaSummary: inc.rca?.summary,
  };
}
export type IncidentSummary = ReturnType<typeof summarize>;
