import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HTTPEvent } from "../event/http-event.js";
import { Pipeline } from "../pipeline/pipeline.js";
import { detectFamily, parseLine } from "./index.js";

const fixtures = new URL("../../../../fixtures/parse/edges/", import.meta.url);
const lines = (name: string) => readFileSync(new URL(name, fixtures), "utf8").split("\n").filter((l) => l !== "");

function events(name: string): HTTPEvent[] {
  return lines(name).flatMap((l, i) => {
    const r = parseLine(l, { line: i + 1 });
    if (!r.ok) return [];
    HTTPEvent.parse(r.event);
    return [r.event];
  });
}

const iso = (e: HTTPEvent) => new Date(e.ts).toISOString();

describe("Caddy JSON access log (crowdsecurity/hub .tests/caddy-logs)", () => {
  const ev = events("caddy-crowdsec-hub.log");

  it("reads every line, detected per line", () => {
    expect(ev).toHaveLength(10);
    expect(new Set(ev.map((e) => e.source.format))).toEqual(new Set(["caddy"]));
  });

  it("takes the client Caddy resolved (client_ip, not the proxy in remote_ip), time from ts in seconds", () => {
    // crowdsec's parser.assert for this file: source_ip 127.0.0.1 for the first lines, 172.17.0.1 later.
    expect(ev[0]).toMatchObject({ clientIp: "127.0.0.1", host: "127.0.0.1:8080", method: "GET", path: "/", protocol: "HTTP/1.0", status: 0, bytes: 0, userAgent: "curl/7.74.0", forwardedFor: "127.0.0.1" });
    expect(iso(ev[0])).toBe("2023-09-04T15:19:51.756Z");
    expect(ev[0].clientHeaders).toEqual({ forwarded: "for=127.0.0.1", xRealIp: "127.0.0.1", cfConnectingIp: undefined, trueClientIp: undefined });
    expect(ev[0].via).toEqual(["172.17.0.1"]);
    expect(ev[3].clientIp).toBe("172.17.0.1");
    expect(ev[3].via).toBeUndefined();
    expect(ev[3].forwardedFor).toBeUndefined();
  });

  it("status, size, duration and user_id", () => {
    expect(ev[7]).toMatchObject({ status: 401, requestTime: 0.782670468, host: "localhost:9080" });
    expect(ev[7].remoteUser).toBeUndefined();
    expect(ev[9]).toMatchObject({ status: 200, bytes: 18630, remoteUser: "Bob", requestTime: 0.794682124 });
  });
});

describe("HAProxy option httplog (elastic/integrations haproxy pipeline tests, crowdsecurity/hub .tests/haproxy-logs)", () => {
  const elastic = events("haproxy-elastic-integrations.log");
  const crowdsec = events("haproxy-crowdsec-hub.log");

  it("reads syslog-wrapped and bare lines, detected per line", () => {
    expect(elastic).toHaveLength(8);
    expect(crowdsec).toHaveLength(2);
    for (const l of lines("haproxy-crowdsec-hub.log")) expect(detectFamily(l)).toBe("haproxy");
  });

  it("the documentation's example line: client, ms time, backend/server as upstream, timers as timings", () => {
    // HAProxy configuration.txt 8.2.3 example; elastic's expected: source 10.0.1.2, backend static, server srv1,
    // status 200, bytes 2750, Tq 10 Tw 0 Tc 30 Tr 69 Tt 109.
    const e = elastic[2];
    expect(iso(e)).toBe("2009-02-06T12:14:14.655Z");
    expect(e).toMatchObject({ clientIp: "10.0.1.2", method: "GET", path: "/index.html", protocol: "HTTP/1.1", status: 200, bytes: 2750, requestTime: 0.109 });
    expect(e.upstream).toEqual({ name: "static", alternative: undefined, flags: undefined, attempts: [{ addr: "srv1", group: 0, status: 200, responseTime: 0.069, responseLength: undefined, connectTime: 0.03, headerTime: 0.069 }] });
  });

  it("<NOSRV> with termination state SC--: no attempt, the state as the upstream's flags", () => {
    const e = elastic[4];
    expect(e).toMatchObject({ clientIp: "127.0.0.1", status: 503, bytes: 213, requestTime: 0 });
    expect(e.upstream).toMatchObject({ name: "http-webservices", attempts: [], flags: "SC--" });
  });

  it("keeps a backslash in the request as it came (no nginx unescaping) and the query apart", () => {
    const e = elastic[3];
    expect(e.path).toBe("/public/index.php");
    expect(e.query).toBe("s=/index/\\think\\app/testinvokefunction&function=call_user_func_array_test&vars[0]=md15&vars[1][]=Helloworld");
    expect(e.status).toBe(404);
  });

  it("a relay's RFC 3339 syslog header in front is not taken for the client", () => {
    // The documentation's example line as rsyslog's RSYSLOG_FileFormat template writes it.
    const r = parseLine(`2009-02-06T12:14:14.655000+00:00 localhost haproxy[14389]: ${lines("haproxy-elastic-integrations.log")[2].split(": ").slice(1).join(": ")}`, { line: 1 });
    expect(r.ok && r.event).toMatchObject({ clientIp: "10.0.1.2", status: 200, path: "/index.html" });
  });

  it("crowdsec's lines: SSL frontends (~), five timers", () => {
    expect(crowdsec[0]).toMatchObject({ clientIp: "117.136.40.129", status: 200, bytes: 739, requestTime: 0.173, path: "/xxx/xxx" });
    expect(crowdsec[0].upstream).toMatchObject({ name: "xx_server_https", flags: "--NN", attempts: [{ addr: "xxx_node_8002", connectTime: 0, headerTime: 0.003 }] });
    expect(iso(crowdsec[1])).toBe("2021-03-12T06:56:28.088Z");
  });
});

describe("CloudFront standard logs (elastic/integrations aws cloudfront_logs pipeline test)", () => {
  const all = lines("cloudfront-elastic-integrations.log").map((l, i) => parseLine(l, { line: i + 1 }));
  const ev = all.flatMap((r) => (r.ok ? [r.event] : []));

  it("the #Version/#Fields header lines are not access lines; every other line is an event", () => {
    expect(all.slice(0, 2).map((r) => (r.ok ? "ok" : r.rejected.reason))).toEqual(["not-access-log", "not-access-log"]);
    expect(ev).toHaveLength(12);
    expect(new Set(ev.map((e) => e.source.format))).toEqual(new Set(["cloudfront"]));
  });

  it("viewer, Host header, decoded user agent, timings", () => {
    const e = ev[0];
    expect(iso(e)).toBe("2019-12-04T21:02:31.000Z");
    expect(e).toMatchObject({ clientIp: "89.160.20.112", host: "d111111abcdef8.cloudfront.net", method: "GET", path: "/index.html", status: 200, bytes: 392, requestLength: 23, requestTime: 0.001, protocol: "HTTP/2.0" });
    expect(e.userAgent).toBe("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36");
    expect(e.requestId).toBe("SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==");
    expect(ev[1].clientIp).toBe("2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6");
  });

  it("an edge Error keeps its detailed type; 000 is status 0; the viewer's X-Forwarded-For is kept", () => {
    expect(ev[3]).toMatchObject({ status: 502, host: "www.example.com", referer: "http://www.example.com/" });
    expect(ev[3].upstream).toMatchObject({ attempts: [], flags: "OriginDnsError" });
    expect(ev[7].status).toBe(0);
    expect(ev[6]).toMatchObject({ method: "POST", query: "source=global" });
    expect(ev[8].forwardedFor).toBe("81.2.69.142,216.160.83.56");
  });

  it("a file whose #Fields header orders or selects columns otherwise (standard logging v2) is read by that header", () => {
    // The same file with its columns reversed and the cookie and TLS columns dropped, header and lines alike.
    const text = lines("cloudfront-elastic-integrations.log");
    const names = text[1].slice("#Fields: ".length).split(" ");
    const keep = names.map((_, i) => i).filter((i) => !["cs(Cookie)", "ssl-protocol", "ssl-cipher"].includes(names[i])).reverse();
    const reordered = [text[0], `#Fields: ${keep.map((i) => names[i]).join(" ")}`, ...text.slice(2).map((l) => keep.map((i) => l.split("\t")[i] ?? "-").join("\t"))];
    const w3c = {};
    const again = reordered.map((l, i) => parseLine(l, { line: i + 1, w3c })).flatMap((r) => (r.ok ? [r.event] : []));
    const strip = (e: HTTPEvent) => ({ ...e, source: undefined });
    expect(again.map(strip)).toEqual(ev.map(strip));
    // The pipeline keeps that state per file, whatever the chunking.
    const p = new Pipeline({ packs: [] });
    const joined = reordered.join("\n");
    p.pushText(joined.slice(0, 700), { file: "v2.log" });
    p.pushText(joined.slice(700), { file: "v2.log" });
    p.endText({ file: "v2.log" });
    expect(p.stats).toMatchObject({ events: 12, byFormat: { cloudfront: 12 }, rejected: { "not-access-log": 2 } });
    // Without the header's state the reordered lines are not misread as the default order.
    expect(reordered.slice(2).map((l) => parseLine(l, { line: 1 })).filter((r) => r.ok)).toHaveLength(0);
  });
});
