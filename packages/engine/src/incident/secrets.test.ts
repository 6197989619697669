import { describe, expect, it } from "vitest";
import { Pipeline } from "../pipeline/pipeline.js";
import { parseNonAccessLine } from "../parse/index.js";
import { defaultPacks } from "../../testing/packs.js";
import { createRedactor, redactQuery, redactText, REDACTED } from "./redact.js";

/** A credential as it is written in a log line, and the value that must never be shown. */
interface Case {
  name: string;
  path?: string;
  referer?: string;
  userAgent?: string;
  secret: string;
}

const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const UA = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0";

// Real-looking secrets (public documentation examples and made-up values in real formats) in the places they leak from.
const CASES: Case[] = [
  { name: "oauth access_token in query", path: "/api/me?access_token=ya29.a0AfH6SMBx3kqL9vQpZt7Rr2WmN8cXe&fields=id", secret: "ya29.a0AfH6SMBx3kqL9vQpZt7Rr2WmN8cXe" },
  { name: "api_key in query", path: "/maps/geo?api_key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", secret: "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY" },
  { name: "bare Google key in a path", path: "/proxy/AIzaSyB3kqL9vQpZt7Rr2WmN8cXe0fH6SMBx3kq/tiles", secret: "AIzaSyB3kqL9vQpZt7Rr2WmN8cXe0fH6SMBx3kq" },
  { name: "JWT as a path segment", path: `/api/verify/${JWT}`, secret: JWT },
  { name: "JWT in an unnamed query value", path: `/dl?x=${JWT}`, secret: JWT },
  { name: "password in query", path: "/login?user=alice&password=Tr0ub4dor-3xyz", secret: "Tr0ub4dor-3xyz" },
  { name: "percent-encoded parameter name", path: "/login?user=bob&pass%77ord=c0rrect-h0rse-battery", secret: "c0rrect-h0rse-battery" },
  { name: "jsessionid path parameter", path: "/shop/cart;jsessionid=8F3B2A1C9D7E6F5A4B3C2D1E0F9A8B7C?item=4", secret: "8F3B2A1C9D7E6F5A4B3C2D1E0F9A8B7C" },
  { name: "camelCase sessionToken", path: "/sync?sessionToken=f8c3de3d-1fea-4d7c-a8b0-29f63c4c3454", secret: "f8c3de3d-1fea-4d7c-a8b0-29f63c4c3454" },
  { name: "authtoken in one word", path: "/feed?authtoken=Qm9vbTQyLXNlY3JldC10b2tlbi12YWx1ZQ", secret: "Qm9vbTQyLXNlY3JldC10b2tlbi12YWx1ZQ" },
  { name: "S3 presigned URL", path: "/bucket/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", secret: "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404" },
  { name: "AWS access key id", path: "/bucket/report.pdf?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524", secret: "AKIAIOSFODNN7EXAMPLE" },
  { name: "GCS signed URL", path: "/b/o.txt?X-Goog-Signature=6a9f0c2be83d71f4a6b5c8d9e0f1a2b3c4d5e6f7", secret: "6a9f0c2be83d71f4a6b5c8d9e0f1a2b3c4d5e6f7" },
  { name: "short signature", path: "/thumb/1?expires=1700000000&sig=3f9a0c7d21b8e645", secret: "3f9a0c7d21b8e645" },
  { name: "client_secret", path: "/oauth/token?grant_type=client_credentials&client_secret=Xk2mV9pQ7sT4wY1zB6nC", secret: "Xk2mV9pQ7sT4wY1zB6nC" },
  { name: "OAuth code in an encoded nested URL", path: "/login?next=%2Fcallback%3Fcode%3DSplxlOBeZQQYbYS6WxSbIA%26state%3Dxyz", secret: "SplxlOBeZQQYbYS6WxSbIA" },
  { name: "GitHub token in a path", path: "/repos/acme/app/ghp_16C7e42F292c6912E7710c838347Ae178B4a", secret: "ghp_16C7e42F292c6912E7710c838347Ae178B4a" },
  { name: "GitLab token in query", path: "/api/v4/projects?private_token=glpat-xY9zA8bC7dE6fG5hI4jK", secret: "glpat-xY9zA8bC7dE6fG5hI4jK" },
  { name: "Stripe key in a path", path: "/hooks/sk_live_51H8abcdEFGHijklMNOPqrst", secret: "sk_live_51H8abcdEFGHijklMNOPqrst" },
  { name: "basic-auth user info in a path", path: "/redirect/https://admin:S3cr3tPa55@intranet.example.com/", secret: "S3cr3tPa55" },
  { name: "basic-auth user info in referer", referer: "https://deploy:hQ8vN3xR@ci.example.com/job/1", secret: "hQ8vN3xR" },
  { name: "implicit-flow token in referer fragment", referer: "https://app.example.com/cb#access_token=EAAGm0PX4ZCpsBAKZCz9&token_type=bearer", secret: "EAAGm0PX4ZCpsBAKZCz9" },
  { name: "Slack token in referer", referer: "https://hooks.example.com/?t=xoxb-2649103-4b5c6d7e8f9a0b1c", secret: "xoxb-2649103-4b5c6d7e8f9a0b1c" },
  { name: "Bearer in user agent", userAgent: `${UA} Authorization: Bearer mF_9.B5f-4.1JqM-tok3n`, secret: "mF_9.B5f-4.1JqM-tok3n" },
  { name: "Basic in user agent", userAgent: `curl/8.5.0 Basic dXNlcjpwYXNzd29yZA==`, secret: "dXNlcjpwYXNzd29yZA==" },
  { name: "cookie header in user agent", userAgent: `${UA} Cookie: PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3; theme=dark`, secret: "el4ukv0kqbvoirg7nkp4dncpk3" },
  { name: "token parameter in a bot URL", userAgent: "Mozilla/5.0 (compatible; ScanBot/1.0; +http://bot.example/?token=a1b2c3d4e5f6a7b8)", secret: "a1b2c3d4e5f6a7b8" },
  { name: "JWT in user agent", userAgent: `python-requests/2.31 ${JWT}`, secret: JWT },
];

function line(ip: string, sec: number, path: string, status: number, referer = "-", ua = UA): string {
  const t = `20/Nov/2026:10:${String(Math.floor(sec / 60)).padStart(2, "0")}:${String(sec % 60).padStart(2, "0")} +0000`;
  return `${ip} - - [${t}] "GET ${path} HTTP/1.1" ${status} 512 "${referer}" "${ua}" 362 0.016 [shop-web-80] [] 10.0.1.11:80 512 0.016 ${status} 6b9e8e070f7f97d6f581bb2545ef0efb`;
}

/** Every case as a probing burst from its own client (so each is evidence of its own incident), plus a 5xx spike. */
function corpus(): string {
  const lines: string[] = [];
  CASES.forEach((c, i) => {
    const ip = `198.51.100.${i + 1}`;
    for (let k = 0; k < 12; k++) {
      // Distinct paths make the burst, and every one carries the case's secret, so it is in samples and top paths.
      const path = c.path ? `/p${k}${c.path}` : `/probe-${k}.php?a=1`;
      lines.push(line(ip, i * 20 + k, path, 404, c.referer, c.userAgent));
    }
  });
  // A 5xx spike whose requests carry the secrets: reliability evidence shows path and user agent of 5xx samples.
  for (let k = 0; k < 60; k++) {
    const c = CASES[k % CASES.length];
    lines.push(line(`100.64.0.${k + 1}`, 700 + k, c.path ?? "/checkout", 502, c.referer, c.userAgent));
  }
  return lines.join("\n") + "\n";
}

function run(text: string) {
  const p = new Pipeline({ packs: defaultPacks(), host: "shop.example.com" });
  p.pushText(text, { file: "secrets.log" });
  const incidents = p.flush();
  return { incidents, stats: p.stats, nearMisses: p.nearMisses() };
}

/** Forms a leaked secret could take in the output: as is, percent-encoded, and its last 10 characters. */
function leaks(out: string, secret: string): string[] {
  return [secret, encodeURIComponent(secret), secret.slice(-10)].filter((s) => out.includes(s));
}

describe("secrets never reach incidents", () => {
  const output = run(corpus());
  const { incidents } = output;
  // Everything the CLI's JSON output holds: incidents (with proofs), stats and near misses.
  const json = JSON.stringify(output);

  it("the corpus really produces incidents whose evidence carries the secret-bearing fields", () => {
    const clients = new Set(incidents.filter((i) => i.kind === "security").map((i) => i.key.clientIp));
    expect(clients.size).toBe(CASES.length);
    expect(incidents.some((i) => i.kind === "reliability")).toBe(true);
    // Redaction happened where the secrets were: the markers are in evidence, top paths and proofs.
    expect(incidents.flatMap((i) => i.evidence).filter((e) => `${e.path} ${e.userAgent}`.includes(REDACTED)).length).toBeGreaterThan(CASES.length / 2);
    expect(incidents.some((i) => i.metrics.topPaths?.some((t) => t.path.includes(REDACTED)))).toBe(true);
    expect(incidents.some((i) => i.proof.includes(REDACTED))).toBe(true);
  });

  for (const c of CASES) {
    it(`${c.name}: not in any field of the output (ids, titles, keys, metrics, top paths, evidence, proofs, stats)`, () => {
      expect(leaks(json, c.secret)).toEqual([]);
    });
  }

  it("non-secret parts stay readable", () => {
    expect(json).toContain("/login?user=alice&password=[REDACTED]");
    expect(json).toContain("/shop/cart;jsessionid=[REDACTED]?item=4");
    expect(json).toContain("X-Amz-Algorithm=AWS4-HMAC-SHA256");
  });
});

// The engine's JSON output also carries stats.rejectedSamples (raw rejected lines) and RCA evidence quoting
// nginx error-log lines, both built in pipeline.ts, outside redact.ts.
describe("secrets in the rest of the JSON output", () => {
  it("rejected-line samples are redacted", () => {
    const { stats } = run(`garbage ?access_token=ya29.a0AfH6SMBx3kqL9vQpZt7Rr2WmN8cXe not a log line\n`);
    expect(stats.rejected).toEqual({ "unknown-format": 1 });
    expect(leaks(JSON.stringify(stats), "ya29.a0AfH6SMBx3kqL9vQpZt7Rr2WmN8cXe")).toEqual([]);
  });

  it("error-log lines kept as RCA evidence do not carry the request's secrets", () => {
    const err = `2026/11/20 10:00:01 [error] 31#31: *9 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: shop.example.com, request: "GET /pay?card_token=tok_9f8e7d6c5b4a3f2e HTTP/1.1", upstream: "http://10.0.1.11:80/pay?card_token=tok_9f8e7d6c5b4a3f2e", host: "shop.example.com"`;
    expect(parseNonAccessLine(err)?.reason).toBe("upstream-timeout");
    const p = new Pipeline({ packs: defaultPacks(), host: "shop.example.com", rca: (input) => ({ causes: [], blindSpots: [], summary: JSON.stringify(input.nonAccessEvidence ?? []) }) });
    p.pushText(`${err}\n${Array.from({ length: 40 }, (_, k) => line(`100.64.1.${k}`, k, "/pay", 504)).join("\n")}\n`);
    const out = JSON.stringify(p.flush());
    expect(out).toContain("upstream timed out");
    expect(leaks(out, "tok_9f8e7d6c5b4a3f2e")).toEqual([]);
  });
});

describe("redactor", () => {
  it("matches secret names by words, camelCase, encodings and suffixes, not by substrings", () => {
    const r = createRedactor();
    for (const n of ["token", "access_token", "AccessToken", "X-Amz-Signature", "AWSAccessKeyId", "api-key", "x_api_key_v2", "pass%77ord", "xsrftoken", "PHPSESSID", "sig"]) {
      expect(r.isSecretName(n), n).toBe(true);
    }
    for (const n of ["page", "monkey", "side", "passenger", "q", "utm_source", "id", "lang"]) expect(r.isSecretName(n), n).toBe(false);
  });

  it("takes a configurable list of secret parameter names", () => {
    const r = createRedactor(["tenant"]);
    expect(r.query("tenant=acme&token=abc")).toBe(`tenant=${REDACTED}&token=abc`);
    expect(redactQuery("tenant=acme&token=abc")).toBe(`tenant=acme&token=${REDACTED}`);
  });

  it("keeps empty values, repeated names and the structure of the query", () => {
    expect(redactQuery("token=&a=1&token=x&token=y#frag")).toBe(`token=&a=1&token=${REDACTED}&token=${REDACTED}#frag`);
    expect(redactText("/a/b?c=d")).toBe("/a/b?c=d");
    expect(redactText("/r?next=https://x/cb?code=S3CR3T&state=1")).toBe(`/r?next=https://x/cb?code=${REDACTED}&state=1`);
    expect(redactText("?a=?b=?c=?d=?e=?token=x/y?z")).toBe(`?a=?b=?c=?d=?e=?token=${REDACTED}`);
  });

  it("redacts header dumps and auth schemes in free text", () => {
    expect(redactText("x Proxy-Authorization: Digest username=a, response=b")).toBe(`x Proxy-Authorization: ${REDACTED}`);
    expect(redactText("Bearer+abcdefghij")).toBe(`Bearer+${REDACTED}`);
  });

  it("stays linear on hostile 1 MiB input", () => {
    for (const s of ["=".repeat(1 << 20), "?a=".repeat(350_000), "?token=".repeat(150_000), "a".repeat(1 << 20), "%3d".repeat(350_000), "?a".repeat(500_000), "eyJ" + "a".repeat(1 << 20), "http://" + "a".repeat(1 << 20)]) {
      const t = performance.now();
      redactText(s);
      expect(performance.now() - t, s.slice(0, 10)).toBeLessThan(1500);
    }
  });
});
