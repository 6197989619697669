import { describe, expect, it } from "vitest";
import { HTTPEvent } from "../event/http-event.js";
import { parseCriPrefix } from "./cri.js";
import { classifyLine, detectFormat, parseLine, parseNonAccessLine } from "./index.js";

const ok = (text: string, ctx: Parameters<typeof parseLine>[1] = { line: 1 }) => {
  const r = parseLine(text, ctx);
  if (!r.ok) throw new Error(`rejected ${r.rejected.reason}: ${r.rejected.detail}`);
  return HTTPEvent.parse(r.event);
};
const reason = (text: string, ctx: Parameters<typeof parseLine>[1] = { line: 1 }) => {
  const r = parseLine(text, ctx);
  return r.ok ? "ok" : r.rejected.reason;
};
const COMBINED = '2001:db8::1 - - [31/Mar/2021:12:04:07 +0000] "GET /x HTTP/1.1" 200 612 "-" "curl/7.75.0"';

describe("CLF family details", () => {
  it("IPv6 client, '-' remote_addr", () => {
    expect(ok(COMBINED).clientIp).toBe("2001:db8::1");
    expect(ok(COMBINED.replace("2001:db8::1", "-")).clientIp).toBeUndefined();
  });
  it("host comes from the line, then labels.host, then ctx.host, then '-'", () => {
    expect(ok(COMBINED).host).toBe("-");
    expect(ok(COMBINED, { line: 1, host: "h" }).host).toBe("h");
    expect(ok(COMBINED, { line: 1, host: "h", labels: { host: "l" } }).host).toBe("l");
    expect(ok(`www.example.com ${COMBINED}`, { line: 1, host: "h" }).host).toBe("www.example.com");
  });
  it("source carries format, line, file and labels", () => {
    expect(ok(COMBINED, { line: 7, file: "a.log", labels: { app: "x" } }).source).toEqual({ format: "combined", line: 7, file: "a.log", labels: { app: "x" } });
  });
  it("escape=json quotes inside the user agent", () => {
    expect(ok(COMBINED.replace('"curl/7.75.0"', '"say \\"hi\\""')).userAgent).toBe('say "hi"');
  });
  it("escape=none raw quote inside the user agent of a main line", () => {
    expect(ok(COMBINED.replace('"curl/7.75.0"', '"a "quoted" ua" "1.2.3.4"')).userAgent).toBe('a "quoted" ua');
  });
  it("upstream groups after an internal redirect (` : `)", () => {
    const line =
      '10.0.0.1 - - [08/Mar/2023:16:02:45 +0000] "GET / HTTP/1.1" 200 5 "-" "ua" 100 0.300 [ns-svc-80] [] 10.1.0.1:80, 10.1.0.2:80 : 10.2.0.1:80 0, 0 : 5 0.100, 0.100 : 0.100 502, 502 : 200 0123456789abcdef0123456789abcdef';
    expect(ok(line).upstream?.attempts).toEqual([
      { addr: "10.1.0.1:80", group: 0, status: 502, responseTime: 0.1, responseLength: 0 },
      { addr: "10.1.0.2:80", group: 0, status: 502, responseTime: 0.1, responseLength: 0 },
      { addr: "10.2.0.1:80", group: 1, status: 200, responseTime: 0.1, responseLength: 5 },
    ]);
  });
  it("traefik common format", () => {
    const e = ok('172.17.0.1 - - [08/Dec/2021:09:16:05 +0000] "GET /upload.asp?test=toto&tata=test HTTP/1.1" 200 405 "-" "-" 502 "test@docker" "http://172.17.0.3:80" 12ms');
    expect(e.source.format).toBe("traefik");
    expect(e.query).toBe("test=toto&tata=test");
    expect(e.requestTime).toBe(0.012);
    expect(e.upstream).toEqual({ name: "test@docker", attempts: [{ addr: "http://172.17.0.3:80", group: 0 }] });
  });
  it("rejections carry the right reason", () => {
    expect(reason(COMBINED.replace("31/Mar/2021", "31/Foo/2021"))).toBe("bad-timestamp");
    expect(reason(COMBINED.replace(" - - [", " [").replace("2001:db8::1", "a b c d e"))).toBe("unknown-format");
    expect(reason(COMBINED.replace("31/Mar/2021", "32/Mar/2021"))).toBe("bad-timestamp");
    expect(reason(COMBINED.replace(" 200 ", " 2x0 "))).toBe("bad-status");
    expect(reason(COMBINED.replace(" 612 ", " 6x2 "))).toBe("bad-field");
    expect(reason(COMBINED.slice(0, 60))).toBe("truncated");
    expect(reason("   ")).toBe("empty");
    expect(reason("")).toBe("empty");
    expect(reason("\r\n")).toBe("empty");
    expect(reason("hello world")).toBe("unknown-format");
    expect(reason(`2001:db8::1 - - [31/Mar/2021:12:04:07 +0000] "GET /${"a".repeat(1024 * 1024)} HTTP/1.1" 200 1`)).toBe("too-long");
  });
  it("lines over 64 KiB but under 1 MiB parse in full", () => {
    const path = `/${"a".repeat(100_000)}`;
    expect(ok(COMBINED.replace("/x", path)).path).toBe(path);
  });
  it("the sample of a rejection is cut to 512 characters", () => {
    const r = parseLine("x".repeat(5000), { line: 3 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rejected).toMatchObject({ line: 3, reason: "unknown-format", sample: "x".repeat(512) });
  });
  it("an explicit format refuses a line of another format", () => {
    expect(reason(COMBINED, { line: 1, format: "upstreaminfo" })).toBe("bad-field");
    expect(reason(COMBINED, { line: 1, format: "json" })).toBe("bad-field");
    expect(ok(COMBINED, { line: 1, format: "combined" }).source.format).toBe("combined");
    expect(ok(`${COMBINED} "1.2.3.4"`, { line: 1, format: "combined" }).source.format).toBe("main");
    expect(reason(COMBINED, { line: 1, format: "main" })).toBe("bad-field");
    const old = '10.0.2.213 - [10.0.2.213] - - [07/Jun/2019:14:32:28 +0000] "GET / HTTP/1.1" 502 158 "-" "ua" 756 0.000 [ns-a-80] 0.0.0.1:80 0 0.000 502 b1735cbec6aa0fd116ec81fb0e2e5ba5';
    expect(ok(old, { line: 1, format: "upstreaminfo" }).source.format).toBe("upstreaminfo-pre0.22");
    expect(detectFormat(COMBINED)).toBe("combined");
  });
  it("syslog-prefixed access lines parse", () => {
    expect(ok(`Sep 15 16:13:46 ip-172-31-43-28 nginx[2869]: ${COMBINED}`).clientIp).toBe("2001:db8::1");
  });
});

describe("CRI prefix", () => {
  it("is stripped; partial lines are rejected as truncated", () => {
    const line = `2025-12-31T17:37:40.493035218+01:00 stdout F ${COMBINED}`;
    expect(parseCriPrefix(line)).toMatchObject({ stream: "stdout", partial: false, ts: Date.UTC(2025, 11, 31, 16, 37, 40, 493) });
    expect(ok(line).ts).toBe(Date.UTC(2021, 2, 31, 12, 4, 7));
    expect(reason(line.replace(" F ", " P "))).toBe("truncated");
    expect(parseCriPrefix(COMBINED)).toBeUndefined();
  });
});

describe("JSON access logs", () => {
  // The ingress-nginx configmap example with escape=json; unset numerics come out as a bare `-`.
  const JSON_LINE =
    '{"time": "2024-03-01T10:00:00+00:00", "remote_addr": "10.0.0.9", "x_forwarded_for": "1.2.3.4, 10.0.0.9", "request_id": "abc", "remote_user": "", "bytes_sent": 512, "request_time": 0.012, "status": 503, "vhost": "shop.example.com", "request_proto": "HTTP/2.0", "path": "/cart", "request_query": "id=1", "request_length": 88, "method": "POST", "http_referrer": "", "http_user_agent": "say \\"hi\\"" }';
  it("reads the configmap example keys", () => {
    const e = ok(JSON_LINE);
    expect(e).toMatchObject({
      ts: Date.UTC(2024, 2, 1, 10),
      clientIp: "10.0.0.9",
      forwardedFor: "1.2.3.4, 10.0.0.9",
      requestId: "abc",
      bytes: 512,
      requestTime: 0.012,
      status: 503,
      host: "shop.example.com",
      protocol: "HTTP/2.0",
      path: "/cart",
      query: "id=1",
      requestLength: 88,
      method: "POST",
      userAgent: 'say "hi"',
      source: { format: "json" },
    });
    expect(e.remoteUser).toBeUndefined();
    expect(e.referer).toBeUndefined();
  });
  it("repairs unquoted `-` numerics and \\xXX escapes", () => {
    const e = ok(JSON_LINE.replace('"request_time": 0.012', '"request_time": -').replace('say \\"hi\\"', "say \\x22hi\\x22"));
    expect(e.requestTime).toBeUndefined();
    expect(e.userAgent).toBe('say "hi"');
  });
  it("rejects a missing status or time with the key named", () => {
    const r = parseLine(JSON_LINE.replace('"status": 503', '"status": -'), { line: 1 });
    expect(r.ok ? "" : `${r.rejected.reason} ${r.rejected.detail}`).toBe("bad-status missing status");
    expect(reason(JSON_LINE.replace("2024-03-01T10:00:00+00:00", "yesterday"))).toBe("bad-timestamp");
    expect(reason('{"status": 200, "time": ')).toBe("bad-field");
  });
  it("Envoy JSON: flags, cluster and authority", () => {
    const e = ok(
      '{":authority":"www.example.com","bytes_received":0,"bytes_sent":91,"downstream_remote_address":"[fd00::5]:43000","duration":3,"method":"GET","protocol":"HTTP/1.1","response_code":503,"response_flags":"UH","start_time":"2025-12-31T16:37:40.479Z","upstream_cluster":"outbound|80||svc","upstream_host":null,"user-agent":"curl","x-envoy-origin-path":"/a?b=1","x-forwarded-for":"fd00::5","x-request-id":"r1"}',
    );
    expect(e).toMatchObject({ clientIp: "fd00::5", host: "www.example.com", status: 503, path: "/a", query: "b=1", requestTime: 0.003, source: { format: "envoy-json" } });
    expect(e.upstream).toEqual({ name: "outbound|80||svc", flags: "UH", attempts: [] });
  });
  it("Envoy default text format (documented example)", () => {
    const e = ok('[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"');
    expect(e).toMatchObject({
      ts: Date.UTC(2016, 3, 15, 20, 17, 0, 310),
      method: "POST",
      path: "/api/v1/locations",
      status: 204,
      requestLength: 154,
      bytes: 0,
      requestTime: 0.226,
      clientIp: "10.0.35.28",
      userAgent: "nsq2http",
      requestId: "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2",
      host: "locations",
      source: { format: "envoy" },
    });
    expect(e.upstream).toEqual({ attempts: [{ addr: "tcp://10.0.2.1:80", group: 0, responseTime: 0.1 }] });
  });
});

describe("non-access lines", () => {
  it("classifies", () => {
    expect(classifyLine("")).toBe("empty");
    expect(classifyLine(COMBINED)).toBe("access");
    expect(classifyLine("I0101 00:00:00.000001       1 main.go:1] hi")).toBe("klog");
    expect(classifyLine("2021/06/17 19:25:59 [notice] 133309#133309: signal process started")).toBe("nginx-error");
    expect(classifyLine("random text")).toBe("other");
  });
  it("parses an error line without client context", () => {
    expect(parseNonAccessLine("2021/06/17 19:25:59 [notice] 133309#133309: signal process started")).toEqual({
      kind: "nginx-error",
      ts: Date.UTC(2021, 5, 17, 19, 25, 59),
      severity: "notice",
      message: "signal process started",
      reason: "other",
    });
    expect(parseNonAccessLine(COMBINED)).toBeUndefined();
  });
});
