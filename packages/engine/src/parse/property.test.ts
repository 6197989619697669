import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HTTPEvent, RejectReason, type UpstreamAttempt } from "../event/http-event.js";
import { dateLine, parseDated, parseLine } from "./index.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");

/** `$time_local` of an epoch ms in a given zone offset (minutes), as nginx writes it. */
function timeLocal(ms: number, offsetMin: number): string {
  const d = new Date(ms + offsetMin * 60000);
  const sign = offsetMin < 0 ? "-" : "+";
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(Math.abs(offsetMin) / 60))}${pad(Math.abs(offsetMin) % 60)}`;
}

/** nginx escape=default: `"`, `\`, bytes < 0x20 and > 0x7E as \xXX (non-ASCII as its UTF-8 bytes). */
function escapeDefault(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x22 || c === 0x5c || c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (c > 0x7e) for (const b of new TextEncoder().encode(ch)) out += `\\x${b.toString(16).toUpperCase()}`;
    else out += ch;
  }
  return out;
}

const dashed = (v: string | number | undefined) => (v === undefined ? "-" : String(v));

function renderCombined(e: HTTPEvent, offset: number): string {
  const target = e.path + (e.query === undefined ? "" : `?${e.query}`);
  return `${dashed(e.clientIp)} - ${dashed(e.remoteUser)} [${timeLocal(e.ts, offset)}] "${e.method} ${escapeDefault(target)} ${e.protocol}" ${e.status} ${dashed(e.bytes)} "${e.referer === undefined ? "-" : escapeDefault(e.referer)}" "${e.userAgent === undefined ? "-" : escapeDefault(e.userAgent)}"`;
}

function renderUpstreaminfo(e: HTTPEvent, offset: number): string {
  const u = e.upstream!;
  const list = (f: (a: UpstreamAttempt) => string) => {
    if (u.attempts.length === 0) return "-";
    return u.attempts.map((a, i) => (i === 0 ? "" : a.group !== u.attempts[i - 1].group ? " : " : ", ") + f(a)).join("");
  };
  return `${renderCombined(e, offset)} ${dashed(e.requestLength)} ${e.requestTime!.toFixed(3)} [${u.name ?? ""}] [${u.alternative ?? ""}] ${list((a) => a.addr)} ${list((a) => dashed(a.responseLength))} ${list((a) => (a.responseTime === undefined ? "-" : a.responseTime.toFixed(3)))} ${list((a) => dashed(a.status))} ${dashed(e.requestId)}`;
}

const token = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter((s) => s !== "-");
// Text with quotes, backslashes, controls and non-ASCII, as request paths and headers can carry.
const freeText = fc.string({ unit: fc.oneof(fc.constantFrom('"', "\\", "\u0001", "é", "日", " ", "?"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 30 });
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const ms3 = fc.integer({ min: 0, max: 600_000 }).map((n) => n / 1000);

const baseEvent = fc.record({
  ts: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }).map((t) => t - (t % 1000)),
  clientIp: fc.option(ip, { nil: undefined }),
  remoteUser: fc.option(token, { nil: undefined }),
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PROPFIND"),
  path: fc.tuple(fc.constant("/"), freeText).map(([a, b]) => a + b.replace(/[? ]/g, "_")),
  query: fc.option(freeText.map((q) => q.replace(/ /g, "+")), { nil: undefined }),
  protocol: fc.constantFrom("HTTP/1.0", "HTTP/1.1", "HTTP/2.0"),
  status: fc.integer({ min: 100, max: 599 }),
  bytes: fc.option(fc.nat({ max: 1e9 }), { nil: undefined }),
  referer: fc.option(freeText.filter((s) => s !== "-"), { nil: undefined }),
  userAgent: fc.option(freeText.filter((s) => s !== "-"), { nil: undefined }),
}).map((b) => ({ ...b, httpVersion: b.protocol.slice("HTTP/".length) }));

const attempt = fc.record({
  addr: fc.oneof(fc.ipV4().map((a) => `${a}:80`), token),
  status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
  responseTime: fc.option(ms3, { nil: undefined }),
  responseLength: fc.option(fc.nat({ max: 1e7 }), { nil: undefined }),
  groupStep: fc.boolean(),
});

const upstreamEvent = fc.record({
  base: baseEvent,
  requestLength: fc.nat({ max: 1e6 }),
  requestTime: ms3,
  name: fc.option(token, { nil: undefined }),
  alternative: fc.option(token, { nil: undefined }),
  attempts: fc.array(attempt, { maxLength: 4 }),
  requestId: fc.option(fc.stringMatching(/^[0-9a-f]{32}$/), { nil: undefined }),
});

const offset = fc.integer({ min: -12 * 60, max: 14 * 60 });
const strip = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

describe("parseLine properties", () => {
  it("never throws and always returns an event or a reasoned rejection", () => {
    const anyText = fc.oneof(
      fc.string({ unit: "binary", maxLength: 400 }),
      fc.string({ unit: fc.constantFrom('"', "[", "]", " ", "-", "\\", "x", "{", "}", ":", "1", "/", "\u0000", "\n"), maxLength: 200 }),
      fc.tuple(baseEvent, offset, fc.nat({ max: 300 })).map(([e, o, cut]) => renderCombined({ ...e, host: "-", source: { format: "combined", line: 1 } }, o).slice(0, cut)),
      fc.json().map((j) => j.replace(/"/, '"status":-,"')),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parseLine(text, { line: 1 });
        if (r.ok) HTTPEvent.parse(r.event);
        else {
          RejectReason.parse(r.rejected.reason);
          expect(r.rejected.sample.length).toBeLessThanOrEqual(512);
          // parseLine's last-resort catch must never be what produced the rejection.
          expect(r.rejected.detail ?? "").not.toMatch(/^parser error/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("a line dated by its head and parsed later gives exactly what parseLine gives", () => {
    const anyLine = fc.oneof(
      fc.tuple(baseEvent, offset, fc.nat({ max: 300 }), fc.constantFrom("", "2026-11-20T10:00:00Z stdout F ", "<190>Nov 20 10:00:00 edge nginx: ")).map(
        ([e, o, cut, wrap]) => wrap + renderCombined({ ...e, host: "-", source: { format: "combined", line: 1 } }, o).slice(0, cut),
      ),
      fc.string({ unit: fc.constantFrom('"', "[", "]", " ", "-", "2", "0", "/", "N", "o", "v", ":", "+", "\n"), maxLength: 60 }),
    );
    let dated = 0;
    fc.assert(
      fc.property(anyLine, fc.constantFrom("auto", "combined", "upstreaminfo", "json") as fc.Arbitrary<"auto" | "combined" | "upstreaminfo" | "json">, (text, format) => {
        const ctx = { line: 7, file: "f.log", format };
        const d = dateLine(text, format);
        const r = parseLine(text, ctx);
        if (r.ok && ["combined", "main", "upstreaminfo", "upstreaminfo-pre0.22", "traefik"].includes(r.event.source.format)) expect(d?.ts).toBe(r.event.ts);
        if (d) {
          dated++;
          expect(parseDated(d, text, ctx)).toEqual(r);
        }
      }),
      { numRuns: 3000 },
    );
    expect(dated).toBeGreaterThan(300);
  });

  it("survives huge lines", () => {
    for (const text of ["x".repeat(2 * 1024 * 1024), `1.2.3.4 - - [${"[".repeat(200_000)}`, '"'.repeat(300_000), "\\x".repeat(200_000)]) {
      const r = parseLine(text, { line: 1 });
      expect(r.ok).toBe(false);
    }
  });

  it("round-trips a combined line", () => {
    fc.assert(
      fc.property(baseEvent, offset, (b, off) => {
        const event: HTTPEvent = strip({ ...b, host: "-", source: { format: "combined", line: 1 } });
        const r = parseLine(renderCombined(event, off), { line: 1 });
        expect(r.ok && r.event).toEqual(event);
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips an upstreaminfo line", () => {
    fc.assert(
      fc.property(upstreamEvent, offset, (u, off) => {
        let group = 0;
        const attempts = u.attempts.map(({ groupStep, ...a }, i) => ({ ...a, group: i > 0 && groupStep ? ++group : group }));
        const event: HTTPEvent = strip({
          ...u.base,
          host: "-",
          requestLength: u.requestLength,
          requestTime: u.requestTime,
          requestId: u.requestId,
          upstream: { name: u.name, alternative: u.alternative, attempts },
          source: { format: "upstreaminfo", line: 1 },
        });
        const r = parseLine(renderUpstreaminfo(event, off), { line: 1 });
        expect(r.ok && r.event).toEqual(event);
      }),
      { numRuns: 1000 },
    );
  });
});
