import { describe, expect, it } from "vitest";
import { parseRequest } from "./request.js";

describe("parseRequest", () => {
  it("splits method, path, query and protocol; the query loses its `?`", () => {
    expect(parseRequest("GET /a/b?x=1&y=%20?z HTTP/1.1")).toEqual({ method: "GET", path: "/a/b", query: "x=1&y=%20?z", protocol: "HTTP/1.1", httpVersion: "1.1" });
  });
  it("decodes nginx escapes once but never percent-encoding", () => {
    expect(parseRequest("GET /caf\\xC3\\xA9/%2e%2e HTTP/1.1").path).toBe("/café/%2e%2e");
    expect(parseRequest("GET /\\x5Cx22 HTTP/1.1").path).toBe("/\\x22");
  });
  it("accepts HTTP/0.9-style `GET /path` without protocol", () => {
    expect(parseRequest("GET /index.html")).toEqual({ method: "GET", path: "/index.html", protocol: undefined, httpVersion: "0.9" });
  });
  it("keeps the version an invalid request line states (DoS tools send HTTP/1.7, HTTP/x)", () => {
    expect(parseRequest("GET / HTTP/1.7").httpVersion).toBe("1.7");
    expect(parseRequest("GET / HTTP/x").httpVersion).toBe("x");
    expect(parseRequest("GET / HTTP/0.9").httpVersion).toBe("0.9");
    expect(parseRequest("GET / HTTP/2.0").httpVersion).toBe("2.0");
    expect(parseRequest("batman").httpVersion).toBeUndefined();
  });
  it("marks garbage as malformed and keeps it as logged", () => {
    for (const raw of ["", "HELP", "batman", "\\x16\\x03\\x01\\x00", "get / HTTP/1.1", "GET", "GET  HTTP/1.1"]) {
      const r = parseRequest(raw);
      expect(r.malformed, raw).toBe(true);
      expect(r.method).toBeUndefined();
      expect(r.path).toBe(raw);
    }
  });
  it("reports proxy-form targets", () => {
    expect(parseRequest("GET http://www.sbjudge4.com:80/ip4.php HTTP/1.0")).toEqual({
      method: "GET",
      path: "/ip4.php",
      protocol: "HTTP/1.0",
      httpVersion: "1.0",
      absoluteUri: true,
      targetHost: "www.sbjudge4.com:80",
    });
    expect(parseRequest("GET http://example.com?q HTTP/1.1")).toMatchObject({ path: "/", query: "q", targetHost: "example.com" });
    expect(parseRequest("CONNECT foo.com:25 HTTP/1.1")).toEqual({ method: "CONNECT", path: "", protocol: "HTTP/1.1", httpVersion: "1.1", targetHost: "foo.com:25" });
  });
});
