/**
 * Severity levels in the seed's shape (`severity_levels: {P0: {name, description, response_time,
 * escalation_time, notifications}}`): how fast each severity must be answered and when an unacknowledged
 * incident escalates. serve reads them; the engine only assigns P0–P4.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseDuration, Severity } from "@edgeproof/engine";
import { yamlPositions } from "../../rule-tests/yaml-position.js";
import { parse as parseYaml } from "yaml";
import { UsageError } from "../../time-arg.js";

// `none` (or null / absent) means the level never escalates, like the seed's P4.
const Time = z.union([z.string(), z.null()]).refine((s) => s === null || s === "none" || parseDuration(s) !== undefined, "expected a duration such as 15m, 1h or 24h, or none");

const Level = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    response_time: Time.optional(),
    escalation_time: Time.optional(),
    notifications: z.array(z.string()).default([]),
  })
  .strict();

export const SeverityLevelsFile = z.object({ severity_levels: z.partialRecord(Severity, Level) }).strict();

export interface SeverityLevel {
  name: string;
  description?: string;
  responseMs?: number;
  escalationMs?: number;
  notifications: string[];
}
export type SeverityLevels = Record<Severity, SeverityLevel>;

/** The seed's defaults. */
export const DEFAULT_SEVERITY_LEVELS: SeverityLevels = {
  P0: { name: "Critical", description: "Active attack with impact or a full outage", responseMs: 15 * 60_000, escalationMs: 30 * 60_000, notifications: ["pagerduty", "slack", "email"] },
  P1: { name: "High", description: "Attack getting through or a major degradation", responseMs: 3_600_000, escalationMs: 2 * 3_600_000, notifications: ["pagerduty", "slack"] },
  P2: { name: "Medium", description: "Blocked attack or a partial degradation", responseMs: 4 * 3_600_000, escalationMs: 8 * 3_600_000, notifications: ["slack"] },
  P3: { name: "Low", description: "Reconnaissance or minor errors", responseMs: 24 * 3_600_000, escalationMs: 48 * 3_600_000, notifications: ["slack"] },
  P4: { name: "Info", description: "Noise worth a digest", notifications: ["email-digest"] },
};

/** Reads a severity-levels file; levels it leaves out keep the defaults. Errors name file:line:column. */
export function loadSeverityLevels(file: string): SeverityLevels {
  const text = readFileSync(file, "utf8");
  const r = SeverityLevelsFile.safeParse(parseYaml(text) ?? {});
  if (!r.success) {
    const at = yamlPositions(text);
    const lines = r.error.issues.map((i) => {
      const p = at(i.path as Array<string | number>);
      return `${file}:${p.line}:${p.col}: ${i.path.join(".")}: ${i.message}`;
    });
    throw new UsageError(`invalid severity levels\n${lines.join("\n")}`);
  }
  const out: SeverityLevels = { ...DEFAULT_SEVERITY_LEVELS };
  for (const [sev, l] of Object.entries(r.data.severity_levels) as Array<[Severity, z.infer<typeof Level>]>) {
    out[sev] = { name: l.name, description: l.description, responseMs: ms(l.response_time), escalationMs: ms(l.escalation_time), notifications: l.notifications };
  }
  return out;
}

function ms(t: string | null | undefined): number | undefined {
  return t === null || t === undefined || t === "none" ? undefined : parseDuration(t);
}
