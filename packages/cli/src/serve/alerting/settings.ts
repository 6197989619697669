/**
 * Alerting and lifecycle settings of `edgeproof serve` (flags and the config file's keys), resolved into
 * what the server needs. Kept apart from options.ts so the ingestion settings stay readable.
 */
import { z } from "zod";
import { parseDuration, Severity } from "@edgeproof/engine";
import { UsageError } from "../../time-arg.js";
import { DEFAULT_SEVERITY_LEVELS, loadSeverityLevels, type SeverityLevels } from "./severity-levels.js";
import type { SinkConfig } from "./sinks.js";

const Duration = z.string().refine((s) => parseDuration(s) !== undefined, "expected a duration such as 30s, 5m, 7d");
const SinkEntry = z.object({ url: z.string(), bearerTokenFile: z.string().optional(), basicAuthFile: z.string().optional(), caFile: z.string().optional() }).strict();

/** Config-file keys (merged into ServeConfig). */
export const AlertingConfigFields = {
  alertmanagers: z.array(SinkEntry).optional(),
  webhooks: z.array(SinkEntry).optional(),
  alertMinSeverity: Severity.optional(),
  alertResend: Duration.optional(),
  alertTimeout: Duration.optional(),
  externalUrl: z.string().optional(),
  severityLevels: z.string().optional(),
  lifecycle: z.boolean().optional(),
};
const AlertingConfig = z.object(AlertingConfigFields);
type AlertingConfig = z.infer<typeof AlertingConfig>;

export interface AlertingFlags {
  alertmanager?: string[];
  alertmanagerBearerTokenFile?: string;
  alertmanagerBasicAuthFile?: string;
  alertmanagerCaFile?: string;
  webhook?: string[];
  alertMinSeverity?: string;
  alertResend?: string;
  externalUrl?: string;
  severityLevels?: string;
  lifecycle?: boolean;
}

export interface AlertingSettings {
  alertmanagers: SinkConfig[];
  webhooks: SinkConfig[];
  minSeverity: Severity;
  resendMs: number;
  timeoutMs: number;
  /** Base of proof and runbook links; defaults to the address serve listens on. */
  externalUrl?: string;
  levels: SeverityLevels;
  lifecycle: boolean;
}

export function resolveAlerting(flags: AlertingFlags, cfg: AlertingConfig, hasToken: boolean): AlertingSettings {
  const auth = { bearerTokenFile: flags.alertmanagerBearerTokenFile, basicAuthFile: flags.alertmanagerBasicAuthFile, caFile: flags.alertmanagerCaFile };
  const minSeverity = flags.alertMinSeverity ?? cfg.alertMinSeverity ?? "P2";
  if (!Severity.safeParse(minSeverity).success) throw new UsageError(`--alert-min-severity must be one of P0..P4, got "${minSeverity}"`);
  const lifecycle = flags.lifecycle ?? cfg.lifecycle ?? false;
  if (lifecycle && !hasToken) throw new UsageError("--lifecycle lets clients change incidents, so it needs a bearer token: --token-file FILE or EDGEPROOF_TOKEN");
  return {
    alertmanagers: flags.alertmanager?.length ? flags.alertmanager.map((url) => ({ url, ...auth })) : (cfg.alertmanagers ?? []),
    webhooks: flags.webhook?.length ? flags.webhook.map((url) => ({ url })) : (cfg.webhooks ?? []),
    minSeverity: minSeverity as Severity,
    resendMs: positive("--alert-resend", flags.alertResend ?? cfg.alertResend ?? "1m"),
    timeoutMs: positive("alertTimeout", cfg.alertTimeout ?? "10s"),
    externalUrl: flags.externalUrl ?? cfg.externalUrl,
    levels: (flags.severityLevels ?? cfg.severityLevels) ? loadSeverityLevels((flags.severityLevels ?? cfg.severityLevels)!) : DEFAULT_SEVERITY_LEVELS,
    lifecycle,
  };
}

function positive(name: string, text: string): number {
  const ms = parseDuration(text);
  if (!ms) throw new UsageError(`${name} must be a positive duration such as 30s or 1m, got "${text}"`);
  return ms;
}
