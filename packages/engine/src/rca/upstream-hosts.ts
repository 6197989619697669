import { ownCopy } from "../util/own-copy.js";
import type { Snapshot } from "./snapshot.js";
import { mapUpstream } from "./upstream-map.js";

/**
 * The virtual host(s) an upstream is served under, read from the Ingress rules that route to its Service
 * (ingress-nginx `upstreaminfo` lines log `$proxy_upstream_name` but no Host). `*` stands for a rule without
 * a host, which matches any. Undefined when the upstream maps to no Service.
 */
export function hostsOfUpstream(snapshot: Snapshot, upstream: string): string[] | undefined {
  const ref = mapUpstream(snapshot, upstream, undefined).service;
  if (!ref) return undefined;
  const svc = snapshot.services.find((s) => s.namespace === ref.namespace && s.name === ref.name);
  // `http` and `80` name the same Service port; an Ingress may use either.
  const same = (a: string | undefined, b: string | undefined) => {
    if (a === undefined || b === undefined || a === b) return true;
    const port = svc?.ports.find((p) => p.name === a || String(p.port) === a);
    return port !== undefined && (port.name === b || String(port.port) === b);
  };
  const hosts = snapshot.ingresses
    .filter((ing) => ing.namespace === ref.namespace)
    .flatMap((ing) => ing.backends.filter((b) => b.serviceName === ref.name && same(b.servicePort, ref.port)).map((b) => b.host ?? "*"));
  return [...new Set(hosts)].sort();
}

/**
 * For the pipeline: the one host behind an upstream, or undefined when there is none or several (then the
 * line's host stays unknown rather than guessed; the RCA says which hosts it could be). Memoized per name.
 */
export function upstreamHostResolver(snapshot: Snapshot): (upstream: string) => string | undefined {
  const memo = new Map<string, string | undefined>();
  return (upstream) => {
    if (memo.has(upstream)) return memo.get(upstream);
    const hosts = hostsOfUpstream(snapshot, upstream);
    const one = hosts?.length === 1 && hosts[0] !== "*" ? hosts[0] : undefined;
    // The name may be a slice of a whole log chunk: the memo must not keep the chunk alive.
    memo.set(ownCopy(upstream), one);
    return one;
  };
}
