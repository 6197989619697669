import { describe, expect, it } from "vitest";
import { analyzeReliability } from "./analyze.js";
import { parseSnapshot } from "./parse-snapshot.js";
import { hostsOfUpstream, upstreamHostResolver } from "./upstream-hosts.js";

const svc = (namespace: string, name: string) => ({ kind: "Service", metadata: { namespace, name }, spec: { selector: { app: name }, ports: [{ name: "http", port: 80 }] } });
const rule = (host: string | undefined, service: string, port: { number?: number; name?: string }) => ({
  ...(host ? { host } : {}),
  http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service, port } } }] },
});
const ing = (namespace: string, name: string, rules: unknown[]) => ({ kind: "Ingress", apiVersion: "networking.k8s.io/v1", metadata: { namespace, name }, spec: { rules } });
const snap = (...items: unknown[]) => parseSnapshot([{ name: "all.json", json: { kind: "List", items } }]).snapshot;

describe("the host behind an upstream", () => {
  it("maps $proxy_upstream_name through the Ingress rules, port by number or name", () => {
    const s = snap(svc("shop", "web"), svc("shop", "api"), ing("shop", "shop", [rule("shop.example.com", "web", { number: 80 }), rule("api.example.com", "api", { name: "http" })]));
    expect(hostsOfUpstream(s, "shop-web-80")).toEqual(["shop.example.com"]);
    expect(hostsOfUpstream(s, "shop-api-80")).toEqual(["api.example.com"]);
    const resolve = upstreamHostResolver(s);
    expect(resolve("shop-web-80")).toBe("shop.example.com");
    expect(resolve("shop-api-http")).toBe("api.example.com");
    expect(resolve("shop-nope-80")).toBeUndefined();
  });

  it("does not guess when one Service is behind several hosts, or behind a rule for any host", () => {
    const s = snap(svc("shop", "web"), ing("shop", "a", [rule("www.example.com", "web", { number: 80 })]), ing("shop", "b", [rule("shop.example.com", "web", { number: 80 })]));
    expect(hostsOfUpstream(s, "shop-web-80")).toEqual(["shop.example.com", "www.example.com"]);
    expect(upstreamHostResolver(s)("shop-web-80")).toBeUndefined();
    const any = snap(svc("shop", "web"), ing("shop", "a", [rule(undefined, "web", { number: 80 })]));
    expect(hostsOfUpstream(any, "shop-web-80")).toEqual(["*"]);
    expect(upstreamHostResolver(any)("shop-web-80")).toBeUndefined();
  });
});

describe("the RCA of an upstream behind several hosts", () => {
  it("names the hosts instead of picking one", () => {
    const s = snap(svc("shop", "web"), ing("shop", "a", [rule("www.example.com", "web", { number: 80 })]), ing("shop", "b", [rule("shop.example.com", "web", { number: 80 })]));
    const q = { p50: 0.01, p95: 0.02, max: 0.03 };
    const input = { upstream: "shop-web-80", windowStartMs: 0, windowEndMs: 60_000, statusCounts: { "500": 30 }, upstreamStatusCounts: { "500": 30 }, upstreamAddrs: [], requestTimes: q, upstreamResponseTimes: q, attemptsPerRequestMax: 1, paths501: [], noEndpointSignals: 0 };
    expect(analyzeReliability(s, input).blindSpots).toContain(
      "host: upstream shop-web-80 is routed from 2 hosts (shop.example.com, www.example.com); a line that logs no Host is not given one of them (host=-) rather than a guess",
    );
    expect(analyzeReliability(s, { ...input, host: "www.example.com" }).blindSpots.some((b) => b.startsWith("host:"))).toBe(false);
  });
});
