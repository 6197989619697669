import { fnv1a64 } from "../util/hash.js";

/** Stable id: the same pack, rule, key and open time always give the same id, in any run or runtime. */
export function incidentId(pack: string, ruleId: string, key: string, openedAt: number): string {
  return fnv1a64(`${pack}\u0000${ruleId}\u0000${key}\u0000${openedAt}`).slice(0, 12);
}
