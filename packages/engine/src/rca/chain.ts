import type { RcaCause, RcaFinding } from "../incident/incident.js";
import type { Cause, Confidence, Found, RuleContext } from "./cause.js";
import { hms } from "./evidence.js";
import type { RcaInput } from "./rca-input.js";

/**
 * Ranks findings as causal chains. A link from A to B holds when A's evidence overlaps the spike, A's own
 * tie to B holds (shared pods, owner references, the Service's selector) and A began before B was last seen.
 * Each finding follows the deepest cause that links to it; a finding nothing links to is a root. Chains are
 * ranked by their best confidence, then the root's, then table order; each root comes first, its symptoms
 * after it with `because` naming the cause they follow from.
 */

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

interface Edge {
  from: Found;
  tie: string[];
}

function timing(from: Found, to: Found): string | undefined {
  if (from.startMs === undefined || to.startMs === undefined) return undefined;
  return `${from.cause} from ${hms(from.startMs)}, ${to.cause} from ${hms(to.startMs)}`;
}

/** A cause cannot begin after its symptom was last seen. */
const precedes = (from: Found, to: Found) => from.startMs === undefined || to.endMs === undefined || from.startMs <= to.endMs;

/** What the clients saw, as the chain's last step: `503 from ingress-nginx`. */
export function clientSymptom(input: RcaInput, proxy: string): string {
  const top = Object.entries(input.statusCounts)
    .filter(([k]) => /^5\d\d$/.test(k))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (!top) return `errors at ${proxy}`;
  const [code, n] = top;
  // 502 and 504 are the proxy's own answers (refused, reset, timed out); others the upstream sent when it logged them.
  const fromUpstream = code !== "502" && code !== "504" && (input.upstreamStatusCounts[code] ?? 0) * 2 >= n;
  return `${code} from ${fromUpstream ? "the upstream" : proxy}`;
}

export function rankChains(found: Found[], causes: readonly Cause[], ctx: RuleContext, symptom: string): { causes: RcaFinding[]; chains: string[] } {
  const byCause = new Map<RcaCause, Found>(found.map((f) => [f.cause, f]));
  const incoming = new Map<Found, Edge[]>();
  for (const from of found) {
    if (!from.overlapping) continue;
    for (const link of causes[from.order].leadsTo) {
      const to = byCause.get(link.to);
      if (!to || to === from || !precedes(from, to)) continue;
      const tie = link.tie(from, to, ctx);
      if (!tie) continue;
      const when = timing(from, to);
      incoming.set(to, [...(incoming.get(to) ?? []), { from, tie: when ? [...tie, when] : tie }]);
    }
  }

  // Depth = longest chain of causes above a finding; the links form no cycle, the guard keeps it so.
  const depth = new Map<Found, number>();
  const depthOf = (f: Found, seen: Set<Found>): number => {
    const known = depth.get(f);
    if (known !== undefined) return known;
    if (seen.has(f)) return 0;
    seen.add(f);
    const d = Math.max(-1, ...(incoming.get(f) ?? []).map((e) => depthOf(e.from, seen))) + 1;
    seen.delete(f);
    depth.set(f, d);
    return d;
  };
  const parent = new Map<Found, Edge>();
  for (const f of found) {
    const edges = [...(incoming.get(f) ?? [])].sort((a, b) => depthOf(b.from, new Set()) - depthOf(a.from, new Set()) || a.from.order - b.from.order);
    if (edges.length) parent.set(f, edges[0]);
  }
  const children = new Map<Found, Found[]>();
  const byRank = (a: Found, b: Found) => RANK[a.finding.confidence] - RANK[b.finding.confidence] || a.order - b.order;
  for (const [child, edge] of parent) children.set(edge.from, [...(children.get(edge.from) ?? []), child]);
  for (const list of children.values()) list.sort(byRank);

  const tree = (f: Found): Found[] => [f, ...(children.get(f) ?? []).flatMap(tree)];
  const best = (f: Found) => Math.min(...tree(f).map((x) => RANK[x.finding.confidence]));
  const roots = found.filter((f) => !parent.has(f)).sort((a, b) => best(a) - best(b) || byRank(a, b));

  const out: RcaFinding[] = [];
  const chains: string[] = [];
  for (const root of roots) {
    for (const f of tree(root)) {
      const edge = parent.get(f);
      out.push(edge ? { ...f.finding, because: edge.from.cause, link: edge.tie } : f.finding);
    }
    if (best(root) === RANK.low) continue;
    const path = [root];
    for (let next = children.get(root)?.[0]; next; next = children.get(next)?.[0]) path.push(next);
    chains.push([...path.map((f) => f.draft.label), symptom].join(" → "));
  }
  return { causes: out, chains };
}
