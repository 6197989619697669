import { Pipeline, RulePackError, parseDuration, Severity, atLeast, type IncidentKey, type PipelineOptions, type RunStats } from "@edgeproof/engine";
import { clientIpOption, logFormatOptions } from "../log-format-options.js";
import { resolveInputs, readText } from "../input/read-sources.js";
import { defaultRulesDir, loadPacks } from "../rule-packs.js";
import { parseTimeArg, UsageError } from "../time-arg.js";
import { renderTable } from "../output/table.js";
import { renderMarkdown } from "../output/markdown.js";
import { jsonPieces, ndjsonPieces, writePieces } from "../output/json.js";
import { renderExplain } from "../output/explain.js";
import { Progress } from "../output/progress.js";
import { k8sHooks, type K8sOptions } from "../sources/k8s.js";
import { lokiClient, pullInto, type LokiOptions } from "../sources/loki.js";
import type { AlertingFlags } from "../serve/alerting/settings.js";

export interface RunOptions extends K8sOptions, Partial<LokiOptions>, AlertingFlags {
  rules?: string[];
  format?: "table" | "json" | "ndjson" | "markdown";
  logFormat: string;
  nginxLogFormat?: string;
  clientIp?: string;
  trustedProxies?: string;
  host?: string;
  since?: string;
  until?: string;
  failOn?: string;
  explain?: string;
  lateness: string;
  redactParam?: string[];
}

export const EXIT = { ok: 0, failure: 1, usage: 2, failOn: 3 } as const;

/** Builds the pipeline options shared by every command that evaluates packs over logs. */
export type EvaluationFlags = Pick<RunOptions, "rules" | "logFormat" | "nginxLogFormat" | "clientIp" | "trustedProxies" | "host" | "lateness" | "redactParam">;

export function pipelineOptions(opts: EvaluationFlags & Pick<RunOptions, "since" | "until" | "explain">): PipelineOptions {
  const now = Date.now();
  const lateness = parseDuration(opts.lateness);
  if (lateness === undefined) throw new UsageError(`--lateness must be a duration such as 5s or 2m, got "${opts.lateness}"`);
  return {
    packs: loadPacks(opts.rules?.length ? opts.rules : [defaultRulesDir()]),
    ...logFormatOptions(opts.logFormat, opts.nginxLogFormat),
    clientIp: clientIpOption(opts.clientIp, opts.trustedProxies),
    host: opts.host,
    since: opts.since ? parseTimeArg(opts.since, now) : undefined,
    until: opts.until ? parseTimeArg(opts.until, now) : undefined,
    explain: opts.explain ? parseKey(opts.explain) : undefined,
    allowedLatenessMs: lateness,
    secretParams: opts.redactParam,
  };
}

export function parseKey(text: string): IncidentKey {
  const key: IncidentKey = {};
  for (const part of text.split(",")) {
    const [k, v] = part.split("=");
    if (!v || (k !== "clientIp" && k !== "host" && k !== "upstream")) throw new UsageError(`invalid key "${part}": use clientIp=IP, host=NAME or upstream=NAME (comma-separated)`);
    key[k] = v;
  }
  return key;
}

const warn = (msg: string) => process.stderr.write(`edgeproof: ${msg}\n`);

export async function runCommand(inputs: string[], opts: RunOptions): Promise<number> {
  if (opts.failOn !== undefined && !Severity.safeParse(opts.failOn).success) throw new UsageError(`--fail-on must be one of P0..P4, got "${opts.failOn}"`);
  const base = pipelineOptions(opts);
  const pipeline = new Pipeline({ ...base, ...(await k8sHooks(opts, warn)) });
  if (opts.loki) {
    if (inputs.length) throw new UsageError("give either log files or --loki, not both");
    if (base.since === undefined) throw new UsageError("--loki needs --since (e.g. --since 2h)");
    const lo = { ...opts, loki: opts.loki, hostLabel: opts.hostLabel ?? "host" };
    const { stats } = await pullInto(pipeline, lokiClient(lo), lo, base.since, base.until ?? Date.now());
    if (stats.duplicatesDropped) warn(`loki: ${stats.duplicatesDropped} duplicate entries (same line in overlapping streams) dropped`);
    return finish(pipeline, opts);
  }
  const sources = resolveInputs(inputs);
  const progress = new Progress(sources.reduce((n, s) => n + (s.size ?? 0), 0));
  try {
    for (const src of sources) {
      const ref = { file: src.name === "-" ? undefined : src.name };
      for await (const chunk of readText(src)) {
        pipeline.pushText(chunk, ref);
        progress.update(pipeline.stats.lines, chunk.length);
      }
      pipeline.endText(ref);
    }
  } finally {
    progress.done();
  }
  return finish(pipeline, opts);
}

async function finish(pipeline: Pipeline, opts: RunOptions): Promise<number> {
  const incidents = pipeline.flush();
  const format = opts.format ?? (process.stdout.isTTY ? "table" : "json");
  if (format === "json") await writePieces(process.stdout, jsonPieces({ incidents, stats: pipeline.stats, nearMisses: pipeline.nearMisses() }));
  else if (format === "ndjson") await writePieces(process.stdout, ndjsonPieces(incidents));
  else process.stdout.write(format === "markdown" ? renderMarkdown(incidents, pipeline.stats) : renderTable(incidents, pipeline.stats));
  if (opts.explain) process.stderr.write(renderExplain(pipeline.traces()));
  const hint = proxyHint(pipeline.stats);
  if (hint) warn(hint);
  const late = pipeline.stats.late;
  if (late > 0) {
    warn(
      `${late} of ${pipeline.stats.events} events arrived more than ${opts.lateness} behind newer ones and were not evaluated; ` +
        `if the log is out of order, rerun with a larger --lateness (e.g. --lateness 60s)`,
    );
  }
  if (opts.alertmanager?.length || opts.webhook?.length) {
    // Loaded only when asked for, like serve's dependencies.
    const { oneShotSinks, sendOnce } = await import("../serve/alerting/one-shot.js");
    const problems = await sendOnce(incidents, oneShotSinks(opts), opts);
    for (const p of problems) warn(`alerting: ${p}`);
    if (problems.length) return EXIT.failure;
  }
  if (opts.failOn && incidents.some((i) => atLeast(i.severity, opts.failOn as Severity))) return EXIT.failOn;
  return EXIT.ok;
}

/** The proxy hint in words, once per run: every user keyed as the balancer is the commonest misreading. */
export function proxyHint(stats: RunStats): string | undefined {
  const h = stats.proxyHint;
  if (!h) return undefined;
  const others = h.addresses > 1 ? ` (and ${h.addresses - 1} other private address${h.addresses > 2 ? "es" : ""})` : "";
  return `${Math.round(h.share * 100)}% of requests come from ${h.remoteAddr}${others} with ${h.header} set: are you behind a proxy? see --trusted-proxies`;
}

export { RulePackError };
