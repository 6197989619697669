import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generate } from "../../../../bench/gen/generate.js";
import { loadProbeLists } from "../../../../bench/gen/lists.js";
import type { Incident } from "../incident/incident.js";
import { defaultPacks } from "../../testing/packs.js";
import { compileLogFormat } from "../parse/index.js";
import { parseTimeLocal } from "../parse/time.js";
import { Pipeline, type PipelineOptions } from "./pipeline.js";

/**
 * One seeded traffic (bench/gen: background users, scanner bursts, a low-and-slow scanner, an exploit and a
 * 5xx episode) logged twice by nginx: at the edge, each client's own address in `$remote_addr`, and behind
 * two balancers, `$remote_addr` a balancer and the client in X-Forwarded-For. Both logs use `$msec`, the
 * generator's own millisecond order, so no two requests share a time: events that do are ordered by their
 * line text, which differs between the two logs by construction.
 */
const packs = defaultPacks();
const generated: string[] = [];
generate({ lines: 40_000, format: "combined", clients: 400, seed: 25, mode: "mixed", lists: loadProbeLists() }, (c) => generated.push(c));
const FORMAT = '$msec $remote_addr - $remote_user "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';
const customFormat = compileLogFormat(FORMAT);

/** Each generated line as (client, epoch ms unique and in order within its second, the rest from `"$request"` on). */
const requests = (() => {
  let second = -1;
  let k = 0;
  return generated
    .join("")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const m = /^(\S+) - - \[([^\]]+)\] (.*)$/.exec(l)!;
      const s = parseTimeLocal(m[2]);
      k = s === second ? k + 1 : 0;
      second = s;
      return { client: m[1], ms: s + k, rest: m[3] };
    });
})();
const msec = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}`;
const direct = requests.map((r) => `${msec(r.ms)} ${r.client} - - ${r.rest} "-"`).join("\n");

const BALANCERS = ["10.0.0.5", "10.0.0.6"];
/** The same requests behind a balancer; `spoof` writes an attacker's fake hops left of the real address. */
function behindBalancer(spoof: (i: number) => string | undefined): string {
  return requests.map((r, i) => `${msec(r.ms)} ${BALANCERS[i % 2]} - - ${r.rest} "${spoof(i) ? `${spoof(i)}, ` : ""}${r.client}"`).join("\n");
}

function run(text: string, over: Partial<PipelineOptions> = {}) {
  const p = new Pipeline({ packs, host: "shop.example.com", customFormat, ...over });
  p.pushText(text, { file: "access.log" });
  p.endText({ file: "access.log" });
  return { incidents: p.flush(), stats: p.stats };
}

/** What an incident claims, without the parts that name how the request reached nginx. */
function claims(list: Incident[]) {
  const samples = (evidence: Incident["evidence"]) => evidence.map(({ via: _via, ...s }) => s);
  return list.map(({ proof: _proof, evidence, findings, ...rest }) => ({ ...rest, evidence: samples(evidence), findings: findings.map((f) => ({ ...f, evidence: samples(f.evidence) })) }));
}

const trusted: Partial<PipelineOptions> = { clientIp: { from: "forwarded", trustedProxies: ["10.0.0.0/8"] } };
const reference = run(direct);

describe("clients behind a balancer, with --trusted-proxies", () => {
  it("the traffic has per-client security incidents to compare (the test is not vacuous)", () => {
    const clients = new Set(reference.incidents.filter((i) => i.kind === "security").map((i) => i.key.clientIp));
    // The scanner and the exploit sender (the busiest background client's scattered 404s are not probing).
    expect(clients.size).toBeGreaterThanOrEqual(2);
    expect(reference.stats.proxyHint).toBeUndefined();
  });

  it("gives the same incidents as the same traffic logged with the real client addresses", () => {
    const behind = run(behindBalancer(() => undefined), trusted);
    expect(claims(behind.incidents)).toEqual(claims(reference.incidents));
    expect(behind.stats.proxyHint).toBeUndefined();
    // The proxy chain the evidence came through is shown.
    const sample = behind.incidents.find((i) => i.kind === "security")!.evidence[0];
    expect(BALANCERS).toContain(sample.via);
    expect(behind.incidents[0].proof).toMatch(/\(via 10\.0\.0\.[56]\)/);
  });

  it("a spoofed `X-Forwarded-For: 1.2.3.4, <real>` never moves the key away from the attacker", () => {
    const spoofed = run(behindBalancer((i) => (i % 3 === 0 ? "1.2.3.4" : i % 3 === 1 ? "10.9.9.9, 1.2.3.4" : undefined)), trusted);
    expect(claims(spoofed.incidents)).toEqual(claims(reference.incidents));
    expect(spoofed.incidents.some((i) => i.key.clientIp === "1.2.3.4")).toBe(false);
  });

  it("without --trusted-proxies every user is the balancer, and the stats say why", () => {
    const untrusted = run(behindBalancer(() => undefined));
    const keyed = new Set(untrusted.incidents.filter((i) => i.kind === "security").map((i) => i.key.clientIp));
    expect([...keyed].every((k) => BALANCERS.includes(k!))).toBe(true);
    expect(untrusted.stats.proxyHint).toMatchObject({ header: "X-Forwarded-For", share: 1, addresses: 2 });
    expect(BALANCERS).toContain(untrusted.stats.proxyHint!.remoteAddr);
  });
});

describe("determinism with a compiled format and trusted proxies", () => {
  const text = behindBalancer((i) => (i % 5 === 0 ? "1.2.3.4" : undefined));
  const chunked = (cuts: number[]) => {
    const p = new Pipeline({ packs, host: "shop.example.com", customFormat, ...trusted });
    let at = 0;
    for (const c of [...cuts].sort((a, b) => a - b)) {
      p.pushText(text.slice(at, c), { file: "access.log" });
      at = c;
    }
    p.pushText(text.slice(at), { file: "access.log" });
    p.endText({ file: "access.log" });
    return JSON.stringify({ incidents: p.flush(), stats: p.stats });
  };
  const whole = chunked([]);

  it("any chunking of the text gives byte-identical incidents and stats", () => {
    expect(JSON.parse(whole).incidents.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 30 }), (cuts) => chunked(cuts) === whole),
      { numRuns: 6 },
    );
  });
});
