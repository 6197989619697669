import type { Incident } from "@edgeproof/engine";
import type { KeyExpect, Reference } from "./expected-schema.js";
import { describeKey, findingRules, keyMatches } from "./match.js";

export interface KeyVerdict {
  key: string;
  reference: boolean;
  edgeproof: boolean;
  /** Rules that flagged the key in edgeproof. */
  rules: string[];
  agree: boolean;
  reason?: string;
}

export interface Agreement {
  source: string;
  scored: boolean;
  note?: string;
  keys: KeyVerdict[];
  agree: boolean;
  /** Disagreements with no recorded reason: the test fails on them. */
  unexplained: string[];
  /** Recorded reasons for keys that now agree: stale notes fail too, so the table stays true. */
  stale: string[];
}

/**
 * Compares edgeproof's incidents of the reference's kind with the keys the reference flags, key by key,
 * projected onto the key fields the reference uses (a hub test knows source IPs, not hosts).
 */
export function agreement(ref: Reference, incidents: Incident[]): Agreement {
  const fields = new Set<keyof KeyExpect>();
  for (const k of [...ref.flags, ...ref.clean, ...ref.differences.map((d) => d.key)]) for (const f of Object.keys(k) as Array<keyof KeyExpect>) fields.add(f);
  if (!fields.size) fields.add("clientIp");
  const project = (k: KeyExpect): KeyExpect => Object.fromEntries([...fields].filter((f) => k[f] !== undefined).map((f) => [f, k[f]]));

  const relevant = incidents.filter((i) => i.kind === ref.kind);
  const keys = new Map<string, KeyExpect>();
  for (const k of [...ref.flags, ...ref.clean]) keys.set(describeKey(project(k)), project(k));
  for (const i of relevant) keys.set(describeKey(project(i.key)), project(i.key));

  const verdicts: KeyVerdict[] = [];
  for (const [text, k] of [...keys].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const reference = ref.flags.some((f) => keyMatches(project(f), k) && keyMatches(k, project(f)));
    const hits = relevant.filter((i) => keyMatches(k, i.key));
    const edgeproof = hits.length > 0;
    const agree = reference === edgeproof;
    const reason = ref.differences.find((d) => keyMatches(project(d.key), k) && keyMatches(k, project(d.key)))?.reason;
    verdicts.push({ key: text, reference, edgeproof, rules: [...new Set(hits.flatMap(findingRules))].sort(), agree, reason });
  }
  const scored = ref.scored;
  return {
    source: ref.source,
    scored,
    note: ref.note,
    keys: verdicts,
    agree: verdicts.every((v) => v.agree),
    unexplained: scored ? verdicts.filter((v) => !v.agree && !v.reason).map((v) => v.key) : [],
    stale: scored ? ref.differences.map((d) => describeKey(project(d.key))).filter((t) => !verdicts.some((v) => v.key === t && !v.agree)) : [],
  };
}
