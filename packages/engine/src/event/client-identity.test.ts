import { describe, expect, it } from "vitest";
import { parseLine } from "../parse/index.js";
import { ClientResolver, ProxyHintCounter, parseTrustedProxies } from "./client-identity.js";
import type { HTTPEvent } from "./http-event.js";

function resolver(...trusted: string[]): ClientResolver {
  const r = parseTrustedProxies(trusted);
  if ("invalid" in r) throw new Error(r.invalid);
  return new ClientResolver(r);
}

/** An nginx `main` line: remote_addr plus X-Forwarded-For. */
function main(remote: string, xff: string): HTTPEvent {
  const r = parseLine(`${remote} - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8" "${xff}"`, { line: 1 });
  if (!r.ok) throw new Error(r.rejected.reason);
  return r.event;
}

function resolve(r: ClientResolver, e: HTTPEvent): { clientIp?: string; via?: string[] } {
  r.apply(e);
  return { clientIp: e.clientIp, via: e.via };
}

describe("client address behind trusted proxies (nginx real_ip_recursive on)", () => {
  const lb = resolver("10.0.0.0/8");

  it("takes the right-most untrusted X-Forwarded-For address and keeps the proxy chain", () => {
    expect(resolve(lb, main("10.0.0.5", "203.0.113.9"))).toEqual({ clientIp: "203.0.113.9", via: ["10.0.0.5"] });
    expect(resolve(lb, main("10.0.0.5", "198.51.100.1, 10.2.0.7"))).toEqual({ clientIp: "198.51.100.1", via: ["10.2.0.7", "10.0.0.5"] });
  });

  it("a spoofed left-most entry never becomes the key", () => {
    expect(resolve(lb, main("10.0.0.5", "1.2.3.4, 203.0.113.9")).clientIp).toBe("203.0.113.9");
    expect(resolve(lb, main("10.0.0.5", "10.9.9.9, 203.0.113.9")).clientIp).toBe("203.0.113.9");
  });

  it("believes no header from an address that is not a trusted proxy", () => {
    expect(resolve(lb, main("203.0.113.9", "1.2.3.4"))).toEqual({ clientIp: "203.0.113.9", via: undefined });
  });

  it("stops at an entry that is not an address, as nginx does, keeping the last trusted hop", () => {
    expect(resolve(lb, main("10.0.0.5", "203.0.113.9, unknown")).clientIp).toBe("10.0.0.5");
    expect(resolve(lb, main("10.0.0.5", "garbage, 203.0.113.9")).clientIp).toBe("203.0.113.9");
  });

  it("every entry trusted: the left-most one (nginx)", () => {
    expect(resolve(lb, main("10.0.0.5", "10.1.1.1, 10.2.2.2"))).toEqual({ clientIp: "10.1.1.1", via: ["10.2.2.2", "10.0.0.5"] });
  });

  it("ports and IPv6, trusted IPv6 proxies", () => {
    const v6 = resolver("2001:db8:ffff::/48", "10.0.0.0/8");
    expect(resolve(v6, main("2001:db8:ffff::2", "[2001:db8:cafe::17]:4711")).clientIp).toBe("2001:db8:cafe::17");
    expect(resolve(v6, main("10.0.0.5", "203.0.113.9:51234")).clientIp).toBe("203.0.113.9");
  });

  it("reads Forwarded: for= and single-value headers where no X-Forwarded-For is logged", () => {
    const e = main("10.0.0.5", "-");
    e.clientHeaders = { forwarded: 'for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https', xRealIp: undefined, cfConnectingIp: undefined, trueClientIp: undefined };
    expect(resolve(lb, e).clientIp).toBe("2001:db8:cafe::17");
    const cf = main("10.0.0.5", "-");
    cf.clientHeaders = { forwarded: undefined, xRealIp: undefined, cfConnectingIp: "198.51.100.77", trueClientIp: undefined };
    expect(resolve(lb, cf)).toEqual({ clientIp: "198.51.100.77", via: ["10.0.0.5"] });
  });

  it("a list ending with the connecting address itself ($proxy_add_x_forwarded_for, Envoy) does not count it as a hop", () => {
    expect(resolve(lb, main("10.0.0.5", "1.2.3.4, 203.0.113.9, 10.0.0.5"))).toEqual({ clientIp: "203.0.113.9", via: ["10.0.0.5"] });
  });

  it("refuses a trusted proxy that is not an address or range", () => {
    expect(parseTrustedProxies(["10.0.0.0/8", "lb.internal"])).toEqual({ invalid: "lb.internal" });
  });
});

describe("the proxy hint", () => {
  it("notices most requests sharing a private address with X-Forwarded-For set, and not a public one", () => {
    const h = new ProxyHintCounter();
    for (let i = 0; i < 90; i++) h.observe(main("10.0.0.5", `203.0.113.${i}`));
    for (let i = 0; i < 10; i++) h.observe(main(`198.51.100.${i}`, "-"));
    expect(h.hint()).toEqual({ remoteAddr: "10.0.0.5", header: "X-Forwarded-For", share: 0.9, addresses: 1 });
    const pub = new ProxyHintCounter();
    for (let i = 0; i < 90; i++) pub.observe(main("198.51.100.1", `203.0.113.${i}`));
    expect(pub.hint()).toBeUndefined();
  });

  it("is silent once the proxy is trusted", () => {
    const h = new ProxyHintCounter();
    const lb = resolver("10.0.0.0/8");
    for (let i = 0; i < 90; i++) {
      const e = main("10.0.0.5", `203.0.113.${i}`);
      lb.apply(e);
      h.observe(e);
    }
    expect(h.hint()).toBeUndefined();
  });
});
