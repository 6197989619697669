/**
 * The layers serve puts around the engine's incidents: runbook previews, the responder lifecycle, and alert
 * delivery (notifier → outbox → delivery). Each is built only when configured, so a layer that is off adds
 * no route, capability, metric or field.
 */
import type { Incident, RulePackDoc } from "@edgeproof/engine";
import type { ApiExtension } from "./api.js";
import { Delivery } from "./alerting/delivery.js";
import { alertingExtension } from "./alerting/extension.js";
import { Notifier } from "./alerting/notifier.js";
import { Outbox } from "./alerting/outbox.js";
import type { AlertingSettings } from "./alerting/settings.js";
import { createSink } from "./alerting/sinks.js";
import { LifecycleRecords } from "./lifecycle/records.js";
import { lifecycleExtension } from "./lifecycle/routes.js";
import { runbookExtension } from "./runbook-extension.js";
import type { Store } from "./store.js";
import { checkRunbookRefs, loadRunbooks, runbookDirs } from "../runbooks/load.js";
import { runbookFor } from "../runbooks/render.js";

const DELIVER_EVERY_MS = 250;
const ESCALATION_CHECK_MS = 1_000;

export interface Layers {
  extensions: ApiExtension[];
  features: string[];
  /** Inside the commit that changed the incident (opened, grew or closed). */
  onChange(inc: Incident): void;
  /** Starts re-sends, escalation checks and delivery; `externalUrl` is known once the server listens. */
  start(listeningUrl: string): void;
  stop(): Promise<void>;
}

export function serveLayers(a: AlertingSettings, store: Store, packs: RulePackDoc[], rulePaths: string[], log: (msg: string) => void): Layers {
  const extensions: ApiExtension[] = [];
  const features: string[] = [];

  const runbooks = loadRunbooks(runbookDirs(rulePaths));
  checkRunbookRefs(packs, runbooks);
  const byRule = new Map(packs.flatMap((p) => p.rules.flatMap((r) => (r.runbook ? [[`${p.name}/${r.id}`, r.runbook] as const] : []))));
  const runbookOf = (inc: Incident) => byRule.get(`${inc.pack.name}/${inc.ruleId}`);
  if (runbooks.size) {
    extensions.push(runbookExtension(store, runbooks, runbookOf));
    features.push("runbooks");
  }

  const lifecycle = a.lifecycle ? new LifecycleRecords(store) : undefined;
  let externalUrl = a.externalUrl ?? "http://127.0.0.1";
  const sinks = [...a.alertmanagers.map((c) => createSink("alertmanager", c, { timeoutMs: a.timeoutMs, externalUrl: () => externalUrl })), ...a.webhooks.map((c) => createSink("webhook", c, { timeoutMs: a.timeoutMs, externalUrl: () => externalUrl }))];
  const outbox = sinks.length ? new Outbox(store) : undefined;
  const notifier = outbox && new Notifier(store, outbox, { sinks, minSeverity: a.minSeverity, resendMs: a.resendMs, externalUrl: () => externalUrl, levels: a.levels, lifecycle, runbookOf: (inc) => runbookFor(inc, runbookOf, runbooks)?.name });
  const delivery = outbox && new Delivery(outbox, sinks, log, { initialDelayMs: 500, maxDelayMs: Math.min(30_000, a.resendMs), batch: 64 });
  if (outbox && notifier && delivery) {
    for (const stale of outbox.sinks().filter((id) => !sinks.some((s) => s.id === id))) log(`alerting: dropped ${outbox.dropSink(stale)} queued alert(s) for ${stale}, which is no longer configured`);
    extensions.push(alertingExtension(delivery, outbox, notifier, { minSeverity: a.minSeverity, resendMs: a.resendMs }));
    features.push("alerting");
  }
  if (lifecycle) {
    extensions.push(lifecycleExtension({ store, records: lifecycle, now: () => Date.now(), onTransition: (inc, rec, now) => notifier?.onLifecycle(inc, rec, now) }));
    features.push("lifecycle");
  }

  const timers: NodeJS.Timeout[] = [];
  let inflight: Promise<void> = Promise.resolve();
  return {
    extensions,
    features,
    onChange(inc) {
      const now = Date.now();
      lifecycle?.onIncident(inc, now);
      notifier?.onIncident(inc, now);
    },
    start(listeningUrl) {
      externalUrl = a.externalUrl ?? listeningUrl;
      if (!notifier || !delivery) return;
      let lastResend = Date.now();
      let delivering = false;
      timers.push(
        setInterval(() => {
          if (delivering) return;
          delivering = true;
          inflight = delivery.tick(Date.now()).finally(() => (delivering = false));
        }, DELIVER_EVERY_MS),
        setInterval(() => {
          const now = Date.now();
          const resend = now - lastResend >= a.resendMs;
          if (resend) lastResend = now;
          try {
            notifier.tick(now, resend);
          } catch (err) {
            log(`alerting: ${(err as Error).message}`);
          }
        }, Math.min(ESCALATION_CHECK_MS, a.resendMs)),
      );
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await inflight;
    },
  };
}
