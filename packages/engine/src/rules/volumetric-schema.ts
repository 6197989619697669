import { z } from "zod";
import { Severity } from "../incident/incident.js";
import { parseDuration } from "../util/duration.js";

/**
 * The `volumetric` rule kind: a host's (or upstream's) request rate against its own trailing baseline in event
 * time, and the evidence that tells a flood from a flash crowd. Per-client rules cannot see 1,500 addresses that
 * each send 20 requests a minute; this rule counts the key, never the client, for its verdict.
 */

const Duration = z.string().refine((s) => parseDuration(s) !== undefined, { message: "expected a duration such as 500ms, 30s, 5m, 1h" });
const Share = z.number().min(0).max(1);

/** One attack-like signal: a share of the surge's requests, and how much it must exceed the same share in the baseline. */
const RisingShare = z
  .object({
    /** The surge's share at or above which the signal holds. */
    share: Share,
    /** The surge's share must also be at least this many times the baseline's share of the same values. */
    rise: z.number().min(1).default(2),
  })
  .strict();

/** The thresholds of the attack-like signals; a surge is attack-like when at least `minSignals` hold. */
export const VolumetricClassify = z
  .object({
    /** Independent signals that must agree before a surge is called attack-like (none decides alone). */
    minSignals: z.number().int().min(1).default(2),
    /** The `top` source prefixes (/24 IPv4, /48 IPv6) carry `share` of the surge, `rise` times their baseline share. */
    prefixes: RisingShare.extend({ top: z.number().int().min(1).max(50).default(5) }).strict(),
    /** One user agent (or requests without a browser's user agent) carries `share` of the surge. */
    userAgent: RisingShare,
    /** One path carries `share` of the surge. */
    path: RisingShare,
    /** The static-asset share fell below `below` × the baseline's, where the baseline fetched at least `baselineMin` assets. */
    assets: z.object({ baselineMin: Share, below: Share }).strict(),
    /** One path got at least `minDistinct` distinct query strings (tracking parameters left out) making up `share` of its requests. */
    cacheBusting: z.object({ minDistinct: z.number().int().min(1), share: Share }).strict(),
  })
  .strict();
export type VolumetricClassify = z.infer<typeof VolumetricClassify>;

/** A volumetric rule as written in a pack. */
export const VolumetricRule = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "ids are lower-case words joined by '-'"),
    name: z.string(),
    description: z.string().optional(),
    kind: z.literal("volumetric"),
    /** Category of an attack-like surge's security incident (an organic one is category `surge`). */
    category: z.string().default("flood"),
    enabled: z.boolean().default(true),
    disabledBecause: z.string().optional(),
    /** One key: the host or the upstream. */
    groupBy: z.tuple([z.enum(["host", "upstream"])]),
    /** The rate window: requests are counted in aligned buckets of this length. */
    window: Duration.default("1m"),
    baseline: z
      .object({
        /** The trailing baseline the rate is compared with: this many windows before the one evaluated. */
        window: Duration.default("30m"),
        /** No verdict before the baseline holds this much time with traffic (whole windows). */
        warmup: Duration.default("10m"),
      })
      .strict()
      .default({ window: "30m", warmup: "10m" }),
    when: z
      .object({
        /** Rate ≥ factor × the median rate of the baseline windows. */
        factor: z.number().min(1),
        /** And at least this many requests in one window, whatever the baseline. */
        minRequests: z.number().int().min(1),
      })
      .strict(),
    /** Time after the last window that held before the incident closes (default 5 windows). */
    cooldown: Duration.optional(),
    classify: VolumetricClassify,
    /** An attack-like surge's severity; `escalate.fiveXxRise` raises it when the 5xx share rose. */
    severity: Severity.default("P2"),
    escalate: z
      .object({
        /** Severity when the surge's 5xx share is at least `by` above the baseline's (absolute, 0.05 = 5 points). */
        fiveXxRise: z.object({ by: Share, severity: Severity }).strict().optional(),
      })
      .strict()
      .default({}),
    /** Severity of an organic surge's notice: P4 at most (never P0–P3, whatever is written). */
    surgeSeverity: z.literal("P4").default("P4"),
    recommendations: z.array(z.string()).default([]),
    runbook: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const w = parseDuration(r.window);
    const b = parseDuration(r.baseline.window);
    const wu = parseDuration(r.baseline.warmup);
    if (w === undefined || b === undefined || wu === undefined) return;
    if (b % w !== 0 || b < 3 * w) ctx.addIssue({ code: "custom", path: ["baseline", "window"], message: "the baseline must be a whole number of windows, at least 3" });
    if (wu > b) ctx.addIssue({ code: "custom", path: ["baseline", "warmup"], message: "the warm-up cannot be longer than the baseline" });
    if (wu < w) ctx.addIssue({ code: "custom", path: ["baseline", "warmup"], message: "the warm-up must hold at least one window" });
  });
export type VolumetricRule = z.infer<typeof VolumetricRule>;
