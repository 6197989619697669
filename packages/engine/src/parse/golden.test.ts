import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HTTPEvent, type ParseResult } from "../event/http-event.js";
import { decodeLogged } from "./escape.js";
import { classifyLine, parseLine, parseNonAccessLine } from "./index.js";

const fixtures = new URL("../../../../fixtures/parse/", import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, fixtures), "utf8");
const lines = (text: string) => text.split("\n").filter((l, i, a) => !(i === a.length - 1 && l === ""));

/** Every ok result must satisfy the zod contract; every rejection must carry a reason and a bounded sample. */
function checkContract(r: ParseResult): void {
  if (r.ok) HTTPEvent.parse(r.event);
  else {
    expect(r.rejected.reason).toBeTruthy();
    expect(r.rejected.sample.length).toBeLessThanOrEqual(512);
  }
}

function target(e: HTTPEvent): string {
  return e.path + (e.query === undefined ? "" : `?${e.query}`);
}

describe("VRL parse_nginx_log vectors", () => {
  const { vectors } = JSON.parse(read("vector-vrl-parse_nginx_log.vectors.json")) as {
    vectors: { name: string; format: string; input: string; expected?: Record<string, unknown>; error?: string }[];
  };
  const absent = (v: unknown) => (v === "-" ? undefined : v);
  for (const v of vectors) {
    it(v.name, () => {
      const r = parseLine(v.input, { line: 1 });
      checkContract(r);
      if (v.format === "error" || v.error) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.rejected.reason).toBe("not-access-log");
        return;
      }
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const e = r.event;
      const x = v.expected!;
      expect(e.ts).toBe(Date.parse(x.timestamp as string));
      expect(e.clientIp).toBe(x.client ?? x.remote_addr);
      expect(e.remoteUser).toBe(x.user ?? x.remote_user);
      expect(e.status).toBe(x.status);
      expect(e.bytes).toBe(x.size ?? x.body_bytes_size);
      expect(e.referer).toBe(absent(x.referer ?? x.http_referer));
      expect(e.userAgent).toBe(absent(x.agent ?? x.http_user_agent));
      const request = x.request as string;
      if (e.malformedRequest) {
        expect(e.method).toBeUndefined();
        expect(e.path).toBe(request);
        expect(e.status).toBe(400);
      } else expect(`${e.method} ${target(e)} ${e.protocol}`).toBe(request);
      if (v.format === "main") {
        expect(e.source.format).toBe("main");
        expect(e.forwardedFor).toBe(x.http_x_forwarded_for);
      }
      if (v.format === "combined") {
        expect(["combined", "main"]).toContain(e.source.format);
        // VRL's combined allows a trailing "$gzip_ratio"; in nginx's main format that slot is X-Forwarded-For.
        // A single line cannot tell them apart, so we read it as main's field.
        expect(e.forwardedFor).toBe(absent(x.compression));
      }
      if (v.format === "ingress_upstreaminfo") {
        expect(e.source.format).toBe("upstreaminfo");
        expect(e.requestLength).toBe(x.request_length);
        expect(e.requestTime).toBe(x.request_time);
        expect(e.requestId).toBe(x.req_id);
        expect(e.upstream?.name).toBe(x.proxy_upstream_name);
        expect(e.upstream?.alternative).toBe(x.proxy_alternative_upstream_name);
        const addr = absent(x.upstream_addr);
        expect(e.upstream?.attempts.length).toBe(addr === undefined ? 0 : 1);
        if (addr !== undefined) {
          expect(e.upstream?.attempts[0]).toEqual({
            addr,
            group: 0,
            status: x.upstream_status,
            responseTime: x.upstream_response_time,
            responseLength: x.upstream_response_length,
          });
        }
      }
    });
  }
});

describe("ingress-nginx issue lines", () => {
  const records = lines(read("ingress-nginx-issue-lines.jsonl")).map((l) => JSON.parse(l) as { source: string; kind: string; line: string; note: string });
  const formatOfKind: Record<string, string> = {
    "access:upstreaminfo": "upstreaminfo",
    "access:upstreaminfo-pre0.22": "upstreaminfo-pre0.22",
    "access:upstreaminfo-0.8": "upstreaminfo-pre0.22",
    "access:upstreaminfo-0.9": "upstreaminfo-pre0.22",
    "access:main": "main",
  };
  for (const rec of records) {
    it(`${rec.kind} ${rec.source.split("/").slice(-1)[0]}: ${rec.line.slice(0, 60)}`, () => {
      const r = parseLine(rec.line, { line: 1 });
      checkContract(r);
      if (rec.kind.startsWith("access:")) {
        expect(classifyLine(rec.line)).toBe("access");
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.event.source.format).toBe(formatOfKind[rec.kind]);
        // The status after the quoted request is the client-facing one.
        expect(r.event.status).toBe(Number(/" (\d{3}) /.exec(rec.line)![1]));
      } else {
        expect(classifyLine(rec.line)).toBe(rec.kind.startsWith("controller:klog") ? "klog" : "nginx-error");
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.rejected.reason).toBe("not-access-log");
        expect(parseNonAccessLine(rec.line)).toBeDefined();
      }
    });
  }

  const byStart = (s: string) => {
    const rec = records.find((x) => x.line.startsWith(s))!;
    const r = parseLine(rec.line, { line: 1 });
    if (!r.ok) throw new Error(`rejected: ${r.rejected.reason}`);
    return r.event;
  };
  it("#9443: three 5 s connect timeouts to one pod → three 504 attempts", () => {
    const e = byStart("108.162.227.25");
    expect(e.requestTime).toBe(14.998);
    expect(e.upstream?.name).toBe("pc-dev-example-web-service-80");
    expect(e.upstream?.attempts).toEqual(Array(3).fill({ addr: "192.168.215.1:80", group: 0, status: 504, responseTime: 5, responseLength: 0 }));
    expect(e.requestId).toBe("a7c98d98ac870f64981a997cd2f373a1");
  });
  it("#3610 (pre-0.22): three refused attempts → 502, real ip from [$the_real_ip]", () => {
    const e = byStart("223.65.108.109");
    expect(e.clientIp).toBe("223.65.108.109");
    expect(e.upstream?.attempts.map((a) => [a.addr, a.status])).toEqual(Array(3).fill(["10.36.0.1:8888", 502]));
    expect(e.upstream?.alternative).toBeUndefined();
  });
  it("#8731: redirect answered by nginx, all upstream fields '-' → no attempts", () => {
    expect(byStart("192.198.123.115").upstream).toEqual({ name: "labs-registrations-clusterip-80", attempts: [] });
  });
  it("#11332: 499 with upstream_addr set and upstream_status '-'", () => {
    const e = byStart("172.21.0.224 - - [30/Apr/2024:19:37:13");
    expect(e.status).toBe(499);
    expect(e.upstream?.attempts).toEqual([{ addr: "172.21.47.222:80", group: 0, responseTime: 0, responseLength: 0 }]);
  });
  it("#4168: 0.0.0.1:80 balancer placeholder is kept as the attempt address", () => {
    expect(byStart("10.0.2.213").upstream?.attempts[0].addr).toBe("0.0.0.1:80");
  });
  it("#334 (0.9): '-' remote_addr falls back to [$the_real_ip]; no req_id", () => {
    const e = byStart("- [127.0.0.1]");
    expect(e.clientIp).toBe("127.0.0.1");
    expect(e.requestId).toBeUndefined();
    expect(e.upstream?.name).toBe("service-3000");
  });
  it("#8882 klog: the Service without endpoints is extracted", () => {
    const rec = records.find((x) => x.line.includes("does not have any active Endpoint"))!;
    expect(parseNonAccessLine(rec.line)).toMatchObject({ kind: "klog", service: "scalability/scalability-node", reason: "no-active-endpoint" });
  });
  it("#9443 / #3610 error lines: timeout vs refused, with upstream, client and host", () => {
    const timeout = records.find((x) => x.line.includes("upstream timed out"))!;
    expect(parseNonAccessLine(timeout.line)).toMatchObject({ kind: "nginx-error", reason: "upstream-timeout", upstream: "http://192.168.215.1:80/", client: "108.162.227.25", host: "dev-aws.example.com" });
    const refused = records.find((x) => x.line.includes("open.dop.clsaa.com"))!;
    expect(parseNonAccessLine(refused.line)).toMatchObject({ reason: "connection-refused", upstream: "http://10.36.0.1:8888/actuator/health" });
  });
});

describe("fail2ban test logs", () => {
  const files = readdirSync(new URL("fail2ban/", fixtures));
  const summary: Record<string, Record<string, number>> = {};
  for (const f of files) {
    it(f, () => {
      const counts: Record<string, number> = {};
      let failJson: { host?: string } | undefined;
      lines(read(`fail2ban/${f}`)).forEach((text, i) => {
        if (text.startsWith("# failJSON:")) {
          failJson = JSON.parse(text.slice("# failJSON:".length)) as { host?: string };
          return;
        }
        if (text.startsWith("#") || text.trim() === "") return;
        const r = parseLine(text, { line: i + 1 });
        checkContract(r);
        const key = r.ok ? `ok:${r.event.source.format}` : r.rejected.reason;
        counts[key] = (counts[key] ?? 0) + 1;
        const kind = classifyLine(text);
        if (r.ok) {
          if (failJson?.host) expect(r.event.clientIp).toBe(failJson.host);
        } else if (kind === "nginx-error") {
          expect(r.rejected.reason).toBe("not-access-log");
          if (failJson?.host) expect(parseNonAccessLine(text)?.client).toBe(failJson.host);
        } else if (kind === "access") {
          // apache-fakegooglebot's custom format logs an empty zone: `[31/Jan/2015:14:29:44 ]`.
          expect(r.rejected.reason).toBe("bad-timestamp");
        } else {
          // Apache error-log lines (`[Tue Jul 22 06:48:30 2008] [error] [client …]`) are not a format we read.
          expect(text.startsWith("[")).toBe(true);
          expect(r.rejected.reason).toBe("unknown-format");
        }
        failJson = undefined;
      });
      summary[f] = counts;
      expect(Object.keys(counts).length).toBeGreaterThan(0);
    });
  }
  it("summary", () => {
    console.log("fail2ban:", JSON.stringify(summary));
  });
});

interface CrowdsecResult {
  success: boolean;
  parsed?: { message?: string };
  meta?: Record<string, string>;
}

describe("CrowdSec hub tests", () => {
  const dirs = readdirSync(new URL("crowdsec/", fixtures));
  const totals: Record<string, number> = {};
  for (const d of dirs) {
    it(d, () => {
      const names = readdirSync(new URL(`crowdsec/${d}/`, fixtures));
      const log = names.find((n) => n !== "config.yaml" && n !== "expected.json")!;
      const logLines = lines(read(`crowdsec/${d}/${log}`));
      for (const [i, text] of logLines.entries()) {
        const r = parseLine(text, { line: i + 1 });
        checkContract(r);
        const key = r.ok ? "ok" : r.rejected.reason;
        totals[key] = (totals[key] ?? 0) + 1;
        if (classifyLine(text) === "nginx-error") expect(key).toBe("not-access-log");
      }
      const expected = JSON.parse(read(`crowdsec/${d}/expected.json`)) as { parser_results?: Record<string, Record<string, CrowdsecResult[]>> };
      const s01 = expected.parser_results?.["s01-parse"] ?? {};
      for (const results of Object.values(s01)) {
        for (const res of results) {
          const msg = res.parsed?.message;
          const meta = res.meta;
          if (!res.success || msg === undefined || !meta) continue;
          const r = parseLine(msg, { line: 1 });
          if (meta.log_type === "http_error-log") {
            // CrowdSec replaces `message` with the error text, so find the log line it came from.
            const from = logLines.filter((l) => l.includes(msg) && l.includes(meta.source_ip));
            expect(from.length, msg).toBeGreaterThan(0);
            for (const l of from) {
              const lr = parseLine(l, { line: 1 });
              expect(lr.ok).toBe(false);
              // nginx error lines are evidence we read; Apache's error log is a format we do not parse.
              if (classifyLine(l) === "nginx-error") expect(parseNonAccessLine(l)?.client).toBe(meta.source_ip);
              else expect(lr.ok ? "ok" : lr.rejected.reason).toBe("unknown-format");
            }
            continue;
          }
          expect(r.ok, msg).toBe(true);
          if (!r.ok) continue;
          const e = r.event;
          if (meta.source_ip !== undefined) expect(e.clientIp).toBe(meta.source_ip);
          // Traefik logs `-` when there was no response status; the event model spells that 0.
          if (meta.http_status !== undefined) expect(e.status).toBe(meta.http_status === "-" ? 0 : Number(meta.http_status));
          if (meta.http_verb !== undefined) expect(e.method).toBe(meta.http_verb);
          // CrowdSec's target_fqdn drops the port that a logged vhost (`%v:%p`, Host header) may carry.
          if (meta.target_fqdn !== undefined) expect(e.host.replace(/:\d+$/, "")).toBe(meta.target_fqdn);
          if (meta.http_path !== undefined) {
            if (e.malformedRequest) expect(e.path).toBe(meta.http_path);
            else expect(target(e)).toBe(decodeLogged(meta.http_path));
          }
        }
      }
    });
  }
  it("summary", () => {
    console.log("crowdsec hub logs:", JSON.stringify(totals));
  });
});

describe("elastic/examples apache_logs (10,000 real combined lines)", () => {
  it("parses or rejects every line with a reason", () => {
    const all = lines(read("real-world/elastic-examples-apache_logs.log"));
    expect(all.length).toBe(10000);
    const counts: Record<string, number> = {};
    const rejectedSamples: string[] = [];
    all.forEach((text, i) => {
      const r = parseLine(text, { line: i + 1 });
      checkContract(r);
      const key = r.ok ? `ok:${r.event.source.format}` : r.rejected.reason;
      counts[key] = (counts[key] ?? 0) + 1;
      if (!r.ok && rejectedSamples.length < 5) rejectedSamples.push(`${r.rejected.reason} ${r.rejected.detail}: ${text.slice(0, 160)}`);
    });
    console.log("elastic apache_logs:", JSON.stringify(counts), rejectedSamples);
    const ok = Object.entries(counts).filter(([k]) => k.startsWith("ok:")).reduce((s, [, n]) => s + n, 0);
    expect(ok).toBeGreaterThan(9900);
  });
});
