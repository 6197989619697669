import type { Incident } from "@edgeproof/engine";
import type { Actor, ExpectedFile } from "./expected-schema.js";
import { describeKey, keyMatches } from "./match.js";

/** What the security incidents of one run did to one known client. */
export interface ActorVerdict {
  actor: string;
  role: Actor["role"];
  key: string;
  /** Security incidents on the client, and the distinct (clientIp, host) keys they sit on. */
  incidents: number;
  keys: number;
  rules: string[];
}

/**
 * The known clients of a test: its `actors`, and for a scored security reference that judges clients the
 * keys it flags (attackers) and the keys it says are clean (benign). Keys the reference merely does not flag
 * are not called benign: a narrower scenario missing an attacker does not make it one.
 */
export function knownActors(e: ExpectedFile): Actor[] {
  const out = [...e.actors];
  const ref = e.reference;
  if (ref?.scored && ref.kind === "security" && ref.judges === "clients") {
    for (const key of ref.flags) out.push({ actor: `flagged by ${ref.source}`, role: "attacker", key });
    for (const key of ref.clean) out.push({ actor: `clean in ${ref.source}`, role: "benign", key });
  }
  return out;
}

export function judgeActors(actors: Actor[], incidents: Incident[]): ActorVerdict[] {
  const security = incidents.filter((i) => i.kind === "security");
  return actors.map((a) => {
    const hits = security.filter((i) => keyMatches(a.key, i.key));
    return {
      actor: a.actor,
      role: a.role,
      key: describeKey(a.key),
      incidents: hits.length,
      keys: new Set(hits.map((i) => `${i.key.clientIp}\u0000${i.key.host}`)).size,
      rules: [...new Set(hits.map((i) => i.ruleId))].sort(),
    };
  });
}

/** Why a verdict fails its test, if it does. */
export function actorProblem(v: ActorVerdict): string | undefined {
  if (v.role === "benign" && v.incidents) return `benign actor "${v.actor}" (${v.key}) got ${v.incidents} security incident(s): ${v.rules.join(", ")}`;
  if (v.role === "attacker" && !v.incidents) return `attacker "${v.actor}" (${v.key}) was not found`;
  return undefined;
}

export interface CorpusPrecision {
  corpus: string;
  attackers: number;
  found: number;
  benign: number;
  flagged: number;
  /** Security incidents on attackers per attacking (clientIp, host). */
  incidentsPerAttacker: number | undefined;
}

/** One row per corpus: the verdicts of its tests, summed. */
export function corpusPrecision(corpus: string, verdicts: ActorVerdict[]): CorpusPrecision {
  const attackers = verdicts.filter((v) => v.role === "attacker");
  const benign = verdicts.filter((v) => v.role === "benign");
  const found = attackers.filter((v) => v.incidents > 0);
  const keys = found.reduce((n, v) => n + v.keys, 0);
  return {
    corpus,
    attackers: attackers.length,
    found: found.length,
    benign: benign.length,
    flagged: benign.filter((v) => v.incidents > 0).length,
    incidentsPerAttacker: keys ? found.reduce((n, v) => n + v.incidents, 0) / keys : undefined,
  };
}
