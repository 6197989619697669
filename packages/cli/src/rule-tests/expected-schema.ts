import { z } from "zod";
import { IncidentKind, Outcome, Severity } from "@edgeproof/engine";

/** Key fields an expectation pins; fields left out match any value. */
export const KeyExpect = z
  .object({ clientIp: z.string().optional(), host: z.string().optional(), upstream: z.string().optional() })
  .strict();
export type KeyExpect = z.infer<typeof KeyExpect>;

const Bound = z.union([z.number(), z.object({ min: z.number().optional(), max: z.number().optional() }).strict()]);
export type Bound = z.infer<typeof Bound>;

/** Numeric incident metrics an expectation may bound. */
export const BoundedMetric = z.enum(["requests", "peakRps", "distinctPaths", "fiveXx", "errorRatio", "retries", "latencyP50", "latencyP95"]);
export type BoundedMetric = z.infer<typeof BoundedMetric>;

/**
 * A rule reference: the rule id alone, `pack/rule` or `kind/rule` (so `security/http-probing` and
 * `http-security/http-probing` both name the default probing rule).
 */
const RuleRef = z.string().regex(/^([a-z0-9-]+\/)?[a-z0-9][a-z0-9-]*$/, "expected RULE, PACK/RULE or KIND/RULE");

export const IncidentExpectation = z
  .object({
    rule: RuleRef,
    key: KeyExpect.optional(),
    severity: Severity.optional(),
    outcome: Outcome.optional(),
    /** Every rule that fired for the incident's key, `rule` among them (default: not checked). */
    findings: z.array(RuleRef).min(1).optional(),
    metrics: z.partialRecord(BoundedMetric, Bound).optional(),
    /** Exactly this many incidents must match (default: at least one). */
    count: z.number().int().min(1).optional(),
  })
  .strict();
export type IncidentExpectation = z.infer<typeof IncidentExpectation>;

/** An incident that must not appear; an empty object forbids every incident. */
export const AbsentExpectation = z
  .object({ rule: RuleRef.optional(), key: KeyExpect.optional(), kind: IncidentKind.optional() })
  .strict();
export type AbsentExpectation = z.infer<typeof AbsentExpectation>;

/**
 * What another tool decided for the same log (a CrowdSec hub test, a fail2ban filter test). The test fails
 * when edgeproof disagrees on a key and no difference explains why: differences are explained, not hidden.
 */
export const Reference = z
  .object({
    source: z.string(),
    /** Keys the reference flags (an overflow, a ban); empty means it flags none. */
    flags: z.array(KeyExpect),
    /** Keys the reference sees and explicitly does not flag. */
    clean: z.array(KeyExpect).default([]),
    /** Whether the reference makes a detection claim at all (a parser-only hub test does not). */
    scored: z.boolean().default(true),
    /**
     * What a verdict is about: `clients` (a hub scenario overflows for a source) or `lines` (a fail2ban filter
     * matches single lines; its jail bans later). Only client verdicts count as known attackers and benign
     * clients in the precision table.
     */
    judges: z.enum(["clients", "lines"]).default("clients"),
    /** Incident kind compared with the reference. */
    kind: IncidentKind.default("security"),
    differences: z.array(z.object({ key: KeyExpect, reason: z.string().min(1) }).strict()).default([]),
    note: z.string().optional(),
  })
  .strict();
export type Reference = z.infer<typeof Reference>;

/**
 * A client whose nature the test knows: a benign one (a crawler, a monitor, staff, an API client) must get
 * no security incident, an attacker at least one. Each names who it is, so a failure says which benign
 * actor a rule stopped protecting, and the report's precision table counts them.
 */
export const Actor = z
  .object({
    actor: z.string().min(1),
    role: z.enum(["benign", "attacker"]),
    key: KeyExpect,
  })
  .strict();
export type Actor = z.infer<typeof Actor>;

export const ExpectedFile = z
  .object({
    description: z.string().optional(),
    /** Log files relative to the test folder; default every *.log / *.log.gz in it. */
    input: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** Pack files or folders relative to the test folder, replacing the packs under test. */
    rules: z.array(z.string()).min(1).optional(),
    k8sSnapshot: z.string().optional(),
    host: z.string().optional(),
    logFormat: z.enum(["auto", "combined", "main", "upstreaminfo", "json"]).optional(),
    lateness: z.string().optional(),
    incidents: z.array(IncidentExpectation).default([]),
    absent: z.array(AbsentExpectation).default([]),
    /** When true (the default) an incident no expectation names fails the test. */
    exact: z.boolean().default(true),
    reference: Reference.optional(),
    actors: z.array(Actor).default([]),
  })
  .strict();
export type ExpectedFile = z.infer<typeof ExpectedFile>;
export type ExpectedInput = z.input<typeof ExpectedFile>;
