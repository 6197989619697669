import { Option, type Command } from "commander";

/**
 * Options shared by the commands that evaluate packs over logs (`run`, `serve`, `explain`, `sweep`). `serve`
 * passes `withDefaults = false` because it merges flags over its config file and applies defaults after that.
 */
export function evaluationOptions(c: Command, withDefaults = true): Command {
  const logFormat = new Option("--log-format <format>", `access-log format: ${BUILT_IN_FORMATS.join("|")}, or json:{"key":"$variable",...} for a JSON log`);
  return c
    .option("--rules <path...>", "rule pack files or directories (default: the bundled rules/)")
    .addOption(withDefault(logFormat, withDefaults, "auto"))
    .option("--nginx-log-format <log_format>", "your nginx log_format (the directive or its format string): lines are read with it")
    .addOption(new Option("--client-ip <from>", "key clients by the connecting address, or by the forwarded headers trusted proxies add (default: forwarded with --trusted-proxies, else remote)").choices(["remote", "forwarded"]))
    .option("--trusted-proxies <cidrs>", "comma-separated addresses/CIDR ranges of your proxies and balancers, e.g. 10.0.0.0/8,2001:db8::/32 (default: none)")
    .option("--host <name>", "host for log lines that do not carry one")
    .addOption(withDefault(new Option("--lateness <duration>", "how far out of order events may arrive and still count"), withDefaults, "5s"))
    .option("--redact-param <name...>", "more query-parameter names whose values are secrets (added to the built-in list)");
}

/** The `--log-format` names besides auto and json:{...}. */
export const BUILT_IN_FORMATS = ["auto", "combined", "main", "upstreaminfo", "json", "traefik", "envoy", "caddy", "haproxy", "cloudfront"] as const;

/** Where Kubernetes state for root-cause analysis comes from, and the thresholds the RCA reads the spike with. */
export function k8sOptions(c: Command, kubeconfigHelp: string, withDefaults = true): Command {
  return c
    .option("--k8s-snapshot <dir>", "saved `kubectl get -o json` files for root-cause analysis")
    .option("--kubeconfig <file>", kubeconfigHelp)
    .option("--context <name>", "kubeconfig context")
    .option("--namespace <ns...>", "limit the live snapshot to these namespaces")
    .addOption(withDefault(new Option("--latency-p95 <duration>", "upstream p95 from which the RCA names latency as a lead"), withDefaults, "1s"))
    .addOption(withDefault(new Option("--proxy-read-timeout <duration>", "the proxy's read timeout, which 504s are compared with"), withDefaults, "60s"))
    .addOption(withDefault(new Option("--proxy-connect-timeout <duration>", "the proxy's connect timeout, which 504s are compared with"), withDefaults, "5s"));
}

/** Loki as a source of access-log lines. */
export function lokiOptions(c: Command, lokiHelp: string, withDefaults = true): Command {
  return c
    .option("--loki <url>", lokiHelp)
    .option("--query <logql...>", "LogQL stream selector(s) for --loki")
    .option("--org-id <tenant>", "Loki tenant (X-Scope-OrgID)")
    .option("--bearer-token-file <file>", "Loki bearer token file")
    .option("--basic-auth-file <file>", "Loki basic auth file (user:password)")
    .addOption(withDefault(new Option("--host-label <label>", "Loki stream label holding the host"), withDefaults, "host"));
}

/** Where incidents are sent as alerts (`run` sends what it found once, `serve` keeps them current). */
export function alertTargetOptions(c: Command): Command {
  const repeat = (v: string, prev: string[] = []) => [...prev, v];
  return c
    .option("--alertmanager <url>", "send incidents to this Alertmanager (API v2); repeatable", repeat)
    .option("--alertmanager-bearer-token-file <file>", "bearer token file for --alertmanager")
    .option("--alertmanager-basic-auth-file <file>", "basic auth file (user:password) for --alertmanager")
    .option("--alertmanager-ca-file <file>", "CA certificate (PEM) to verify --alertmanager over https")
    .option("--webhook <url>", "also POST Alertmanager-style webhook messages here; repeatable", repeat)
    .option("--alert-min-severity <P0..P4>", "least severe incident that becomes an alert (default P2)")
    .option("--external-url <url>", "base URL of edgeproof serve for proof and runbook links in alerts");
}

/** serve's alerting beyond the targets: re-sends, escalation and the responder lifecycle. */
export function alertingOptions(c: Command): Command {
  return alertTargetOptions(c)
    .option("--alert-resend <duration>", "how often firing alerts are re-sent to Alertmanager (default 1m)")
    .option("--severity-levels <file>", "severity levels (severity_levels: {P0: {name, response_time, escalation_time, ...}})")
    .option("--lifecycle", "enable POST /api/incidents/:id/ack|investigate|resolve|close (needs a token) and escalation");
}

/** A default commander applies itself, or one only named in the help (applied after a config merge). */
function withDefault(o: Option, apply: boolean, value: string): Option {
  if (apply) return o.default(value);
  o.description += ` (default ${value})`;
  return o;
}
