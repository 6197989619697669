import { z } from "zod";

/** For one rule, the closest a key came to firing without firing, and each condition's observed value. */
export const NearMiss = z.object({
  ruleId: z.string(),
  pack: z.string(),
  key: z.record(z.string(), z.string()),
  time: z.string(),
  /** min over conditions of observed/required: 1 would have fired. */
  closeness: z.number(),
  conditions: z.array(z.object({ condition: z.string(), observed: z.number(), required: z.number(), met: z.boolean() })),
});
export type NearMiss = z.infer<typeof NearMiss>;

/** How close a threshold came, in [0, 1]; 1 means met. */
export function closenessOf(observed: number, required: number, op: ">=" | ">" | "<=" | "<"): number {
  if (op === ">=" || op === ">") {
    if (required <= 0) return observed > required || (op === ">=" && observed === required) ? 1 : 0;
    const c = observed / required;
    return op === ">" && c === 1 ? 0.999 : Math.min(1, c);
  }
  if (observed <= 0) return 1;
  return Math.min(1, required / observed);
}

/** Keeps the N closest misses of one rule, deterministically ordered. */
export class NearMissBoard {
  private items: NearMiss[] = [];

  constructor(
    private readonly limit = 20,
    readonly minCloseness = 0.5,
  ) {}

  /** Keeps `m` if it is at least `minCloseness` close and among the `limit` closest so far. */
  offer(m: NearMiss): void {
    if (m.closeness < this.minCloseness) return;
    this.items.push(m);
    this.items.sort(compareNearMiss);
    if (this.items.length > this.limit) this.items.length = this.limit;
  }

  /** The kept misses, closest first. */
  list(): NearMiss[] {
    return this.items;
  }
}

function compareNearMiss(a: NearMiss, b: NearMiss): number {
  if (a.closeness !== b.closeness) return b.closeness - a.closeness;
  const ka = JSON.stringify(a.key);
  const kb = JSON.stringify(b.key);
  return ka < kb ? -1 : ka > kb ? 1 : a.time < b.time ? -1 : a.time > b.time ? 1 : 0;
}
