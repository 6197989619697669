import type { Rca } from "../incident/incident.js";
import { evaluate } from "./decision-table.js";
import type { Window } from "./evidence.js";
import { RcaInput, RcaOptions } from "./rca-input.js";
import { scopeOf } from "./scope.js";
import { ResourceType, type Snapshot } from "./snapshot.js";
import { mapUpstream } from "./upstream-map.js";

function blindSpots(snapshot: Snapshot): string[] {
  return ResourceType.options.flatMap((type) => {
    const err = snapshot.unreadable.find((u) => u.resource === type);
    if (err) return [`${type}: could not be read${err.status ? ` (${err.status})` : ""}: ${err.message}`];
    return snapshot.present.includes(type) ? [] : [`${type}: not in the snapshot`];
  });
}

/**
 * Explain one reliability spike against a Kubernetes snapshot. Pure and deterministic: the
 * same snapshot and input give the same causes in the same order.
 */
export function analyzeReliability(snapshot: Snapshot, rawInput: RcaInput, opts?: RcaOptions): Rca {
  const input = RcaInput.parse(rawInput);
  const o = RcaOptions.parse(opts ?? {});
  const w: Window = { lo: input.windowStartMs - o.slackMs, hi: input.windowEndMs, startMs: input.windowStartMs, endMs: input.windowEndMs };
  const mapping = mapUpstream(snapshot, input.upstream, input.host);
  const scope = mapping.service ? scopeOf(snapshot, mapping.service) : undefined;
  const causes = evaluate({ scope, input, w, proxyReadTimeoutS: o.proxyReadTimeoutS, proxyConnectTimeoutS: o.proxyConnectTimeoutS });

  const spots = blindSpots(snapshot);
  if (!mapping.service) spots.push(`service mapping: ${mapping.note}`);

  const target = scope ? `${scope.ref.namespace}/${scope.ref.name}` : (input.upstream ?? input.host ?? "the upstream");
  const high = causes.filter((c) => c.confidence === "high");
  let summary: string;
  if (high.length > 0) {
    const also = high.slice(1).map((c) => c.cause);
    summary = `Likely cause for ${target}: ${high[0].cause} — ${high[0].summary}${also.length ? `; also ${also.join(", ")}` : ""}`;
  } else {
    const checked = scope
      ? `checked ${scope.pods.length} pod(s), ${scope.endpoints.length} endpoint object(s), ${scope.nodes.length} node(s), ${scope.events.length} event(s)`
      : mapping.note;
    const leads = causes.length ? `; weaker leads: ${causes.map((c) => `${c.cause} (${c.confidence})`).join(", ")}` : "";
    summary = `No high-confidence cause found for ${target} (${checked})${leads}`;
  }
  return {
    service: mapping.service ? { namespace: mapping.service.namespace, name: mapping.service.name, port: mapping.service.port } : undefined,
    causes,
    blindSpots: spots,
    summary,
  };
}
