/**
 * `edgeproof run --alertmanager URL`: what a one-shot run found, sent once (for CI jobs over a log). There is
 * no store to queue in, so delivery is retried in place with backoff and a failure fails the run. The alerts
 * fire for RESENDS_AHEAD re-send intervals and then resolve by themselves, as nothing will re-send them.
 */
import { atLeast, Severity, type Incident } from "@edgeproof/engine";
import { backoffDelayMs, parseRetryAfterMs } from "@edgeproof/loki-adapter";
import { UsageError } from "../../time-arg.js";
import { incidentAnnotations, incidentLabels, type PostableAlert } from "./alert.js";
import { RESENDS_AHEAD } from "./notifier.js";
import type { AlertingFlags } from "./settings.js";
import { createSink, type Sink } from "./sinks.js";

const ATTEMPTS = 5;
const RESEND_MS = 60_000;
const BATCH = 64;

export function oneShotSinks(f: AlertingFlags): Sink[] {
  const auth = { bearerTokenFile: f.alertmanagerBearerTokenFile, basicAuthFile: f.alertmanagerBasicAuthFile, caFile: f.alertmanagerCaFile };
  const o = { timeoutMs: 10_000, externalUrl: () => f.externalUrl ?? "" };
  return [...(f.alertmanager ?? []).map((url) => createSink("alertmanager", { url, ...auth }, o)), ...(f.webhook ?? []).map((url) => createSink("webhook", { url }, o))];
}

/** Sends the incidents at or above the minimum severity; returns the problems (empty when all arrived). */
export async function sendOnce(incidents: Incident[], sinks: Sink[], f: AlertingFlags, now = Date.now()): Promise<string[]> {
  const min = f.alertMinSeverity ?? "P2";
  if (!Severity.safeParse(min).success) throw new UsageError(`--alert-min-severity must be one of P0..P4, got "${min}"`);
  const endsAt = new Date(now + RESENDS_AHEAD * RESEND_MS).toISOString();
  const alerts: PostableAlert[] = incidents
    .filter((inc) => atLeast(inc.severity, min as Severity))
    .map((inc) => {
      const labels = incidentLabels(inc);
      const annotations = incidentAnnotations({ incident: inc, externalUrl: f.externalUrl }, labels);
      return { labels, annotations, startsAt: inc.window.start, endsAt, ...(annotations.proof_url ? { generatorURL: annotations.proof_url } : {}) };
    });
  const problems: string[] = [];
  for (const sink of sinks) {
    const size = sink.kind === "alertmanager" ? BATCH : 1;
    for (let i = 0; i < alerts.length; i += size) {
      const err = await deliver(sink, alerts.slice(i, i + size));
      if (err) problems.push(err);
    }
  }
  return problems;
}

async function deliver(sink: Sink, batch: PostableAlert[]): Promise<string | undefined> {
  let last = "";
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let retryAfter: number | undefined;
    try {
      const a = await sink.send(batch);
      if (a.status >= 200 && a.status < 300) return undefined;
      last = `${sink.url} answered ${a.status}: ${a.body.trim().slice(0, 300)}`;
      if (a.status !== 429 && a.status < 500) return `${batch.length} alert(s) not accepted: ${last}`;
      retryAfter = parseRetryAfterMs(a.retryAfter, Date.now());
    } catch (err) {
      last = `${sink.url}: ${(err as Error).message}`;
    }
    if (attempt + 1 < ATTEMPTS) await new Promise((r) => setTimeout(r, retryAfter ?? backoffDelayMs({ initialDelayMs: 500, multiplier: 2, maxDelayMs: 8_000, maxAttempts: ATTEMPTS, maxRetryAfterMs: 8_000 }, attempt)));
  }
  return `${batch.length} alert(s) not delivered after ${ATTEMPTS} attempts: ${last}`;
}
