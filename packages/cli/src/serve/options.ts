import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseDuration } from "@edgeproof/engine";
import { UsageError } from "../time-arg.js";
import { AlertingConfigFields, resolveAlerting, type AlertingFlags, type AlertingSettings } from "./alerting/settings.js";

const Duration = z.string().refine((s) => parseDuration(s) !== undefined, "expected a duration such as 30s, 5m, 7d");

/** `edgeproof.yaml` (--config): the same settings as the flags; flags win. */
export const ServeConfig = z
  .object({
    inputs: z.array(z.string()).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    bind: z.string().optional(),
    dataDir: z.string().optional(),
    rules: z.array(z.string()).optional(),
    host: z.string().optional(),
    /** A built-in format name or json:{...} key mappings (checked with the flag, see logFormatOptions). */
    logFormat: z.string().optional(),
    /** The nginx log_format the lines were written with. */
    nginxLogFormat: z.string().optional(),
    clientIp: z
      .object({ from: z.enum(["remote", "forwarded"]).optional(), trustedProxies: z.array(z.string()).optional() })
      .strict()
      .optional(),
    lateness: Duration.optional(),
    redactParams: z.array(z.string()).optional(),
    retention: Duration.optional(),
    tokenFile: z.string().optional(),
    rateLimit: z.number().positive().optional(),
    k8sSnapshot: z.string().optional(),
    kubeconfig: z.string().optional(),
    context: z.string().optional(),
    namespace: z.array(z.string()).optional(),
    k8sRefresh: Duration.optional(),
    /** Thresholds the RCA reads a spike with (flags --latency-p95, --proxy-read-timeout, --proxy-connect-timeout). */
    rca: z
      .object({ latencyP95: Duration.optional(), proxyReadTimeout: Duration.optional(), proxyConnectTimeout: Duration.optional() })
      .strict()
      .optional(),
    loki: z
      .object({
        url: z.string(),
        query: z.array(z.string()).min(1),
        orgId: z.string().optional(),
        bearerTokenFile: z.string().optional(),
        basicAuthFile: z.string().optional(),
        hostLabel: z.string().optional(),
        interval: Duration.optional(),
        since: Duration.optional(),
      })
      .strict()
      .optional(),
    ...AlertingConfigFields,
  })
  .strict();
export type ServeConfig = z.infer<typeof ServeConfig>;

/** Flags as commander hands them over. */
export interface ServeFlags extends AlertingFlags {
  port?: string;
  bind?: string;
  dataDir?: string;
  config?: string;
  rules?: string[];
  host?: string;
  logFormat?: string;
  nginxLogFormat?: string;
  clientIp?: string;
  trustedProxies?: string;
  lateness?: string;
  redactParam?: string[];
  retention?: string;
  tokenFile?: string;
  rateLimit?: string;
  k8sSnapshot?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  latencyP95?: string;
  proxyReadTimeout?: string;
  proxyConnectTimeout?: string;
  loki?: string;
  query?: string[];
  orgId?: string;
  bearerTokenFile?: string;
  basicAuthFile?: string;
  hostLabel?: string;
  lokiInterval?: string;
  lokiSince?: string;
}

export interface ServeSettings {
  inputs: string[];
  port: number;
  bind: string;
  dataDir: string;
  rules?: string[];
  host?: string;
  logFormat: string;
  nginxLogFormat?: string;
  clientIp?: string;
  /** Comma-separated, as the flag. */
  trustedProxies?: string;
  lateness: string;
  redactParam?: string[];
  retentionMs: number;
  token?: string;
  rateLimit: number;
  k8sSnapshot?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string[];
  k8sRefreshMs: number;
  latencyP95?: string;
  proxyReadTimeout?: string;
  proxyConnectTimeout?: string;
  loki?: {
    loki: string;
    query: string[];
    orgId?: string;
    bearerTokenFile?: string;
    basicAuthFile?: string;
    hostLabel: string;
    intervalMs: number;
    sinceMs: number;
  };
  alerting: AlertingSettings;
}

export const DEFAULT_PORT = 8478;

/** Merges config file, flags and environment into validated settings; mistakes are UsageErrors. */
export function resolveSettings(inputs: string[], flags: ServeFlags, env: Record<string, string | undefined>): ServeSettings {
  const cfg = flags.config ? readConfig(flags.config) : {};
  const port = flags.port !== undefined ? Number(flags.port) : (cfg.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got "${flags.port}"`);
  const rateLimit = flags.rateLimit !== undefined ? Number(flags.rateLimit) : (cfg.rateLimit ?? 50);
  if (!(rateLimit > 0)) throw new UsageError(`--rate-limit must be a positive number of requests per second, got "${flags.rateLimit}"`);
  const allInputs = inputs.length ? inputs : (cfg.inputs ?? []);
  let k8sSnapshot = flags.k8sSnapshot ?? cfg.k8sSnapshot;
  const kubeconfig = flags.kubeconfig ?? cfg.kubeconfig;
  // Convention: a directory given as input that holds a `k8s/` folder of saved `kubectl get -o json` files
  // brings its own snapshot (this is how `edgeproof serve fixtures/demo` gets RCA), unless one was named.
  if (!k8sSnapshot && !kubeconfig) k8sSnapshot = allInputs.map((d) => join(d, "k8s")).find((d) => existsSync(d) && statSync(d).isDirectory());
  const bind = flags.bind ?? cfg.bind ?? "127.0.0.1";
  const tokenFile = flags.tokenFile ?? cfg.tokenFile;
  const token = tokenFile ? readFileSync(tokenFile, "utf8").trim() : env.EDGEPROOF_TOKEN?.trim() || undefined;
  if (tokenFile && !token) throw new UsageError(`${tokenFile} is empty`);
  if (!isLoopback(bind) && !token) {
    throw new UsageError(`binding to ${bind} exposes the API beyond this machine: set a bearer token with --token-file FILE or EDGEPROOF_TOKEN`);
  }
  const lokiUrl = flags.loki ?? cfg.loki?.url;
  const queries = flags.query ?? cfg.loki?.query;
  if (lokiUrl && !queries?.length) throw new UsageError("--loki needs at least one --query, e.g. --query '{namespace=\"ingress-nginx\"}'");
  return {
    inputs: allInputs,
    port,
    bind,
    dataDir: flags.dataDir ?? cfg.dataDir ?? ".edgeproof-data",
    rules: flags.rules ?? cfg.rules,
    host: flags.host ?? cfg.host,
    logFormat: flags.logFormat ?? cfg.logFormat ?? "auto",
    nginxLogFormat: flags.nginxLogFormat ?? cfg.nginxLogFormat,
    clientIp: flags.clientIp ?? cfg.clientIp?.from,
    trustedProxies: flags.trustedProxies ?? cfg.clientIp?.trustedProxies?.join(","),
    lateness: flags.lateness ?? cfg.lateness ?? "5s",
    redactParam: flags.redactParam ?? cfg.redactParams,
    retentionMs: duration("--retention", flags.retention ?? cfg.retention ?? "7d"),
    token,
    rateLimit,
    k8sSnapshot,
    kubeconfig,
    context: flags.context ?? cfg.context,
    namespace: flags.namespace ?? cfg.namespace,
    k8sRefreshMs: duration("k8sRefresh", cfg.k8sRefresh ?? "5m"),
    latencyP95: flags.latencyP95 ?? cfg.rca?.latencyP95,
    proxyReadTimeout: flags.proxyReadTimeout ?? cfg.rca?.proxyReadTimeout,
    proxyConnectTimeout: flags.proxyConnectTimeout ?? cfg.rca?.proxyConnectTimeout,
    loki: lokiUrl
      ? {
          loki: lokiUrl,
          query: queries!,
          orgId: flags.orgId ?? cfg.loki?.orgId,
          bearerTokenFile: flags.bearerTokenFile ?? cfg.loki?.bearerTokenFile,
          basicAuthFile: flags.basicAuthFile ?? cfg.loki?.basicAuthFile,
          hostLabel: flags.hostLabel ?? cfg.loki?.hostLabel ?? "host",
          intervalMs: duration("--loki-interval", flags.lokiInterval ?? cfg.loki?.interval ?? "15s"),
          sinceMs: duration("--loki-since", flags.lokiSince ?? cfg.loki?.since ?? "1h"),
        }
      : undefined,
    alerting: resolveAlerting(flags, cfg, token !== undefined),
  };
}

function duration(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${name} must be a duration such as 30s, 5m or 7d, got "${text}"`);
  return ms;
}

function readConfig(path: string): ServeConfig {
  const doc = parseYaml(readFileSync(path, "utf8")) ?? {};
  const r = ServeConfig.safeParse(doc);
  if (!r.success) throw new UsageError(`${path}: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
