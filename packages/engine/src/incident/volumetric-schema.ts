import { z } from "zod";

/** A value's share of the surge's requests and of the baseline's (undefined when the baseline had none). */
const ShareRow = z.object({ value: z.string(), requests: z.number().int(), share: z.number(), baselineShare: z.number() });

/** One attack-like signal as it was judged when the surge opened. */
export const VolumetricSignal = z.object({
  signal: z.enum(["prefixes", "userAgent", "path", "assets", "cacheBusting"]),
  holds: z.boolean(),
  /** What was measured and what was required, in words with the figures. */
  detail: z.string(),
});
export type VolumetricSignal = z.infer<typeof VolumetricSignal>;

/**
 * What a volumetric incident measured: the rate against the key's baseline, and the surge's traffic against the
 * baseline's, with the signals that made the verdict. Shares are of requests, rounded to 4 places.
 */
export const VolumetricEvidence = z.object({
  verdict: z.enum(["attack-like", "organic"]),
  /** When and on how many requests the verdict was made (it fixes the incident's kind for its whole life). */
  classifiedAt: z.string(),
  classifiedOn: z.number().int(),
  signals: z.array(VolumetricSignal),
  rate: z.object({
    windowS: z.number(),
    baselineMedian: z.number(),
    baselineWindows: z.number().int(),
    baselineWindowsWithTraffic: z.number().int(),
    warmupWindows: z.number().int(),
    threshold: z.number(),
    peak: z.number().int(),
    peakAt: z.string(),
    /** Requests per window: the baseline's windows then the surge's, oldest first (`surge` marks windows that held). */
    timeline: z.array(z.object({ start: z.string(), requests: z.number().int(), surge: z.boolean() })),
  }),
  baselineRequests: z.number().int(),
  clients: z.object({ during: z.number().int(), newShare: z.number(), maxPerWindowDuring: z.number().int(), maxPerWindowBaseline: z.number().int() }),
  prefixes: z.array(ShareRow),
  /** Share of the surge the top prefixes (as many as the rule's `top`) carry, and those prefixes' baseline share. */
  topPrefixShare: z.object({ top: z.number().int(), share: z.number(), baselineShare: z.number() }),
  userAgents: z.array(ShareRow),
  browserShare: z.object({ during: z.number(), baseline: z.number() }),
  paths: z.array(ShareRow),
  assetShare: z.object({ during: z.number(), baseline: z.number() }),
  cacheBusting: z.object({ path: z.string(), distinctQueries: z.number().int(), requests: z.number().int() }).optional(),
  methods: z.array(z.object({ value: z.string(), requests: z.number().int() })),
  externalReferer: z.object({ during: z.number(), baseline: z.number(), top: z.array(z.object({ value: z.string(), requests: z.number().int() })) }),
  statusShare: z.object({
    before: z.object({ fiveXx: z.number(), tooMany: z.number(), unavailable: z.number() }),
    during: z.object({ fiveXx: z.number(), tooMany: z.number(), unavailable: z.number() }),
  }),
  upstreams: z.array(z.object({ value: z.string(), requests: z.number().int(), fiveXxShare: z.number() })),
  /** Fields whose distinct values passed a per-window cap: their shares are lower bounds for the values listed. */
  capped: z.array(z.string()),
});
export type VolumetricEvidence = z.infer<typeof VolumetricEvidence>;
