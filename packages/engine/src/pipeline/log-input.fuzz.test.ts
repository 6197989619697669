import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_LINE } from "../parse/index.js";
import type { RulePackDoc } from "../rules/index.js";
import { defaultPacks, REPO } from "../../testing/packs.js";
import { Pipeline } from "./pipeline.js";

// Hostile log input through the whole pipeline: nothing throws, and every line is counted exactly once as an
// event or as a rejection with a reason. EDGEPROOF_FUZZ_LONG=1 raises the property runs and drives the volume
// test to 10,000,000 lines (fast-check generates ~5k lines/s, the pipeline takes ~100k/s, so the volume test
// mutates pools of fast-check lines with a seeded PRNG instead of generating every line).
const LONG = process.env.EDGEPROOF_FUZZ_LONG === "1";
const VOLUME_LINES = LONG ? 10_000_000 : 60_000;
const FAST_RUNS = 120;

const fixture = (p: string) => readFileSync(join(REPO, "fixtures", p), "utf8").split("\n").filter((l) => l && !l.startsWith("# failJSON"));
const CORPUS = [
  ...fixture("parse/crowdsec/nginx-http-malformed/nginx_http-logs.log"),
  ...fixture("parse/fail2ban/nginx-bad-request"),
  ...fixture("parse/crowdsec/envoy-logs/envoy.log"),
  ...fixture("parse/crowdsec/traefik_json/traefik_json.log").slice(0, 20),
  ...fixture("parse/crowdsec/traefik_clf/traefik_clf.log").slice(0, 20),
  ...fixture("parse/ingress-nginx-issue-lines.jsonl").map((l) => JSON.parse(l).line as string),
  ...fixture("demo/access.log").slice(0, 60),
];

// Lines at and around the 1 MiB cap, built once (generating them per run would dominate the suite's time).
const HUGE = [
  `203.0.113.9 - - [20/Nov/2026:10:00:00 +0000] "GET /${"a".repeat(MAX_LINE - 120)} HTTP/1.1" 404 1 "-" "x"`,
  `203.0.113.9 - - [20/Nov/2026:10:00:00 +0000] "GET /${"b".repeat(MAX_LINE)} HTTP/1.1" 404 1 "-" "x"`,
  `{"time":"2026-11-20T10:00:00Z","status":200,"request_uri":"/${"\\u0000".repeat(150_000)}"}`,
  "\u0000".repeat(MAX_LINE + 1),
  "\uFFFD".repeat(MAX_LINE - 1),
];

const CRI = ["2026-11-20T10:00:00.123456789Z stdout F ", "2026-11-20T10:00:00.123456789Z stderr P ", "2026-11-20T10:00:00Z stdout F"];
const SYSLOG = ["<190>Nov 20 10:00:00 edge nginx: ", "<13>1 2026-11-20T10:00:00Z edge nginx - - - "];

/** A corpus line changed the way broken shippers and attackers change lines. */
const mutated = fc
  .tuple(fc.constantFrom(...CORPUS), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 8 }), fc.string({ unit: "binary", maxLength: 12 }))
  .map(([line, a, b, how, junk]) => {
    const i = a % (line.length + 1);
    const j = b % (line.length + 1);
    switch (how) {
      case 0:
        return line.slice(0, i); // cut mid-field
      case 1:
        return line.slice(0, i) + junk + line.slice(i);
      case 2:
        return line.slice(0, i) + "\u0000" + line.slice(j);
      case 3:
        return CRI[a % CRI.length] + line;
      case 4:
        return SYSLOG[a % SYSLOG.length] + line;
      case 5:
        return line.replaceAll('"', junk.slice(0, 1));
      case 6:
        return line.slice(j) + line.slice(0, i);
      case 7:
        return `${line}\r`;
      default:
        return line;
    }
  });

const lineArb = fc.oneof(
  { weight: 6, arbitrary: mutated },
  { weight: 3, arbitrary: fc.constantFrom(...CORPUS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "\r", " ", "\t", "-", "{", "{}", "[]", "null", '"', "\u2028", "\ud800") },
);

/** One input: lines joined by LF or CRLF, maybe without a final newline, and a way to cut it into chunks. */
const inputArb = (maxLines: number) =>
  fc.record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: maxLines, size: "max" }),
    crlf: fc.boolean(),
    trailingNewline: fc.boolean(),
    chunk: fc.integer({ min: 1, max: 70_000 }),
  });

let linesTried = 0;
const started = performance.now();
afterAll(() => {
  const s = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`log-input fuzz: ${linesTried.toLocaleString("en")} lines through the pipeline in ${s} s${LONG ? " (long mode)" : ""}`);
});

/** Lines the pipeline must count for this text: one per LF, plus an unterminated last line. */
function expectedLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return text.length && !text.endsWith("\n") ? n + 1 : n;
}

function checkAccounting(p: Pipeline, text: string): void {
  const { stats } = p;
  const rejected = Object.values(stats.rejected).reduce((a, b) => a + b, 0);
  expect(stats.lines).toBe(expectedLines(text));
  expect(stats.lines).toBe(stats.events + rejected);
  for (const reason of Object.keys(stats.rejected)) expect(stats.rejectedSamples[reason], reason).toBeDefined();
  linesTried += stats.lines;
}

function feed(packs: RulePackDoc[], chunks: Iterable<string>): Pipeline {
  const p = new Pipeline({ packs, host: "fuzz.example" });
  for (const c of chunks) p.pushText(c, { file: "fuzz.log" });
  p.endText({ file: "fuzz.log" });
  const incidents = p.flush();
  expect(Array.isArray(incidents)).toBe(true);
  return p;
}

function* chunksOf(text: string, size: number): Iterable<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** xorshift32: reproducible volume input from a seed that a failure message names. */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe("hostile log input never throws and every line is accounted for", () => {
  const packs = defaultPacks();

  it(
    "mixed formats, cut lines, NULs, CRLF, CRI and syslog wrappers, binary junk, any chunking",
    () => {
      const prop = fc.property(inputArb(LONG ? 2000 : 150), ({ lines, crlf, trailingNewline, chunk }) => {
        const text = lines.join(crlf ? "\r\n" : "\n") + (trailingNewline ? "\n" : "");
        checkAccounting(feed(packs, chunksOf(text, chunk)), text);
      });
      fc.assert(prop, { numRuns: LONG ? 2000 : FAST_RUNS });
    },
    LONG ? 4 * 3600_000 : 60_000,
  );

  it(
    "random bytes decoded like the CLI does (streaming UTF-8 with replacement, cut anywhere)",
    () => {
      const prop = fc.property(fc.uint8Array({ maxLength: LONG ? 20_000 : 4000 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const decoder = new TextDecoder("utf-8", { fatal: false });
        const pieces: string[] = [];
        let from = 0;
        for (const to of [...points, bytes.length]) {
          pieces.push(decoder.decode(bytes.subarray(from, to), { stream: true }));
          from = to;
        }
        pieces.push(decoder.decode());
        const text = pieces.join("");
        expect(text).toBe(new TextDecoder().decode(bytes));
        checkAccounting(feed(packs, pieces), text);
      });
      fc.assert(prop, { numRuns: LONG ? 5000 : FAST_RUNS });
    },
    LONG ? 4 * 3600_000 : 60_000,
  );

  it(
    `volume: ${VOLUME_LINES.toLocaleString("en")} lines mutated from fast-check pools, 100k-line inputs, accounting after each`,
    () => {
      const BATCH = 100_000;
      for (let round = 0, done = 0; done < VOLUME_LINES; round++) {
        const rand = prng(round + 1);
        const pool = fc.sample(lineArb, { numRuns: 3000, seed: round + 1 });
        const lines: string[] = [];
        for (let i = 0; i < Math.min(BATCH, VOLUME_LINES - done); i++) {
          const line = pool[rand(pool.length)];
          const cut = rand(line.length + 1);
          const k = rand(10);
          lines.push(k === 0 ? line.slice(0, cut) : k === 1 ? `${line.slice(0, cut)}\u0000${line.slice(cut)}` : k === 2 ? `${line}\r` : line);
        }
        const text = lines.join("\n");
        const p = feed(packs, chunksOf(text, 1 + rand(1 << 17)));
        expect.soft(p.stats.lines, `round ${round}`).toBe(expectedLines(text));
        checkAccounting(p, text);
        done += lines.length;
      }
    },
    LONG ? 4 * 3600_000 : 60_000,
  );

  it("lines at and over the 1 MiB cap: parsed in full below it, rejected as too-long above it, in bounded time", () => {
    const text = HUGE.join("\n");
    const t = performance.now();
    const p = feed(packs, chunksOf(text, 1 << 16));
    expect(performance.now() - t).toBeLessThan(20_000);
    checkAccounting(p, text);
    expect(p.stats.rejected["too-long"]).toBe(2);
    expect(p.stats.events).toBeGreaterThanOrEqual(1);
    expect(p.stats.rejectedSamples["too-long"].sample.length).toBeLessThanOrEqual(512);
  });

  it("the corpus itself is accounted for line by line, whatever the chunk size", () => {
    const text = CORPUS.join("\n");
    const counts = [1, 7, 4096, text.length].map((size) => {
      const p = feed(packs, chunksOf(text, size));
      checkAccounting(p, text);
      return JSON.stringify(p.stats);
    });
    expect(new Set(counts).size).toBe(1);
  });
});
