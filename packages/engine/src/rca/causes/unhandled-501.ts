import type { Cause, Draft, RuleContext } from "../cause.js";
import { timed } from "../evidence.js";
import { fiveXx, status, target, windowIso } from "../facts.js";

/** The upstream itself answers 501 on routes it does not implement. */
function detect(ctx: RuleContext): Draft | undefined {
  const { input, scope } = ctx;
  const c501 = status(input, 501);
  const fromUpstream = input.upstreamStatusCounts["501"] ?? 0;
  if (c501 === 0 || fromUpstream === 0) return undefined;
  const tgt = target(scope, input);
  const paths = [...input.paths501].sort();
  const dominant = c501 * 2 >= fiveXx(input);
  return {
    summary: `${tgt} answers 501 Not Implemented on ${paths.length} route(s): ${paths.slice(0, 5).join(", ")}`,
    label: `501 on ${paths.length} route(s)`,
    evidence: [timed({ kind: "access-log", name: input.upstream ?? tgt, field: "upstream_status", value: `501 ×${fromUpstream} on ${paths.join(", ")}`, time: windowIso(input).from }, windowIso(input))],
    counterEvidence: dominant ? [] : [`501 is ${c501} of ${fiveXx(input)} 5xx`],
    recommendations: [`${paths.join(", ")} reach ${tgt} but are not implemented there: implement them, or stop routing them (a client newer than the backend, or a scanner)`],
    pods: [],
    grade: () => (dominant ? "high" : "medium"),
  };
}

export const unhandled501: Cause = { id: "unhandled-501", reads: [], detect, leadsTo: [] };
