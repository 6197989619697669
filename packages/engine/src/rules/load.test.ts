import { describe, expect, it } from "vitest";
import { loadRulePack } from "./load.js";
import { RulePackError, type PackProblem } from "./problems.js";
import { defaultPacks } from "../../testing/packs.js";

function problems(text: string, resolve?: (p: string) => string | undefined): PackProblem[] {
  try {
    loadRulePack(text, "pack.yaml", resolve);
  } catch (err) {
    expect(err).toBeInstanceOf(RulePackError);
    return (err as RulePackError).problems;
  }
  throw new Error("expected the pack to be rejected");
}

const HEAD = `apiVersion: edgeproof/v1
name: p
version: "1"
`;
const RULE = `  - id: r1
    name: R
    kind: security
    category: c
    groupBy: [clientIp]
    window: 60s
    when:
      - { metric: count, op: ">=", value: 3 }
    severity: P3
`;

describe("loadRulePack", () => {
  it("loads the default packs", () => {
    const packs = defaultPacks();
    expect(packs.map((p) => p.name)).toEqual(["http-security", "http-reliability"]);
    expect(packs[0].lists["sensitive-files"].entries.length).toBeGreaterThan(50);
    expect(packs[0].hash).toMatch(/^[0-9a-f]{12}$/);
  });

  it("names file:line:column and the field of a bad duration", () => {
    const [p] = problems(`${HEAD}rules:\n${RULE.replace("window: 60s", "window: 5x")}`);
    expect(p).toMatchObject({ file: "pack.yaml", line: 10, col: 13, path: "rules[0].window" });
    expect(p.message).toMatch(/duration/);
  });

  it("names the line and field of a share condition without `of`, and of `of` on another metric", () => {
    const noOf = problems(`${HEAD}rules:\n${RULE.replace('{ metric: count, op: ">=", value: 3 }', '{ metric: share, op: ">=", value: 0.5 }')}`);
    expect(noOf).toEqual([expect.objectContaining({ line: 12, path: "rules[0].when[0].of", message: expect.stringMatching(/share needs `of`/) })]);
    const stray = problems(`${HEAD}rules:\n${RULE.replace('value: 3 }', "value: 3, of: [{ field: static, op: equals, value: false }] }")}`);
    expect(stray).toEqual([expect.objectContaining({ line: 12, path: "rules[0].when[0].of", message: expect.stringMatching(/only applies to the share metric/) })]);
    const badField = problems(`${HEAD}rules:\n${RULE.replace('{ metric: count, op: ">=", value: 3 }', '{ metric: share, op: ">=", value: 0.5, of: [{ field: statuz, op: equals, value: 1 }] }')}`);
    expect(badField[0]).toMatchObject({ line: 12, path: "rules[0].when[0].of[0].field" });
  });

  it("names the line of a bad skipAnswered", () => {
    const [p] = problems(`${HEAD}rules:\n${RULE.replace("    severity: P3", "    skipAnswered: { by: segment, within: 1h }\n    severity: P3")}`);
    expect(p).toMatchObject({ line: 13, path: "rules[0].skipAnswered.by" });
  });

  it("reports every problem, not just the first", () => {
    const text = `${HEAD}rules:\n${RULE.replace("severity: P3", "severity: P9").replace("kind: security", "kind: securty")}`;
    const ps = problems(text);
    expect(ps.map((p) => p.path).sort()).toEqual(["rules[0].kind", "rules[0].severity"]);
    expect(ps.find((p) => p.path === "rules[0].kind")).toMatchObject({ line: 7, col: 11 });
  });

  it("names unknown fields", () => {
    const [p] = problems(`${HEAD}rules:\n${RULE}    treshold: 5\n`);
    expect(p.message).toBe('unknown field "treshold"');
    expect(p.path).toBe("rules[0]");
    expect(p.line).toBe(5);
  });

  it("rejects duplicate rule ids at the second one", () => {
    const [p] = problems(`${HEAD}rules:\n${RULE}${RULE}`);
    expect(p.message).toMatch(/duplicate rule id "r1"/);
    expect(p.line).toBe(14);
  });

  it("positions YAML syntax errors", () => {
    const [p] = problems(`${HEAD}rules:\n  - id: [unclosed\n`);
    expect(p.line).toBeGreaterThanOrEqual(5);
    expect(p.message.length).toBeGreaterThan(0);
  });

  it("rejects invalid regexes and unknown signature classes", () => {
    const text = `${HEAD}rules:\n${RULE}    match:\n      - { field: path, op: regex, value: "(unclosed" }\n      - { field: signature, op: in, value: [nope] }\n`;
    const ps = problems(text);
    expect(ps.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/invalid regex/), 'unknown signature class "nope"']));
  });

  it("reports a missing list file at its field", () => {
    const text = `${HEAD}lists:\n  bad: { file: lists/nope.txt }\nrules:\n${RULE}`;
    const [p] = problems(text, () => undefined);
    expect(p).toMatchObject({ path: "lists.bad.file", line: 5, message: "list file not found: lists/nope.txt" });
  });

  it("stops alias bombs instead of expanding them", () => {
    const bomb = `${HEAD}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nrules: []\n`;
    const started = performance.now();
    const ps = problems(bomb);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(ps[0].message).toMatch(/alias/i);
  });

  it("accepts the seed detection-rule shape and normalises it", () => {
    const pack = loadRulePack(
      `${HEAD}rules:
  - id: wp-login
    name: WP login brute force
    category: brute-force
    defaultSeverity: P2
    detection:
      source: http
      pattern:
        - { field: path, operator: equals, value: /wp-login.php }
      threshold: { count: 10, window: 1m }
      correlate: { field: clientIp, within: 2m }
`,
      "seed.yaml",
    );
    expect(pack.rules[0]).toMatchObject({
      id: "wp-login",
      kind: "security",
      groupBy: ["clientIp"],
      window: "2m",
      when: [{ metric: "count", op: ">=", value: 10 }],
      match: [{ field: "path", op: "equals", value: "/wp-login.php" }],
      severity: "P2",
    });
  });
});
