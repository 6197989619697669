import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Document } from "yaml";
import { loadRulePack } from "./load.js";
import { RulePackError } from "./problems.js";

// Hostile rule packs: loadRulePack returns a pack or throws RulePackError whose every problem names
// file:line:col, within a bounded time; nothing else ever escapes. EDGEPROOF_FUZZ_LONG=1 runs 50x more cases.
const LONG = process.env.EDGEPROOF_FUZZ_LONG === "1";
const RUNS = LONG ? 20_000 : 300;
const MAX_MS_PER_CASE = 3000;
const FILE = "packs/fuzz.yaml";

const BASE = {
  apiVersion: "edgeproof/v1",
  name: "fuzz",
  version: "1.0.0",
  lists: { probes: { items: ["/.env", "^/wp-(admin|login)"], match: "regex" } },
  signatures: { probes: { list: "probes", fields: ["path"] } },
  rules: [
    {
      id: "probe-burst",
      name: "Probe burst",
      kind: "security",
      category: "probing",
      match: [
        { field: "status", op: "in", value: [401, 403, 404] },
        { field: "path", op: "regex", value: "^/admin" },
      ],
      groupBy: ["clientIp", "host"],
      window: "30s",
      cooldown: "1m",
      when: [{ metric: "distinct(path)", op: ">=", value: 10 }],
      severity: "P3",
      escalate: [{ outcome: ["impact"], severity: "P1" }],
    },
    {
      id: "seed-style",
      name: "Seed style",
      category: "auth",
      defaultSeverity: "P2",
      detection: { pattern: [{ field: "path", operator: "contains", value: "/login" }], threshold: { count: 5, window: "1m" }, correlate: { field: "clientIp" } },
    },
  ],
};

let cases = 0;
let refused = 0;
afterAll(() => console.log(`rule-pack fuzz: ${cases.toLocaleString("en")} packs loaded, ${refused.toLocaleString("en")} refused with RulePackError`));

/** Loads and checks the contract; returns the problems (empty when the pack loaded). */
function loadChecked(text: string): RulePackError["problems"] {
  cases++;
  const t = performance.now();
  let problems: RulePackError["problems"] = [];
  try {
    loadRulePack(text, FILE, (p) => (p === "lists/known.txt" ? "/a\n/b\n" : undefined));
  } catch (err) {
    if (!(err instanceof RulePackError)) throw new Error(`raw ${(err as Error)?.name}: ${(err as Error)?.message}`);
    problems = err.problems;
    refused++;
    expect(problems.length).toBeGreaterThan(0);
    const lines = text.split("\n").length;
    for (const p of problems) {
      expect(p.file).toBe(FILE);
      expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= lines + 1, `line ${p.line}`).toBe(true);
      expect(Number.isInteger(p.col) && p.col >= 1, `col ${p.col}`).toBe(true);
      expect(p.message.trim().length).toBeGreaterThan(0);
    }
    for (const line of err.message.split("\n")) if (!line.startsWith(" ")) expect(line).toMatch(/^packs\/fuzz\.yaml:\d+:\d+: /);
  }
  expect(performance.now() - t).toBeLessThan(MAX_MS_PER_CASE);
  return problems;
}

const yamlOf = (v: unknown) => new Document(v, { aliasDuplicateObjects: false }).toString({ lineWidth: 0 });

// Values that break types, limits and formats in the places the schema cares about.
const hostileValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5, "", " ", "5x", "-5s", "0s", "1e99h", "5 m", "∞", "P3", "security"),
  fc.constantFrom("(", "[z-a]", "(?<n>", "\\", "a{2,1}", "(a+)+$", "*", "(?<=a", "\\p{Nope}"),
  fc.constantFrom([], {}, [[]], [{}], { a: { b: { c: { d: {} } } } }),
  fc.string({ maxLength: 20 }),
  fc.double(),
  fc.bigInt().map((b) => Number(b)),
  fc.jsonValue({ maxDepth: 3 }),
);

const PATHS: Array<Array<string | number>> = [
  ["apiVersion"], ["name"], ["version"], ["lists"], ["lists", "probes"], ["lists", "probes", "items"], ["lists", "probes", "items", 1], ["lists", "probes", "match"],
  ["lists", "probes", "file"], ["signatures", "probes", "list"], ["signatures", "probes", "fields"], ["rules"], ["rules", 0], ["rules", 0, "id"], ["rules", 0, "kind"],
  ["rules", 0, "match"], ["rules", 0, "match", 0, "op"], ["rules", 0, "match", 1, "value"], ["rules", 0, "match", 0, "field"], ["rules", 0, "groupBy"], ["rules", 0, "window"],
  ["rules", 0, "cooldown"], ["rules", 0, "when"], ["rules", 0, "when", 0, "metric"], ["rules", 0, "when", 0, "value"], ["rules", 0, "when", 0, "op"], ["rules", 0, "severity"],
  ["rules", 0, "escalate", 0, "outcome"], ["rules", 1, "detection", "threshold", "count"], ["rules", 1, "detection", "threshold", "window"], ["rules", 1, "detection", "pattern", 0, "operator"],
  ["rules", 1, "defaultSeverity"], ["rules", 1, "detection", "correlate", "within"],
];

function setIn(obj: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(obj) as Record<string | number, unknown>;
  let cur: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== "object" || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]] = value;
  return copy;
}

/** The base pack with one to four fields replaced, unknown keys added, or rules duplicated. */
const structural = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constant("set" as const), fc.constantFrom(...PATHS), hostileValue),
      fc.tuple(fc.constant("unknown" as const), fc.constantFrom(...PATHS.filter((p) => p.length <= 2)), fc.string({ minLength: 1, maxLength: 8 })),
      fc.tuple(fc.constant("dup" as const), fc.constant([] as Array<string | number>), fc.constant(null)),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((edits) => {
    let pack: unknown = BASE;
    for (const [kind, path, v] of edits) {
      if (kind === "set") pack = setIn(pack, path, v);
      else if (kind === "unknown") pack = setIn(pack, [...path, `x_${String(v)}`], 1);
      else pack = setIn(pack, ["rules", 2], (pack as typeof BASE).rules?.[0] ?? {});
    }
    return yamlOf(pack);
  });

function bombText(width: number, depth: number): string {
  const lines = [`a0: &a0 [${Array(width).fill('"lol"').join(",")}]`];
  for (let d = 1; d < depth; d++) lines.push(`a${d}: &a${d} [${Array(width).fill(`*a${d - 1}`).join(",")}]`);
  return `${lines.join("\n")}\nrules: *a${depth - 1}\n`;
}

const bomb = fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 })).map(([w, d]) => bombText(w, d));

const deep = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom("[", "{a: ", "- ")).map(([n, open]) =>
  open === "- " ? Array.from({ length: Math.min(n, 4000) }, (_, i) => `${" ".repeat(i * 2)}- x:`).join("\n") : `rules: ${open.repeat(n)}1${(open === "[" ? "]" : "}").repeat(n)}\n`,
);

const textual = fc
  .tuple(fc.constant(yamlOf(BASE)), fc.nat(), fc.nat(), fc.string({ unit: "binary", maxLength: 40 }), fc.integer({ min: 0, max: 5 }))
  .map(([text, a, b, junk, how]) => {
    const i = a % (text.length + 1);
    const j = b % (text.length + 1);
    switch (how) {
      case 0:
        return text.slice(0, i);
      case 1:
        return text.slice(0, i) + junk + text.slice(i);
      case 2:
        return text.slice(0, i) + "\t" + text.slice(i);
      case 3:
        return text.slice(0, Math.min(i, j)) + text.slice(Math.max(i, j));
      case 4:
        return `${text}${text.slice(i, j)}`;
      default:
        return text.replace(/: /g, junk.slice(0, 2) || ":");
    }
  });

const anyPack = fc.oneof(
  { weight: 6, arbitrary: structural },
  { weight: 3, arbitrary: textual },
  { weight: 1, arbitrary: bomb },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 400 }) },
);

describe("hostile rule packs", () => {
  it("the base pack is valid (so every refusal below comes from a mutation)", () => {
    expect(loadChecked(yamlOf(BASE))).toEqual([]);
  });

  it(`${RUNS} fuzzed packs: a pack or a RulePackError with file:line:col per problem, each in < ${MAX_MS_PER_CASE} ms`, () => {
    fc.assert(fc.property(anyPack, (text) => void loadChecked(text)), { numRuns: RUNS });
  }, LONG ? 3600_000 : 120_000);

  const one = (path: Array<string | number>, value: unknown) => loadChecked(yamlOf(setIn(BASE, path, value)));

  it.each([
    ["bad duration 5x", ["rules", 0, "window"], "5x", "rules[0].window"],
    ["negative duration", ["rules", 0, "cooldown"], "-5s", "rules[0].cooldown"],
    ["huge number", ["rules", 0, "when", 0, "value"], 1e400, "rules[0].when[0].value"],
    ["wrong type", ["rules", 0, "groupBy"], "clientIp", "rules[0].groupBy"],
    ["unknown severity", ["rules", 0, "severity"], "P9", "rules[0].severity"],
    ["bad regex predicate", ["rules", 0, "match", 1, "value"], "(", "rules[0].match[1].value"],
    ["bad regex list entry", ["lists", "probes", "items", 1], "[z-a]", "lists.probes"],
    ["unknown signature class", ["rules", 0, "when", 0, "metric"], "signatureHits(nope)", "rules[0].when[0].metric"],
  ] as const)("%s is one problem at its own node", (_, path, value, where) => {
    const problems = one([...path], value);
    expect(problems.map((p) => p.path)).toEqual([where]);
    expect(problems[0].line).toBeGreaterThan(1);
  });

  it("duplicate rule ids and unknown keys are each reported", () => {
    // A rule with a schema problem is not id-checked, so the unknown key goes on another rule than the duplicates.
    const dup = loadChecked(yamlOf(setIn(setIn(BASE, ["rules", 2], BASE.rules[0]), ["rules", 1, "x_unknown"], 1)));
    expect(dup.map((p) => p.message).sort()).toEqual(['duplicate rule id "probe-burst" (first at rules[0])', 'unknown field "x_unknown"'].sort());
  });

  it.each([
    ["flow sequences", `rules: ${"[".repeat(20_000)}${"]".repeat(20_000)}`],
    ["flow maps", `rules: ${"{a: ".repeat(20_000)}1${"}".repeat(20_000)}`],
    ["block maps", Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")],
  ])("nesting 20,000 deep (%s) overflows the parser's stack: a RulePackError, not a raw RangeError", (_, text) => {
    expect(loadChecked(text).length).toBeGreaterThan(0);
  });

  it("a billion-laughs pack is refused fast by the bounded alias expansion", () => {
    // 10 levels of 10 aliases: 10^10 nodes if expanded.
    const problems = loadChecked(bombText(10, 10));
    expect(problems.map((p) => p.message)).toEqual(["Excessive alias count indicates a resource exhaustion attack"]);
  });
});
