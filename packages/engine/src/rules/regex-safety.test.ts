import { checkSync } from "recheck";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LineCounter, isNode, parseDocument } from "yaml";
import { Pipeline } from "../pipeline/pipeline.js";
import { loadRulePack } from "./load.js";
import { RulePackError } from "./problems.js";
import { assertSafeRegexes, needsNoAnalysis, packRegexes, regexVerdict, type RegexChecker } from "./regex-safety.js";

// The analyser the CLI passes (native recheck on Node); the engine itself never imports it.
const recheck: RegexChecker = (source, flags) => checkSync(source, flags, { timeout: 5000 });

const pack = (predicate: string, items: string[]) => `apiVersion: edgeproof/v1
name: redos
version: 1.0.0
lists:
  evil:
    match: regex
    items:
${items.map((i) => `      - '${i}'`).join("\n")}
signatures:
  evil: { list: evil, fields: [path] }
rules:
  - id: regex-rule
    name: Regex rule
    kind: security
    category: test
    match:
      - { field: path, op: regex, value: '${predicate}' }
    groupBy: [clientIp]
    window: 10s
    when:
      - { metric: count, op: ">=", value: 1 }
    severity: P3
`;

/** line:col of a YAML path in the pack text, as the CLI computes it. */
function positionOf(text: string) {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  return (path: Array<string | number>) => {
    const node = doc.getIn(path, true);
    return isNode(node) && node.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
  };
}

describe("pack regex safety", () => {
  it("lists every regex the engine compiles, with the flags it compiles them with", () => {
    const doc = loadRulePack(pack("^/api/(v1|v2)/", ["^/wp-admin", "x+y"]), "p.yaml");
    expect(packRegexes(doc)).toEqual([
      { source: "^/api/(v1|v2)/", flags: "", path: ["rules", 0, "match", 0, "value"], origin: "" },
      { source: "^/wp-admin", flags: "i", path: ["lists", "evil", "items", 0], origin: 'list "evil"' },
      { source: "x+y", flags: "i", path: ["lists", "evil", "items", 1], origin: 'list "evil"' },
    ]);
  });

  it("skips the analyser only where the analyser would accept: at most one repetition, on one atom", () => {
    expect(needsNoAnalysis("^/goanywhere/")).toBe(true);
    expect(needsNoAnalysis("^/a\\+b[*+{]$")).toBe(true);
    expect(needsNoAnalysis("(?:^|&)author=[0-9]+(?:&|$)")).toBe(true);
    expect(needsNoAnalysis("a{2,}")).toBe(true);
    expect(needsNoAnalysis("(a+)+$")).toBe(false);
    expect(needsNoAnalysis("(ab)+")).toBe(false);
    expect(needsNoAnalysis("a+b+")).toBe(false);
    const atom = fc.constantFrom("a", "[ab]", "\\d", ".", "(a|b)", "(?:ab|a)", "^", "$");
    const quantified = fc.tuple(atom, fc.constantFrom("", "", "?", "*", "+", "{2,}")).map(([a, q]) => (/^[\^$]$/.test(a) ? a : a + q));
    fc.assert(
      fc.property(fc.array(quantified, { minLength: 1, maxLength: 6 }), (parts) => {
        const source = parts.join("");
        if (needsNoAnalysis(source)) expect(regexVerdict(recheck(source, "")), source).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it("policy: refuses exponential, cubic and undecided patterns; accepts linear and quadratic (bounded by the 8 KiB cut)", () => {
    expect(regexVerdict(recheck("(a+)+$", ""))).toMatch(/catastrophic backtracking \(exponential time\)/);
    expect(regexVerdict(recheck("^(\\w+\\s?)*$", ""))).toMatch(/exponential/);
    expect(regexVerdict(recheck("a.*a.*b", ""))).toMatch(/polynomial degree 3/);
    expect(regexVerdict(recheck("union.*select", "i"))).toBeUndefined();
    expect(regexVerdict(recheck("^/wp-(admin|login)\\.php", "i"))).toBeUndefined();
    expect(regexVerdict({ status: "unknown", error: { kind: "timeout" } })).toMatch(/could not be proven .* \(timeout\)/);
  });

  it("proof: a pack with (a+)+$ is refused at load with file:line:col for the predicate and the list entry, in bounded time", () => {
    const text = pack("(a+)+$", ["^/ok/", "(x|xx)+y"]);
    const doc = loadRulePack(text, "rules/redos.yaml");
    const t = performance.now();
    let err: unknown;
    try {
      assertSafeRegexes(doc, recheck, positionOf(text));
    } catch (e) {
      err = e;
    }
    expect(performance.now() - t).toBeLessThan(15_000);
    expect(err).toBeInstanceOf(RulePackError);
    const lines = (err as RulePackError).message.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^rules\/redos\.yaml:18:42: rules\[0\]\.match\[0\]\.value: regex \/\(a\+\)\+\$\/ rejected: catastrophic backtracking \(exponential time\)/);
    expect(lines[1]).toMatch(/^rules\/redos\.yaml:9:9: lists\.evil\.items\[1\]: list "evil": regex \/\(x\|xx\)\+y\/i rejected: catastrophic backtracking/);
  });

  it("why the load check is needed: input cutting does not bound an exponential pattern", () => {
    const re = /(a+)+$/;
    const time = (n: number) => {
      const t = performance.now();
      re.test(`${"a".repeat(n)}!`);
      return performance.now() - t;
    };
    time(16);
    // Each extra character doubles the work; 8 KiB of it would never finish.
    expect(time(22) / Math.max(time(16), 0.01)).toBeGreaterThan(8);
  });

  it("an accepted (quadratic) pack regex on a 100 KiB hostile line costs milliseconds: the matchers cut values to 8 KiB", () => {
    const text = pack("^/a.*z", ["^/a.*z"]);
    const doc = assertSafeRegexes(loadRulePack(text, "q.yaml"), recheck, positionOf(text));
    const p = new Pipeline({ packs: [doc] });
    const line = `203.0.113.7 - - [20/Nov/2026:10:00:00 +0000] "GET /${"a".repeat(100 * 1024)} HTTP/1.1" 404 1 "-" "x"`;
    const t = performance.now();
    for (let i = 0; i < 20; i++) p.pushText(`${line.replace("GET /", `GET /${i}`)}\n`);
    p.flush();
    expect(p.stats.events).toBe(20);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});
