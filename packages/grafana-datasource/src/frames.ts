import { FieldType, createDataFrame, type DataFrame, type DataLink } from "@grafana/data";
import { DASHBOARD_UID, type IncidentDetail, type IncidentList, type Summary, type Timeseries } from "./types";

const ms = (iso: string) => Date.parse(iso);
type FieldDef = { name: string; type: FieldType; values: unknown[] };

/** Opens the detail view of the same dashboard for the clicked incident, keeping the time range. */
export const DETAIL_LINK: DataLink = {
  title: "Incident detail",
  url: `/d/${DASHBOARD_UID}/incident-intelligence?var-incident=\${__value.raw}&\${__url_time_range}`,
};

/**
 * Incidents as a table: one row per incident, newest first. Columns of a server feature that is off
 * (`features`, from /api/capabilities) are left out, not left empty.
 */
export function incidentsFrame(refId: string, list: IncidentList, features: readonly string[]): DataFrame {
  const rows = list.items;
  const on = (feature: string, ...fields: FieldDef[]) => (features.includes(feature) ? fields : []);
  return createDataFrame({
    refId,
    name: "incidents",
    meta: { preferredVisualisationType: "table" },
    fields: [
      { name: "time", type: FieldType.time, values: rows.map((r) => ms(r.window.start)) },
      { name: "timeEnd", type: FieldType.time, values: rows.map((r) => ms(r.window.end)) },
      { name: "id", type: FieldType.string, values: rows.map((r) => r.id), config: { links: [DETAIL_LINK] } },
      { name: "severity", type: FieldType.string, values: rows.map((r) => r.severity) },
      { name: "kind", type: FieldType.string, values: rows.map((r) => r.kind) },
      { name: "status", type: FieldType.string, values: rows.map((r) => r.status) },
      ...on("lifecycle", { name: "lifecycle", type: FieldType.string, values: rows.map((r) => r.lifecycleState ?? "") }),
      { name: "title", type: FieldType.string, values: rows.map((r) => r.title) },
      { name: "findings", type: FieldType.string, values: rows.map((r) => (r.findings ?? []).map((f) => `${f.severity} ${f.ruleId}`).join(", ")) },
      { name: "host", type: FieldType.string, values: rows.map((r) => r.key.host ?? "") },
      { name: "clientIp", type: FieldType.string, values: rows.map((r) => r.key.clientIp ?? "") },
      { name: "upstream", type: FieldType.string, values: rows.map((r) => r.key.upstream ?? "") },
      { name: "requests", type: FieldType.number, values: rows.map((r) => r.metrics.requests) },
      { name: "peakRps", type: FieldType.number, values: rows.map((r) => r.metrics.peakRps) },
      { name: "5xx", type: FieldType.number, values: rows.map((r) => r.metrics.fiveXx ?? null) },
      { name: "errorRatio", type: FieldType.number, values: rows.map((r) => r.metrics.errorRatio ?? null), config: { unit: "percentunit" } },
      { name: "outcome", type: FieldType.string, values: rows.map((r) => r.outcome ?? "") },
      ...on("rca", { name: "rca", type: FieldType.string, values: rows.map((r) => r.rcaSummary ?? "") }),
    ],
  });
}

/** Incidents as annotation regions: Grafana reads time, timeEnd, title, text and tags. */
export function annotationsFrame(refId: string, list: IncidentList): DataFrame {
  const rows = list.items;
  return createDataFrame({
    refId,
    name: "annotations",
    fields: [
      { name: "time", type: FieldType.time, values: rows.map((r) => ms(r.window.start)) },
      { name: "timeEnd", type: FieldType.time, values: rows.map((r) => ms(r.window.end)) },
      { name: "title", type: FieldType.string, values: rows.map((r) => `${r.severity} ${r.title}`) },
      { name: "text", type: FieldType.string, values: rows.map(shortProof) },
      { name: "tags", type: FieldType.other, values: rows.map((r) => [r.severity, r.kind, r.status, ...(r.lifecycleState ? [r.lifecycleState] : [])]) },
      { name: "id", type: FieldType.string, values: rows.map((r) => r.id) },
    ],
  });
}

/** One line of headline facts, the annotation's hover text. */
export function shortProof(r: IncidentList["items"][number]): string {
  const m = r.metrics;
  const parts = [`${m.requests} requests`, `peak ${m.peakRps} rps`];
  if (m.fiveXx !== undefined) parts.push(`5xx ${m.fiveXx}${m.errorRatio !== undefined ? ` (${(m.errorRatio * 100).toFixed(1)}%)` : ""}`);
  if (r.outcome) parts.push(`outcome ${r.outcome}`);
  const key = Object.entries(r.key).map(([k, v]) => `${k}=${v}`).join(" ");
  return [`${key}: ${parts.join(" · ")}`, r.rcaSummary, r.lifecycleState && `lifecycle ${r.lifecycleState}`].filter(Boolean).join("\n") + `\nid ${r.id}`;
}

/** The detail view: proof block, evidence, thresholds, RCA and recommendations, one frame each. */
export function detailFrames(refId: string, d: IncidentDetail): DataFrame[] {
  const inc = d.incident;
  const ev = inc.evidence;
  const causes = inc.rca?.causes ?? [];
  const findings = inc.findings ?? [];
  const recs = [...new Set([...causes.flatMap((c) => c.recommendations), ...inc.recommendations])];
  return [
    createDataFrame({
      refId,
      name: "proof",
      meta: { preferredVisualisationType: "logs" },
      fields: [
        { name: "time", type: FieldType.time, values: [ms(inc.window.start)] },
        { name: "proof", type: FieldType.string, values: [d.proof.text] },
        { name: "id", type: FieldType.string, values: [inc.id] },
        { name: "title", type: FieldType.string, values: [inc.title] },
        { name: "severity", type: FieldType.string, values: [inc.severity] },
        { name: "status", type: FieldType.string, values: [inc.status] },
        ...(d.lifecycle ? [{ name: "lifecycle", type: FieldType.string, values: [d.lifecycle.state] }] : []),
      ],
    }),
    createDataFrame({
      refId,
      name: "evidence",
      fields: [
        { name: "time", type: FieldType.time, values: ev.map((e) => ms(e.time)) },
        { name: "where", type: FieldType.string, values: ev.map((e) => `${e.file ?? "line"}:${e.line}`) },
        { name: "clientIp", type: FieldType.string, values: ev.map((e) => e.clientIp ?? "") },
        { name: "method", type: FieldType.string, values: ev.map((e) => e.method ?? "") },
        { name: "path", type: FieldType.string, values: ev.map((e) => e.path) },
        { name: "status", type: FieldType.number, values: ev.map((e) => e.status) },
        { name: "upstreamStatus", type: FieldType.string, values: ev.map((e) => e.upstreamStatus ?? "") },
        { name: "requestTime", type: FieldType.number, values: ev.map((e) => e.requestTime ?? null), config: { unit: "s" } },
        { name: "why", type: FieldType.string, values: ev.map((e) => e.why) },
      ],
    }),
    createDataFrame({
      refId,
      name: "thresholds",
      fields: [
        { name: "condition", type: FieldType.string, values: inc.thresholds.map((t) => t.condition) },
        { name: "observed", type: FieldType.number, values: inc.thresholds.map((t) => t.observed) },
        { name: "required", type: FieldType.string, values: inc.thresholds.map((t) => `${t.op} ${t.required}`) },
        { name: "met", type: FieldType.boolean, values: inc.thresholds.map((t) => t.met) },
      ],
    }),
    createDataFrame({
      refId,
      name: "findings",
      fields: [
        { name: "time", type: FieldType.time, values: findings.map((f) => ms(f.window.start)) },
        { name: "severity", type: FieldType.string, values: findings.map((f) => f.severity) },
        { name: "rule", type: FieldType.string, values: findings.map((f) => `${f.pack}/${f.ruleId}`) },
        { name: "name", type: FieldType.string, values: findings.map((f) => f.name) },
        { name: "outcome", type: FieldType.string, values: findings.map((f) => f.outcome ?? "") },
        { name: "requests", type: FieldType.number, values: findings.map((f) => f.metrics.requests) },
        { name: "id", type: FieldType.string, values: findings.map((f) => f.id) },
      ],
    }),
    ...rcaFrames(refId, inc.rca),
    createDataFrame({ refId, name: "recommendations", fields: [{ name: "recommendation", type: FieldType.string, values: recs }] }),
    ...serveFrames(refId, d),
  ];
}

/**
 * The root-cause table (root first, each symptom naming the cause it follows from and what links them) and
 * the causal chains as one line each. None without RCA: a server without a snapshot has no such view.
 */
function rcaFrames(refId: string, rca: IncidentDetail["incident"]["rca"]): DataFrame[] {
  if (!rca) return [];
  const causes = rca.causes;
  return [
    createDataFrame({
      refId,
      name: "rca",
      fields: [
        { name: "cause", type: FieldType.string, values: causes.map((c) => c.cause) },
        { name: "follows from", type: FieldType.string, values: causes.map((c) => c.because ?? "") },
        { name: "confidence", type: FieldType.string, values: causes.map((c) => c.confidence) },
        { name: "summary", type: FieldType.string, values: causes.map((c) => c.summary) },
        {
          name: "evidence",
          type: FieldType.string,
          values: causes.map((c) => c.evidence.map((e) => `${e.kind} ${e.namespace ? `${e.namespace}/` : ""}${e.name} ${e.field}=${e.value}${e.time ? ` @${e.time}` : ""}`).join("\n")),
        },
        { name: "link", type: FieldType.string, values: causes.map((c) => (c.link ?? []).join("\n")) },
        { name: "counterEvidence", type: FieldType.string, values: causes.map((c) => c.counterEvidence.join("\n")) },
      ],
    }),
    createDataFrame({ refId, name: "chain", fields: [{ name: "causal chain", type: FieldType.string, values: rca.chains ?? [] }] }),
  ];
}

/** What serve adds when its features are on: the audit trail, the alert, the manual fix preview (never an action). */
function serveFrames(refId: string, d: IncidentDetail): DataFrame[] {
  const frame = (name: string, fields: FieldDef[]) => createDataFrame({ refId, name, fields });
  const { lifecycle, alert, fixPreview: fix } = d;
  return [
    lifecycle &&
      frame("lifecycle", [
        { name: "time", type: FieldType.time, values: lifecycle.audit.map((a) => ms(a.at)) },
        { name: "by", type: FieldType.string, values: lifecycle.audit.map((a) => a.by) },
        { name: "from", type: FieldType.string, values: lifecycle.audit.map((a) => a.from ?? "") },
        { name: "to", type: FieldType.string, values: lifecycle.audit.map((a) => a.to) },
        { name: "note", type: FieldType.string, values: lifecycle.audit.map((a) => a.note ?? "") },
      ]),
    alert &&
      frame("alert", [
        { name: "status", type: FieldType.string, values: [alert.status] },
        { name: "startsAt", type: FieldType.time, values: [ms(alert.startsAt)] },
        { name: "endsAt", type: FieldType.time, values: [alert.endsAt ? ms(alert.endsAt) : null] },
        { name: "labels", type: FieldType.string, values: [Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`).join(" ")] },
        { name: "escalation", type: FieldType.string, values: [alert.escalation?.note ?? ""] },
      ]),
    fix &&
      frame("fix preview", [
        { name: "step", type: FieldType.number, values: fix.steps.map((_, i) => i + 1) },
        { name: "name", type: FieldType.string, values: fix.steps.map((s) => s.name) },
        { name: "instructions", type: FieldType.string, values: fix.steps.map((s) => s.instructions) },
        { name: "runbook", type: FieldType.string, values: fix.steps.map(() => `${fix.runbook}: ${fix.title}`) },
      ]),
  ].filter((f): f is DataFrame => Boolean(f));
}

/** The "Live incidents (last 24h)" tile: one row of totals, plus counts per kind and severity. */
export function summaryFrames(refId: string, s: Summary): DataFrame[] {
  const base = `/d/${DASHBOARD_UID}/incident-intelligence?from=${s.link.from}&to=${s.link.to}`;
  // displayName pins the tile's labels: with the second frame beside it, Grafana would name them "summary total", …,
  // and the stat panel's field regex would match nothing ("No data").
  const links = (extra: string): DataLink[] => [{ title: "Show these incidents", url: base + extra }];
  const tile = (name: string, value: number, extra: string) => ({ name, type: FieldType.number, values: [value], config: { displayName: name, links: links(extra) } });
  const kindVar = (k: string) => `&var-kind=${encodeURIComponent(k)}`;
  return [
    createDataFrame({
      refId,
      name: "summary",
      fields: [
        tile("total", s.total, ""),
        tile("open", s.open, ""),
        tile("security", s.byKind.security ?? 0, kindVar("security")),
        tile("reliability", s.byKind.reliability ?? 0, kindVar("reliability")),
        ...(["P0", "P1", "P2", "P3", "P4"] as const).map((p) => tile(p, s.bySeverity[p] ?? 0, `&var-severity=${p}`)),
      ],
    }),
    createDataFrame({
      refId,
      name: "by kind and severity",
      fields: [
        { name: "kind", type: FieldType.string, values: s.byKindSeverity.map((x) => x.kind) },
        { name: "severity", type: FieldType.string, values: s.byKindSeverity.map((x) => x.severity) },
        { name: "count", type: FieldType.number, values: s.byKindSeverity.map((x) => x.count), config: { links: links("&var-kind=${__data.fields.kind}&var-severity=${__data.fields.severity}") } },
      ],
    }),
  ];
}

/** One frame per host or upstream with request, 4xx and 5xx rates per second. */
export function timeseriesFrames(refId: string, ts: Timeseries): DataFrame[] {
  return ts.series.map((s) => {
    const labels = { [ts.by]: s.name };
    // The legend says "shop-api-80 5xx/s"; Grafana would otherwise join frame name, field name and label.
    const rate = (name: string, values: number[]) => ({ name, type: FieldType.number, values, labels, config: { unit: "reqps", displayNameFromDS: `${s.name} ${name}` } });
    return createDataFrame({
      refId,
      name: s.name,
      fields: [
        { name: "time", type: FieldType.time, values: s.points.map((p) => p.t) },
        rate("requests/s", s.points.map((p) => p.rps)),
        rate("4xx/s", s.points.map((p) => p.rate4xx)),
        rate("5xx/s", s.points.map((p) => p.rate5xx)),
      ],
    });
  });
}
