import { readFileSync } from "node:fs";
import { LokiClient, type LokiStats } from "@edgeproof/loki-adapter";
import type { Pipeline } from "@edgeproof/engine";
import { UsageError } from "../time-arg.js";

export interface LokiOptions {
  loki: string;
  query?: string[];
  orgId?: string;
  bearerTokenFile?: string;
  basicAuthFile?: string;
  /** Stream label that carries the virtual host (copied to the event's host when the line has none). */
  hostLabel: string;
}

export function lokiClient(o: LokiOptions): LokiClient {
  if (!o.query?.length) throw new UsageError("--loki needs at least one --query, e.g. --query '{namespace=\"ingress-nginx\"}'");
  let basicAuth: { user: string; password: string } | undefined;
  if (o.basicAuthFile) {
    const text = readFileSync(o.basicAuthFile, "utf8").trim();
    const colon = text.indexOf(":");
    if (colon < 0) throw new UsageError(`${o.basicAuthFile}: expected "user:password"`);
    basicAuth = { user: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  return new LokiClient({
    url: o.loki,
    orgId: o.orgId,
    bearerToken: o.bearerTokenFile ? readFileSync(o.bearerTokenFile, "utf8").trim() : undefined,
    basicAuth,
  });
}

/**
 * Pulls [start, end) into the pipeline. Entries are numbered in pull order (forward, timestamp order), so a
 * Loki run and a run over the same lines from stdin number lines alike and produce the same incidents.
 */
export async function pullInto(pipeline: Pipeline, client: LokiClient, o: LokiOptions, start: number, end: number, firstLine = 1): Promise<{ stats: LokiStats; nextLine: number }> {
  let lineNo = firstLine;
  for await (const batch of client.pull({ query: o.query!, start, end })) {
    for (const entry of batch.entries) {
      const labels = { ...entry.labels };
      const host = entry.labels[o.hostLabel];
      if (host !== undefined) labels.host = host;
      else delete labels.host;
      pipeline.pushLine(entry.line, lineNo++, { labels });
    }
  }
  return { stats: client.stats, nextLine: lineNo };
}
