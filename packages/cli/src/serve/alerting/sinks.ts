/**
 * Where alerts go: Alertmanager instances (API v2, every state, re-sent while firing) and plain webhooks
 * (the body Alertmanager's own webhook receiver gets, one message per change, for users without
 * Alertmanager). Credentials are read from files at start, so they never show in `ps` or in a config dump.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { UsageError } from "../../time-arg.js";
import type { PostableAlert } from "./alert.js";
import { postJson, type PostAnswer } from "./http-post.js";

export interface SinkConfig {
  url: string;
  bearerTokenFile?: string;
  basicAuthFile?: string;
  caFile?: string;
}

export type SinkKind = "alertmanager" | "webhook";

export interface Sink {
  /** Stable name of the sink's queue in the outbox. */
  id: string;
  kind: SinkKind;
  url: string;
  send(alerts: PostableAlert[]): Promise<PostAnswer>;
}

export function createSink(kind: SinkKind, c: SinkConfig, o: { timeoutMs: number; externalUrl: () => string }): Sink {
  let parsed: URL;
  try {
    parsed = new URL(c.url);
  } catch {
    throw new UsageError(`--${kind} must be an http(s) URL, got "${c.url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UsageError(`--${kind} must be an http(s) URL, got "${c.url}"`);
  const headers: Record<string, string> = {};
  if (c.bearerTokenFile && c.basicAuthFile) throw new UsageError(`${c.url}: give a bearer token file or a basic auth file, not both`);
  if (c.bearerTokenFile) headers.authorization = `Bearer ${secret(c.bearerTokenFile)}`;
  if (c.basicAuthFile) {
    const text = secret(c.basicAuthFile);
    if (!text.includes(":")) throw new UsageError(`${c.basicAuthFile}: expected "user:password"`);
    headers.authorization = `Basic ${Buffer.from(text).toString("base64")}`;
  }
  const ca = c.caFile ? readFileSync(c.caFile, "utf8") : undefined;
  const base = c.url.replace(/\/+$/, "");
  const target = kind === "alertmanager" ? `${base}/api/v2/alerts` : c.url;
  const post = (body: unknown) => postJson(target, JSON.stringify(body), { headers, ca, timeoutMs: o.timeoutMs });
  return {
    id: `${kind}:${base}`,
    kind,
    url: c.url,
    send: (alerts) => (kind === "alertmanager" ? post(alerts) : post(webhookMessage(alerts[0], o.externalUrl()))),
  };
}

/** Alertmanager's webhook payload (version 4) for one alert, so receivers written for Alertmanager work unchanged. */
export function webhookMessage(a: PostableAlert, externalUrl: string): unknown {
  const status = Date.parse(a.endsAt) <= Date.now() ? "resolved" : "firing";
  const groupKey = `{}:{incident_id="${a.labels.incident_id}"${a.labels.escalation ? `,escalation="${a.labels.escalation}"` : ""}}`;
  return {
    version: "4",
    groupKey,
    truncatedAlerts: 0,
    status,
    receiver: "edgeproof",
    groupLabels: { incident_id: a.labels.incident_id },
    commonLabels: a.labels,
    commonAnnotations: a.annotations,
    externalURL: externalUrl,
    alerts: [{ status, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: status === "resolved" ? a.endsAt : "0001-01-01T00:00:00Z", generatorURL: a.generatorURL ?? "", fingerprint: fingerprint(a.labels) }],
  };
}

/** A stable short hash of the label set (the same labels always give the same fingerprint). */
function fingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels).sort().map((k) => [k, labels[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
}

function secret(file: string): string {
  const text = readFileSync(file, "utf8").trim();
  if (!text) throw new UsageError(`${file} is empty`);
  return text;
}
