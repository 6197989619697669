import { z } from "zod";
import { Severity, IncidentKind } from "../incident/incident.js";
import { parseDuration } from "../util/duration.js";
import { VolumetricRule } from "./volumetric-schema.js";

export { VolumetricRule, VolumetricClassify } from "./volumetric-schema.js";

/** A duration in a rule pack: `500ms`, `60s`, `5m`, `1h`, `7d`. */
export const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: "expected a duration such as 500ms, 30s, 5m, 1h" });

/** HTTPEvent fields a predicate or groupBy may name, plus derived ones. */
export const EventField = z.enum([
  "clientIp",
  "host",
  "method",
  "path",
  "query",
  "protocol",
  "status",
  "bytes",
  "requestLength",
  "requestTime",
  "userAgent",
  "referer",
  "upstream",
  "upstreamStatus",
  "upstreamAddr",
  "uri",
  "static",
  "malformedRequest",
  "absoluteUri",
  "signature",
  /** The version of the request line: `1.1`, `0.9` for a line without one, or whatever an invalid line says. */
  "httpVersion",
  /** `uri` percent-decoded (Go's url.PathUnescape; left as is when an escape is invalid). */
  "uriDecoded",
  /** `uri` decoded as a query string (url.QueryUnescape: `+` is a space too). */
  "uriFormDecoded",
  /** The last path segment (`file_name` of CrowdSec's http-logs parser), its extension with the dot, the name without it, and the directory up to the last `/`. */
  "fileName",
  "fileExt",
  "fileFrag",
  "fileDir",
  /** Length of the query string, 0 without one. */
  "queryLength",
]);
export type EventField = z.infer<typeof EventField>;

/** How a predicate compares an event field with its value(s). */
export const Operator = z.enum(["equals", "contains", "regex", "gt", "lt", "gte", "lte", "in", "notIn", "startsWith", "endsWith"]);

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A rule's match condition on one event field (`not` inverts it); an event must meet every predicate. */
export const Predicate = z
  .object({
    field: EventField,
    op: Operator,
    value: z.union([Scalar, z.array(Scalar)]),
    not: z.boolean().optional(),
  })
  .strict();
export type Predicate = z.infer<typeof Predicate>;

/** Where a rule was translated from (e.g. a CrowdSec hub scenario), cited in its proof. */
export const RuleOrigin = z
  .object({
    /** The origin's name, e.g. `crowdsecurity/CVE-2022-26134`. */
    name: z.string(),
    /** `file:line` of the definition the rule was generated from. */
    source: z.string(),
    label: z.string().optional(),
    cves: z.array(z.string()).default([]),
    behavior: z.string().optional(),
    confidence: z.number().optional(),
    /** How the translation differs from the original, when it does. */
    approximations: z.array(z.string()).default([]),
  })
  .strict();
export type RuleOrigin = z.infer<typeof RuleOrigin>;

/**
 * Metrics over the events of one key inside the window:
 * `count`, `peakRps` (events in the trailing 1 s), `distinct(<field>)`, `signatureHits`,
 * `signatureHits(<class>)`, `statusClass(<4xx|5xx|...>)`, `ratio(<statusClass>)`, `p50(<field>)`, `p95(<field>)`,
 * and `share` (with `of`): the matched events' share of the key's traffic that passes `of`.
 */
export const MetricExpr = z
  .string()
  .regex(
    /^(count|peakRps|signatureHits|share|distinct\([a-zA-Z]+\)|signatureHits\([a-z0-9-]+\)|statusClass\([1-5]xx\)|ratio\([1-5]xx\)|p50\([a-zA-Z]+\)|p95\([a-zA-Z]+\))$/,
    "expected count, peakRps, signatureHits, signatureHits(class), share, distinct(field), statusClass(5xx), ratio(5xx), p50(field) or p95(field)",
  );

const ThresholdShape = z
  .object({
    metric: MetricExpr,
    op: z.enum([">=", ">", "<=", "<"]).default(">="),
    value: z.number(),
    /**
     * For `share`: the traffic the matched events are a share of (predicates, all must hold). The share is
     * matched / (matched + the key's other events passing `of`), counted from the oldest matched event still
     * in the window: the client's traffic while it was doing what the rule counts.
     */
    of: z.array(Predicate).min(1).optional(),
  })
  .strict();

const shareNeedsOf = (t: z.infer<typeof ThresholdShape>, ctx: z.RefinementCtx) => {
  if (t.metric === "share" && !t.of) ctx.addIssue({ code: "custom", path: ["of"], message: "share needs `of`: the traffic it is a share of" });
  if (t.metric !== "share" && t.of) ctx.addIssue({ code: "custom", path: ["of"], message: "`of` only applies to the share metric" });
};

/** A condition over a key's window, e.g. `{ metric: "distinct(path)", op: ">=", value: 10 }`. */
export const Threshold = ThresholdShape.superRefine(shareNeedsOf);
export type Threshold = z.infer<typeof Threshold>;

/** Raises an incident's severity when its outcome or a further threshold says it is worse. */
export const Escalation = z
  .object({
    severity: Severity,
    /** Raise when the incident's outcome is one of these (security). */
    outcome: z.array(z.enum(["blocked", "partial", "impact"])).optional(),
    /** Raise when this threshold holds over the incident's peak window (reliability). */
    when: ThresholdShape.omit({ of: true })
      .extend({ metric: MetricExpr.refine((m) => m !== "share", { message: "share is a firing condition, not an escalation" }) })
      .strict()
      .optional(),
  })
  .strict();

/** Refused wherever a rule or runbook asks edgeproof to act: it renders manual steps and runs nothing. */
export const NEVER_EXECUTES = "edgeproof never executes actions: remove it and describe the fix as manual runbook steps";
const RunbookName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "runbook names are lower-case words joined by '-'");
// `autoRemediate: false` is accepted so seed rules that spell the default out still load.
const AutoRemediate = z.literal(false, { error: NEVER_EXECUTES });

/** A rule in the rich shape: which events, grouped by which key, over which window, firing on which thresholds. */
export const Rule = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "ids are lower-case words joined by '-'"),
    name: z.string(),
    description: z.string().optional(),
    kind: IncidentKind,
    category: z.string(),
    enabled: z.boolean().default(true),
    /** Why a pack ships the rule disabled (lint warns about a disabled rule without one). */
    disabledBecause: z.string().optional(),
    match: z.array(Predicate).default([]),
    groupBy: z.array(z.enum(["clientIp", "host", "upstream"])).min(1),
    window: Duration,
    cooldown: Duration.optional(),
    when: z
      .array(Threshold)
      .min(1)
      .refine((ts) => ts.filter((t) => t.metric === "share").length <= 1, { message: "at most one share condition per rule" }),
    /**
     * Counts an event only while its host has answered nobody 2xx/3xx, on the same path (`by: path`) or the
     * same first path segment (`by: firstSegment`, the root of a panel or app), within `within` before it.
     * "Answered" is judged over the requests that pass this rule's predicates on fields other than status and
     * method: an admin panel that answers its staff exists, so their 401/403/404 on it are not probes for it.
     */
    skipAnswered: z.object({ by: z.enum(["path", "firstSegment"]), within: Duration }).strict().optional(),
    severity: Severity,
    escalate: z.array(Escalation).default([]),
    recommendations: z.array(z.string()).default([]),
    /** A runbook of manual steps (serve renders it as a fix preview; nothing runs). */
    runbook: RunbookName.optional(),
    autoRemediate: AutoRemediate.optional(),
    origin: RuleOrigin.optional(),
  })
  .strict();
export type Rule = z.infer<typeof Rule>;

/** The seed detection-rule shape, accepted as-is and normalised into a Rule. */
export const SeedRule = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    kind: IncidentKind.default("security"),
    category: z.string(),
    enabled: z.boolean().default(true),
    defaultSeverity: Severity,
    detection: z
      .object({
        source: z.literal("http").optional(),
        pattern: z
          .array(
            z
              .object({
                field: EventField,
                operator: z.enum(["equals", "contains", "regex", "gt", "lt", "in"]),
                value: z.union([Scalar, z.array(Scalar)]),
              })
              .strict(),
          )
          .default([]),
        threshold: z.object({ count: z.number().int().positive(), window: Duration }).strict(),
        correlate: z.object({ field: z.enum(["clientIp", "host", "upstream"]), within: Duration.optional() }).strict().optional(),
      })
      .strict(),
    recommendations: z.array(z.string()).default([]),
    runbook: RunbookName.optional(),
    autoRemediate: AutoRemediate.optional(),
  })
  .strict();
export type SeedRule = z.infer<typeof SeedRule>;

/** A named list of entries (inline or from a file) that signature classes match against. */
export const ListSpec = z
  .object({
    /** Inline entries. */
    items: z.array(z.string()).optional(),
    /** A list file, resolved by the caller relative to the pack (one entry a line, `#` comments). */
    file: z.string().optional(),
    /**
     * How an entry matches the field: `contains` (case-insensitive substring), `exact`, `prefix`, `suffix`,
     * `segment` (a whole path segment), `token` (a whole product token or word: not preceded or followed by a
     * letter, digit or `_`, so `oBot` does not match inside `UptimeRobot`), `regex`.
     */
    match: z.enum(["contains", "exact", "prefix", "suffix", "segment", "token", "regex"]).default("contains"),
    caseSensitive: z.boolean().default(false),
    /** For JSON-lines list files: the key holding the entry, and optionally the key holding its match type. */
    jsonKey: z.string().optional(),
    jsonMatchKey: z.string().optional(),
  })
  .strict()
  .refine((l) => (l.items ? 1 : 0) + (l.file ? 1 : 0) === 1, { message: "a list needs exactly one of items or file" });
export type ListSpec = z.infer<typeof ListSpec>;

/** Fields a signature list is matched against. */
export const SignatureField = z.enum(["path", "uri", "query", "userAgent", "referer", "method", "uriDecoded", "uriFormDecoded", "fileName", "fileExt", "fileFrag", "fileDir"]);
export type SignatureField = z.infer<typeof SignatureField>;

/**
 * Requests no security rule of any pack should see (CrowdSec's application whitelists): an application's
 * own traffic that looks like probing. Like a CrowdSec whitelist parser, it drops the event before every
 * security rule, whichever pack the rule is in; reliability rules still count it.
 */
export const Exclusion = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    reason: z.string(),
    /** `file:line` it was generated from, when it was. */
    source: z.string().optional(),
    /** Every predicate must hold (a whitelist's alternatives are exclusions of their own). */
    match: z.array(Predicate).min(1),
  })
  .strict();
export type Exclusion = z.infer<typeof Exclusion>;

/** A signature class: events whose field matches the list get the class (counted by signatureHits). */
export const SignatureSpec = z
  .object({
    /** One list or several (their entries are tried in order). */
    list: z.union([z.string(), z.array(z.string()).min(1)]),
    fields: z.array(SignatureField).min(1),
    /** Exploit classes make a 2xx answer count as impact rather than partial. */
    exploit: z.boolean().default(false),
  })
  .strict();
export type SignatureSpec = z.infer<typeof SignatureSpec>;

/** A rule pack as written in YAML (`apiVersion: edgeproof/v1`); its JSON Schema is rules/schema.json. */
export const RulePack = z
  .object({
    apiVersion: z.literal("edgeproof/v1"),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string(),
    description: z.string().optional(),
    lists: z.record(z.string(), ListSpec).default({}),
    signatures: z.record(z.string().regex(/^[a-z0-9-]+$/), SignatureSpec).default({}),
    exclusions: z.array(Exclusion).default([]),
    rules: z.array(z.union([Rule, SeedRule, VolumetricRule])),
  })
  .strict();
/** A rule pack as it may be written, defaults omitted. */
export type RulePackInput = z.input<typeof RulePack>;

/** The pack with its rules left unchecked, so each rule is validated against the one shape it claims. */
export const RulePackShell = RulePack.extend({ rules: z.array(z.record(z.string(), z.unknown())) });
