import type { Service, Snapshot } from "./snapshot.js";

/** A Kubernetes Service, and the port when the upstream names one. */
export interface ServiceRef {
  namespace: string;
  name: string;
  port?: string;
}

/** What {@link mapUpstream} found, how, and every candidate when it is ambiguous. */
export interface UpstreamMapping {
  service?: ServiceRef;
  /** Every Service the name could denote, sorted; more than one means the mapping is ambiguous. */
  candidates: ServiceRef[];
  via: "upstream-name" | "ingress-host" | "none";
  note: string;
}

const key = (r: ServiceRef) => `${r.namespace}/${r.name}:${r.port ?? ""}`;

function portMatches(svc: Service, port: string): boolean {
  return svc.ports.some((p) => p.name === port || String(p.port) === port);
}

/** Istio `outbound|80||web.shop.svc.cluster.local`, Contour `shop/web/80/<hash>`. */
function structuredName(upstream: string): ServiceRef | undefined {
  const istio = /^(?:outbound|inbound)\|(\d+)\|[^|]*\|([^.]+)\.([^.]+)\.svc(?:\..*)?$/.exec(upstream);
  if (istio) return { namespace: istio[3], name: istio[2], port: istio[1] };
  const contour = /^([a-z0-9-]+)\/([a-z0-9-]+)\/([a-z0-9-]+)(?:\/[0-9a-f]+)?$/.exec(upstream);
  if (contour) return { namespace: contour[1], name: contour[2], port: contour[3] };
  return undefined;
}

/**
 * ingress-nginx `<namespace>-<service>-<port>` (Traefik `...@provider` likewise): both names may
 * contain `-`, so enumerate every split and keep the ones that name a Service in the snapshot.
 */
function dashSplits(upstream: string): ServiceRef[] {
  const parts = upstream.replace(/@[a-z-]+$/, "").split("-");
  const out: ServiceRef[] = [];
  for (let a = 1; a < parts.length - 1; a++) {
    for (let b = a + 1; b < parts.length; b++) {
      out.push({ namespace: parts.slice(0, a).join("-"), name: parts.slice(a, b).join("-"), port: parts.slice(b).join("-") });
    }
  }
  return out;
}

function findService(snapshot: Snapshot, ref: ServiceRef): Service | undefined {
  return snapshot.services.find((s) => s.namespace === ref.namespace && s.name === ref.name);
}

function ingressBacked(snapshot: Snapshot, ref: ServiceRef, host?: string): boolean {
  return snapshot.ingresses.some(
    (ing) =>
      ing.namespace === ref.namespace &&
      ing.backends.some((b) => b.serviceName === ref.name && (host === undefined || b.host === undefined || b.host === host)),
  );
}

function fromUpstream(snapshot: Snapshot, upstream: string, host?: string): ServiceRef[] {
  const structured = structuredName(upstream);
  const guesses = structured ? [structured] : dashSplits(upstream);
  const known = guesses.filter((g) => {
    const svc = findService(snapshot, g);
    if (svc) return g.port === undefined || portMatches(svc, g.port);
    // A Service missing from the snapshot but named by an Ingress backend still identifies the target.
    return ingressBacked(snapshot, g, host);
  });
  const unique = new Map(known.map((k) => [key(k), k]));
  return [...unique.values()].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

function fromHost(snapshot: Snapshot, host: string): ServiceRef[] {
  const refs = snapshot.ingresses.flatMap((ing) =>
    ing.backends.filter((b) => b.host === host).map((b) => ({ namespace: ing.namespace, name: b.serviceName, port: b.servicePort })),
  );
  const unique = new Map(refs.map((r) => [key(r), r]));
  return [...unique.values()].sort((x, y) => (key(x) < key(y) ? -1 : 1));
}

/** Which Kubernetes Service an upstream name (or, failing that, an Ingress host) denotes in the snapshot. */
export function mapUpstream(snapshot: Snapshot, upstream: string | undefined, host: string | undefined): UpstreamMapping {
  if (upstream) {
    const candidates = fromUpstream(snapshot, upstream, host);
    if (candidates.length === 1) {
      return { service: candidates[0], candidates, via: "upstream-name", note: `upstream ${upstream} → Service ${candidates[0].namespace}/${candidates[0].name}` };
    }
    if (candidates.length > 1) {
      const backed = candidates.filter((c) => ingressBacked(snapshot, c, host));
      const chosen = backed.length === 1 ? backed[0] : undefined;
      const names = candidates.map((c) => `${c.namespace}/${c.name}`).join(", ");
      return chosen
        ? { service: chosen, candidates, via: "upstream-name", note: `upstream ${upstream} could be ${names}; the Ingress backend selects ${chosen.namespace}/${chosen.name}` }
        : { candidates, via: "none", note: `upstream ${upstream} is ambiguous (${names}) and no Ingress backend decides it` };
    }
  }
  if (host) {
    const candidates = fromHost(snapshot, host);
    if (candidates.length === 1) {
      return { service: candidates[0], candidates, via: "ingress-host", note: `host ${host} → Ingress backend ${candidates[0].namespace}/${candidates[0].name}` };
    }
    if (candidates.length > 1) {
      return { candidates, via: "none", note: `host ${host} routes to several Services (${candidates.map((c) => `${c.namespace}/${c.name}`).join(", ")})` };
    }
  }
  const what = upstream ? `upstream ${upstream}` : host ? `host ${host}` : "the incident (no upstream, no host)";
  return { candidates: [], via: "none", note: `${what} matches no Service or Ingress backend in the snapshot` };
}
