/** What alert delivery adds to the API: its state in /api/capabilities, /metrics and an incident's detail. */
import type { ApiExtension } from "../api.js";
import type { Delivery } from "./delivery.js";
import type { Notifier } from "./notifier.js";
import type { Outbox } from "./outbox.js";

export function alertingExtension(delivery: Delivery, outbox: Outbox, notifier: Notifier, o: { minSeverity: string; resendMs: number }): ApiExtension {
  const perSink = (now: number) => {
    const queues = outbox.stats(now);
    return delivery.sinks.map((s) => ({ sink: s, report: delivery.reports.get(s.id)!, queue: queues.get(s.id) ?? { queued: 0, oldestAgeMs: 0 } }));
  };
  return {
    capabilities: (now) => ({
      alerting: {
        minSeverity: o.minSeverity,
        resendMs: o.resendMs,
        sinks: perSink(now).map(({ sink, report, queue }) => ({ kind: sink.kind, url: sink.url, up: report.up, sent: report.sent, failed: report.failed, retried: report.retried, queued: queue.queued, oldestQueuedSeconds: queue.oldestAgeMs / 1000, lastError: report.lastError })),
      },
    }),
    metrics(now) {
      const rows = perSink(now);
      const lines: string[] = [];
      const metric = (name: string, type: string, help: string, value: (r: (typeof rows)[number]) => number) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const r of rows) lines.push(`${name}{kind="${r.sink.kind}",sink="${r.sink.url.replace(/["\\\n]/g, "_")}"} ${value(r)}`);
      };
      metric("edgeproof_alerts_sent_total", "counter", "Alert states delivered (answered 2xx).", (r) => r.report.sent);
      metric("edgeproof_alerts_failed_total", "counter", "Alert states given up on after a permanent error (4xx other than 429).", (r) => r.report.failed);
      metric("edgeproof_alerts_retried_total", "counter", "Delivery attempts that failed and were kept for a retry.", (r) => r.report.retried);
      metric("edgeproof_alerts_queued", "gauge", "Alert states waiting in the outbox.", (r) => r.queue.queued);
      metric("edgeproof_alerts_oldest_queued_seconds", "gauge", "Age of the oldest alert state waiting in the outbox.", (r) => r.queue.oldestAgeMs / 1000);
      return lines.join("\n") + "\n";
    },
    detail(inc) {
      const rec = notifier.record(inc.id);
      if (!rec) return undefined;
      return { fields: { alert: { labels: rec.labels, startsAt: rec.startsAt, endsAt: rec.endsAt, status: rec.endsAt ? "resolved" : "firing", escalation: rec.escalation } } };
    },
  };
}
