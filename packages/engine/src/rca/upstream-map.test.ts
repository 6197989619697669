import { describe, expect, it } from "vitest";
import { parseSnapshot } from "./parse-snapshot.js";
import { mapUpstream } from "./upstream-map.js";

const svc = (namespace: string, name: string, ports: Array<{ name?: string; port: number }>) => ({ kind: "Service", metadata: { namespace, name }, spec: { selector: { app: name }, ports } });
const ing = (namespace: string, host: string, service: string, port: number) => ({
  kind: "Ingress", apiVersion: "networking.k8s.io/v1", metadata: { namespace, name: `${service}-ing` },
  spec: { rules: [{ host, http: { paths: [{ path: "/", backend: { service: { name: service, port: { number: port } } } }] } }] },
});
const snap = (...items: unknown[]) => parseSnapshot([{ name: "all.json", json: { kind: "List", items } }]).snapshot;

describe("mapUpstream", () => {
  it("finds the one split that names a Service, port by number or name", () => {
    const s = snap(svc("shop", "storefront-web", [{ name: "http", port: 80 }]), svc("shop-storefront", "other", [{ port: 80 }]));
    expect(mapUpstream(s, "shop-storefront-web-80", undefined).service).toEqual({ namespace: "shop", name: "storefront-web", port: "80" });
    expect(mapUpstream(s, "shop-storefront-web-http", undefined).service).toEqual({ namespace: "shop", name: "storefront-web", port: "http" });
    expect(mapUpstream(s, "shop-storefront-web-81", undefined).service).toBeUndefined();
  });

  it("lets the Ingress backend decide a truly ambiguous name, and says so when nothing decides", () => {
    const both = [svc("a-b", "c", [{ port: 80 }]), svc("a", "b-c", [{ port: 80 }])];
    const undecided = mapUpstream(snap(...both), "a-b-c-80", undefined);
    expect(undecided.service).toBeUndefined();
    expect(undecided.candidates.map((c) => `${c.namespace}/${c.name}`)).toEqual(["a-b/c", "a/b-c"]);
    expect(undecided.note).toMatch(/ambiguous/);
    expect(mapUpstream(snap(...both, ing("a", "x.example", "b-c", 80)), "a-b-c-80", undefined).service).toMatchObject({ namespace: "a", name: "b-c" });
  });

  it("maps Traefik, Istio and Contour names, and falls back to the Ingress host", () => {
    const s = snap(svc("shop", "web", [{ port: 8080 }]), ing("shop", "shop.example.com", "web", 8080));
    expect(mapUpstream(s, "shop-web-8080@kubernetes", undefined).service?.name).toBe("web");
    expect(mapUpstream(s, "outbound|8080||web.shop.svc.cluster.local", undefined).service).toEqual({ namespace: "shop", name: "web", port: "8080" });
    expect(mapUpstream(s, "shop/web/8080/da39a3ee5e", undefined).service).toEqual({ namespace: "shop", name: "web", port: "8080" });
    expect(mapUpstream(s, undefined, "shop.example.com")).toMatchObject({ via: "ingress-host", service: { name: "web" } });
    expect(mapUpstream(s, "upstream-default-backend", undefined).via).toBe("none");
  });
});
