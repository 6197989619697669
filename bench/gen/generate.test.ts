import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generate, type GenOptions } from "./generate.js";
import { loadProbeLists } from "./lists.js";

const lists = loadProbeLists();

function run(over: Partial<GenOptions>): { text: string; bytes: number } {
  const parts: string[] = [];
  const bytes = generate({ lines: 5_000, format: "upstreaminfo", clients: 500, seed: 1, mode: "mixed", lists, ...over }, (c) => parts.push(c));
  return { text: parts.join(""), bytes };
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const UPSTREAMINFO = /^\S+ - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "[A-Z]+ \S+ HTTP\/[\d.]+" \d{3} \d+ "[^"]*" "[^"]*" \d+ \d+\.\d{3} \[[^\]]+\] \[\] .+ [0-9a-f]{32}$/;

const probes = new Set([...lists.sensitive, ...lists.admin, ...lists.backdoors, ...lists.traversal, ...lists.cves]);

describe("bench generator", () => {
  it("gives the same bytes for the same seed and line count, and different bytes for another seed", () => {
    const a = run({});
    expect(sha(run({}).text)).toBe(sha(a.text));
    expect(sha(run({ seed: 2 }).text)).not.toBe(sha(a.text));
    expect(a.bytes).toBe(Buffer.byteLength(a.text));
  });

  it("writes exactly N well-formed upstreaminfo lines in event-time order", () => {
    const lines = run({}).text.split("\n").slice(0, -1);
    expect(lines).toHaveLength(5_000);
    for (const l of lines) expect(l).toMatch(UPSTREAMINFO);
    const stamps = lines.map((l) => l.slice(l.indexOf("[") + 1, l.indexOf("]")));
    expect([...stamps].sort((x, y) => Date.parse(x.replace(":", " ")) - Date.parse(y.replace(":", " ")))).toEqual(stamps);
  });

  it("contains the planted episodes: scanner probes, an exploit answered 200, 503s then 504 timeouts, IPv6", () => {
    const text = run({ lines: 20_000 }).text;
    const has = (re: RegExp) => expect(re.test(text), String(re)).toBe(true);
    has(/"GET \/cgi-bin\/\.%2e\/\.%2e\/\.%2e\/\.%2e\/etc\/passwd HTTP\/1\.1" 200 /);
    has(/" 503 190 .* \[shop-cart-8080\] \[\] (0\.0\.0\.1:80 0 0\.000 503|- - - -) /);
    has(/" 504 562 .* 0, 0, 0 5\.000, 5\.000, 5\.000 504, 504, 504 /);
    has(/, \S+ 0, \d+ \d\.\d{3}, \d\.\d{3} 502, 200 /);
    has(/^[0-9a-f]+:[0-9a-f:]+ - - \[/m);
    const blockedProbes = text.split("\n").filter((l) => probes.has(l.split(" ")[6]) && / 40[34] /.test(l));
    expect(blockedProbes.length).toBeGreaterThanOrEqual(40);
  });

  it("renders combined lines as the prefix of the upstreaminfo lines", () => {
    const full = run({}).text.split("\n");
    const combined = run({ format: "combined" }).text.split("\n");
    expect(combined).toHaveLength(full.length);
    for (let i = 0; i < 200; i++) expect(full[i].startsWith(combined[i] + " ")).toBe(true);
  });

  it("gives every line its own client in distinct-clients mode, within the requested duration", () => {
    const lines = run({ mode: "distinct-clients", lines: 3_000, durationS: 3_600 }).text.split("\n").slice(0, -1);
    expect(new Set(lines.map((l) => l.slice(0, l.indexOf(" ")))).size).toBe(3_000);
    expect(lines[0]).toContain("[20/Nov/2026:12:00:00 +0000]");
    expect(lines.at(-1)).toContain("[20/Nov/2026:12:59:58 +0000]");
  });

  it("builds the worst cases: distinct paths, all probes, exact 64 KiB lines", () => {
    const paths = run({ mode: "distinct-paths", lines: 2_000 }).text.split("\n").slice(0, -1).map((l) => l.split(" ")[6]);
    expect(new Set(paths).size).toBe(2_000);
    for (const l of run({ mode: "signatures", lines: 500 }).text.split("\n").slice(0, -1)) expect(probes.has(l.split(" ")[6])).toBe(true);
    const long = run({ mode: "long-lines", lines: 20 }).text.split("\n").slice(0, -1);
    for (const l of long) expect(Buffer.byteLength(l) + 1).toBe(65_536);
  });
});
