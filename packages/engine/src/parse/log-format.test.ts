import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HTTPEvent } from "../event/http-event.js";
import { compileLogFormat, LogFormatError, parseLine } from "./index.js";

const fixtures = new URL("../../../../fixtures/parse/", import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, fixtures), "utf8");

interface FormatCase {
  name: string;
  format: string;
  lines?: { line: string; expect: Record<string, unknown> }[];
  vectors?: string;
}
const doc = JSON.parse(read("log-formats/formats.json")) as { formats: FormatCase[]; refused: { source: string; format: string; position: number; reason: string }[] };
const { vectors } = JSON.parse(read("vector-vrl-parse_nginx_log.vectors.json")) as {
  vectors: { name: string; format: string; input: string; expected?: Record<string, unknown> }[];
};

function parseWith(format: string, line: string): HTTPEvent {
  const r = parseLine(line, { line: 1, custom: compileLogFormat(format) });
  if (!r.ok) throw new Error(`${r.rejected.reason}: ${r.rejected.detail}`);
  HTTPEvent.parse(r.event);
  return r.event;
}

describe("--nginx-log-format: public log_format strings read their own lines", () => {
  for (const f of doc.formats.filter((x) => x.lines)) {
    it(f.name, () => {
      for (const { line, expect: want } of f.lines!) {
        const e = parseWith(f.format, line);
        expect(e.source.format).toBe("custom");
        for (const [k, v] of Object.entries(want)) {
          if (k === "ts") expect(new Date(e.ts).toISOString()).toBe(v);
          else if (k === "upstream") expect(e.upstream).toMatchObject(v as object);
          else expect(e[k as keyof HTTPEvent], k).toEqual(v);
        }
      }
    });
  }

  // The same lines through the built-in parser and through the format string the built-in one reads.
  for (const f of doc.formats.filter((x) => x.vectors)) {
    it(`${f.name}: VRL ${f.vectors} vectors, field for field as the built-in parser`, () => {
      const cases = vectors.filter((v) => v.format === f.vectors && v.expected);
      expect(cases.length).toBeGreaterThan(3);
      for (const v of cases) {
        const e = parseWith(f.format, v.input);
        const x = v.expected!;
        expect(e.ts).toBe(Date.parse(x.timestamp as string));
        expect(e.clientIp).toBe(x.remote_addr);
        expect(e.status).toBe(x.status);
        expect(e.bytes).toBe(x.body_bytes_size);
        expect(e.forwardedFor).toBe(x.http_x_forwarded_for);
        expect(`${e.method} ${e.path} ${e.protocol}`).toBe(x.request);
        const builtin = parseLine(v.input, { line: 1 });
        expect(builtin.ok).toBe(true);
        if (!builtin.ok) continue;
        const { source: _a, ...mine } = e;
        const { source: _b, ...theirs } = builtin.event;
        expect(JSON.parse(JSON.stringify(mine))).toEqual(JSON.parse(JSON.stringify(theirs)));
      }
    });
  }

  it("escape=json: an escaped quote inside a value does not end the field (ingress-nginx e2e value)", () => {
    // The value is the one ingress-nginx's e2e test sends and asserts (ingress-nginx-escaping.e2e.json).
    const format = `log_format upstreaminfo escape=json '{"time":"$time_iso8601","status":$status,"ua":"$http_user_agent","xff":"$http_x_forwarded_for"}';`;
    const e = parseWith(format, '{"time":"2024-01-02T03:04:05+00:00","status":200,"ua":"Here is \\"header1\\" with json escape","xff":""}');
    expect(e.userAgent).toBe('Here is "header1" with json escape');
    expect(e.forwardedFor).toBeUndefined();
    expect(e.ts).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  });

  it("escape=default decodes \\xXX and reads - as unset; escape=none keeps a raw quote in a value", () => {
    const def = parseWith(`$remote_addr [$time_local] "$request" $status "$http_user_agent" "$http_referer"`, '1.2.3.4 [01/Jan/2024:00:00:00 +0000] "GET /a HTTP/1.1" 200 "say \\x22hi\\x22" "-"');
    expect(def.userAgent).toBe('say "hi"');
    expect(def.referer).toBeUndefined();
    const none = parseWith(`log_format raw escape=none '$remote_addr [$time_local] "$request" $status "$http_user_agent" $request_time';`, '1.2.3.4 [01/Jan/2024:00:00:00 +0000] "GET /a\\b HTTP/1.1" 200 "say "hi" \\x41" 0.5');
    expect(none.userAgent).toBe('say "hi" \\x41');
    expect(none.path).toBe("/a\\b");
    expect(none.requestTime).toBe(0.5);
  });

  it("$realip_remote_addr next to a $remote_addr nginx already resolved is the proxy the request came via", () => {
    const f = '$remote_addr $realip_remote_addr [$time_local] "$request" $status';
    expect(parseWith(f, '203.0.113.9 10.0.0.5 [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200')).toMatchObject({ clientIp: "203.0.113.9", via: ["10.0.0.5"] });
    expect(parseWith(f, '203.0.113.9 203.0.113.9 [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200').via).toBeUndefined();
  });

  it("a line that does not fit is rejected, not guessed", () => {
    const custom = compileLogFormat(doc.formats[1].format);
    const r = parseLine('1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl"', { line: 7, custom });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rejected.reason).toBe("unknown-format");
  });

  it("json: key mappings read JSON access logs by the variables their keys hold", () => {
    const custom = compileLogFormat('json:{"@t":"$msec","c":"$remote_addr","r":"$request","s":"$status","xff":"$http_x_forwarded_for","up":"$upstream_addr","us":"$upstream_status","ut":"upstream_response_time"}');
    const r = parseLine('{"@t":1700000000.25,"c":"10.0.0.5","r":"GET /x?y=1 HTTP/1.1","s":503,"xff":"203.0.113.9","up":"10.1.0.2:80, 10.1.0.3:80","us":"502, 503","ut":"0.010, 0.020"}', { line: 1, custom });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event).toMatchObject({ ts: 1700000000250, clientIp: "10.0.0.5", method: "GET", path: "/x", query: "y=1", status: 503, forwardedFor: "203.0.113.9" });
    expect(r.event.upstream?.attempts.map((a) => [a.addr, a.status, a.responseTime])).toEqual([
      ["10.1.0.2:80", 502, 0.01],
      ["10.1.0.3:80", 503, 0.02],
    ]);
  });
});

describe("format strings that cannot be compiled give the position and the reason", () => {
  for (const c of doc.refused) {
    it(c.source, () => {
      let err: unknown;
      try {
        compileLogFormat(c.format);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LogFormatError);
      const e = err as LogFormatError;
      expect(e.position).toBe(c.position);
      expect(e.reason).toContain(c.reason);
      expect(e.message).toMatch(/^position \d+: /);
    });
  }
});
