import type { RunStats } from "@edgeproof/engine";
import type { EventHub } from "./event-hub.js";
import type { SourceStatus } from "./sources.js";
import type { Store } from "./store.js";

export interface MetricsInput {
  stats: RunStats;
  sources: SourceStatus[];
  store: Store;
  hub: EventHub;
  http: Map<string, number>;
  now: number;
}

/** Prometheus text exposition format 0.0.4. */
export function renderMetrics(m: MetricsInput): string {
  const out: string[] = [];
  const metric = (name: string, type: "counter" | "gauge", help: string, samples: Array<[Record<string, string>, number]>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) out.push(`${name}${fmtLabels(labels)} ${v}`);
  };
  const s = m.stats;
  metric("edgeproof_lines_read_total", "counter", "Lines read from all sources since start (replayed lines included).", [[{}, s.lines]]);
  metric("edgeproof_events_total", "counter", "Lines parsed into HTTP events.", [[{}, s.events]]);
  metric("edgeproof_rejected_lines_total", "counter", "Lines not understood, by reason.", Object.entries(s.rejected).map(([reason, n]) => [{ reason }, n]));
  metric("edgeproof_late_events_total", "counter", "Events that arrived behind the watermark and were not evaluated.", [[{}, s.late]]);
  const newest = m.store.newestEventMs;
  metric("edgeproof_event_lag_seconds", "gauge", "Wall clock minus the newest event time seen.", newest === undefined ? [] : [[{}, Math.max(0, (m.now - newest) / 1000)]]);
  metric(
    "edgeproof_source_lag_bytes",
    "gauge",
    "Bytes of a followed file not read yet.",
    m.sources.filter((x) => x.lagBytes !== undefined).map((x) => [{ source: x.name }, x.lagBytes!]),
  );
  const bySource = (pick: (x: SourceStatus) => number | undefined): Array<[Record<string, string>, number]> =>
    m.sources.flatMap((x) => {
      const v = pick(x);
      return v === undefined ? [] : [[{ kind: x.kind, source: x.name }, v] as [Record<string, string>, number]];
    });
  metric("edgeproof_source_event_lag_seconds", "gauge", "Server clock minus the source's newest event time: clock skew plus delivery delay (negative: the producer's clock is ahead).", bySource((x) => x.eventLagSeconds));
  metric("edgeproof_source_delivery_delay_seconds", "gauge", "Longest recent delay of a delivery: server clock on arrival minus its oldest event.", bySource((x) => x.deliveryDelaySeconds));
  metric("edgeproof_source_late_events_total", "counter", "Events of the source that arrived behind the watermark and were not evaluated.", bySource((x) => x.late));
  metric("edgeproof_source_up", "gauge", "1 when the source is readable.", m.sources.map((x) => [{ kind: x.kind, source: x.name }, x.state === "error" || x.state === "missing" ? 0 : 1]));
  const incidents = new Map<string, number>();
  for (const e of m.store.matching({ from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER })) {
    const k = `${e.kind}\u0000${e.severity}\u0000${e.status}`;
    incidents.set(k, (incidents.get(k) ?? 0) + 1);
  }
  metric(
    "edgeproof_incidents",
    "gauge",
    "Stored incidents by kind, severity and status.",
    [...incidents].map(([k, n]) => {
      const [kind, severity, status] = k.split("\u0000");
      return [{ kind, severity, status }, n];
    }),
  );
  metric("edgeproof_sse_clients", "gauge", "Connected event-stream clients.", [[{}, m.hub.clients]]);
  metric(
    "edgeproof_http_requests_total",
    "counter",
    "API requests by route and status code.",
    [...m.http].map(([k, n]) => {
      const [route, code] = k.split(" ");
      return [{ route, code }, n];
    }),
  );
  return out.join("\n") + "\n";
}

function fmtLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}
