import { describe, expect, it } from "vitest";
import { CidrSet, NON_PUBLIC, parseCidr, parseIp } from "./cidr.js";

const set = (...c: string[]) => new CidrSet(c.map((x) => parseCidr(x)!));

describe("CIDR ranges, IPv4 and IPv6", () => {
  it("matches IPv4 ranges at any prefix length", () => {
    const s = set("10.0.0.0/8", "192.168.1.128/25", "203.0.113.7");
    expect(s.has("10.255.3.4")).toBe(true);
    expect(s.has("11.0.0.1")).toBe(false);
    expect(s.has("192.168.1.200")).toBe(true);
    expect(s.has("192.168.1.127")).toBe(false);
    expect(s.has("203.0.113.7")).toBe(true);
    expect(s.has("203.0.113.8")).toBe(false);
  });

  it("matches IPv6 ranges, compressed forms, and IPv4-mapped addresses against IPv4 ranges", () => {
    const s = set("2001:db8::/32", "fd00::/8", "10.0.0.0/8");
    expect(s.has("2001:db8:cafe::17")).toBe(true);
    expect(s.has("2001:db9::1")).toBe(false);
    expect(s.has("fd12:3456::1")).toBe(true);
    expect(s.has("::ffff:10.1.2.3")).toBe(true);
    expect(s.has("::ffff:11.1.2.3")).toBe(false);
    expect(set("::/0").has("2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6")).toBe(true);
    expect(set("::/0").has("1.2.3.4")).toBe(true);
    expect(set("0.0.0.0/0").has("2001:db8::1")).toBe(false);
  });

  it("rejects what is not an address or range", () => {
    for (const bad of ["10.0.0.0/33", "10.0.0", "1.2.3.256", "2001:db8::/129", "2001:::1", "1:2:3:4:5:6:7:8:9", "example.com", "10.0.0.0/x", ""]) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
    expect(parseIp("unknown")).toBeUndefined();
    expect(parseIp("1:2:3:4:5:6:1.2.3.4")).toEqual(parseIp("1:2:3:4:5:6:102:304"));
  });

  it("knows the non-public ranges a proxy sits in", () => {
    for (const ip of ["10.0.0.5", "172.31.255.1", "192.168.0.1", "127.0.0.1", "100.64.0.9", "fd00::1", "::1"]) expect(NON_PUBLIC.has(ip), ip).toBe(true);
    for (const ip of ["172.32.0.1", "8.8.8.8", "2001:4860::8888", "203.0.113.9"]) expect(NON_PUBLIC.has(ip), ip).toBe(false);
  });
});
