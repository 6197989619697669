import { describe, expect, it, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPacks } from "../rule-packs.js";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = join(repo, "packages/cli/bin/edgeproof.js");
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const burst = join(repo, "rules/security/tests/probing-burst/access.log");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgeproof-rule-cmds-"));
});

describe("edgeproof test (process)", () => {
  it("exits 0 when inline expectations hold and 1 with a diff when they do not", () => {
    const log = readFileSync(burst, "utf8");
    writeFileSync(join(dir, "good.log"), `# expect: security/http-probing client=203.0.113.10 severity=P3 outcome=blocked\n${log}`);
    writeFileSync(join(dir, "bad.log"), `# expect: security/http-probing client=203.0.113.99\n${log}`);
    const good = run("test", join(dir, "good.log"));
    expect(good.code, good.out + good.err).toBe(0);
    const bad = run("test", join(dir, "bad.log"));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("- security/http-probing clientIp=203.0.113.99");
    expect(bad.out).toMatch(/\+ http-security\/http-probing clientIp=203\.0\.113\.10.*\(unexpected\)/);
  });

  it("--update writes the golden, shows the diff, and the test passes afterwards", () => {
    const t = join(dir, "golden");
    mkdirSync(t);
    copyFileSync(burst, join(t, "access.log"));
    writeFileSync(join(t, "expected.yaml"), "# a comment that survives\ndescription: burst\nincidents: []\n");
    expect(run("test", t).code).toBe(1);
    const up = run("test", t, "--update");
    expect(up.code).toBe(0);
    expect(up.out).toContain("+ http-probing clientIp=203.0.113.10,host=- P3 blocked");
    const written = readFileSync(join(t, "expected.yaml"), "utf8");
    expect(written).toContain("# a comment that survives");
    expect(written).toContain("rule: http-probing");
    expect(run("test", t).code).toBe(0);
  });

  it("a bad expected.yaml fails its test naming file:line:col", () => {
    const t = join(dir, "badspec");
    mkdirSync(t);
    copyFileSync(burst, join(t, "access.log"));
    writeFileSync(join(t, "expected.yaml"), "incidents:\n  - rule: http-probing\n    severty: P3\n");
    const r = run("test", t);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/expected\.yaml:2:\d+: incidents\.0: unknown field "severty"/);
  });

  it("writes the markdown report with the agreement figures", () => {
    const out = join(dir, "report.md");
    const r = run("test", "fixtures/conformance/crowdsec-hub/nginx-http-sensitive-files", "fixtures/conformance/crowdsec-hub/http-dos-switching-ua", "--report", "markdown", "-o", out);
    expect(r.code, r.out + r.err).toBe(0);
    const md = readFileSync(out, "utf8");
    expect(md).toContain("by test: **1 agree / 2**");
    expect(md).toMatch(/\| fixtures\/conformance\/crowdsec-hub\/http-dos-switching-ua \| clientIp=127\.0\.0\.1 \| none \| flags \(http-dos-invalid-http-versions\) \| \*\*no\*\* \| the hub test loads http-dos-switching-ua alone/);
  });

  it("a usage error exits 2", () => {
    expect(run("test", "rules", "--seed", "x").code).toBe(2);
  });
});

describe("edgeproof lint (process)", () => {
  it("the default packs are clean and fully covered", () => {
    const r = run("lint", "rules");
    expect(r.code, r.out).toBe(0);
    // Every enabled rule of every default pack (the imported hub pack ships some disabled).
    const rules = loadPacks([join(repo, "rules")], { regexSafety: false }).reduce((n, p) => n + p.rules.filter((x) => x.enabled).length, 0);
    expect(rules).toBeGreaterThan(10);
    expect(r.out).toContain(`coverage: 100% of ${rules} rules`);
  });

  it("an invalid pack exits 2 with one file:line:col error per problem", () => {
    const f = join(dir, "invalid.yaml");
    writeFileSync(f, "apiVersion: edgeproof/v1\nname: bad\nversion: '1'\nlists:\n  gone: { file: nope.txt }\nrules:\n  - id: x\n    name: x\n    kind: security\n    category: c\n    colour: red\n    groupBy: [clientIp]\n    window: 60s\n    when: [{ metric: count, value: 5 }]\n    severity: P3\n");
    const r = run("lint", f);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${f}:7:5: error: rules[0]: unknown field "colour"`);
    expect(r.out).toContain(`${f}:5:17: error: lists.gone.file: list file not found: nope.txt`);
  });

  it("duplicate, unreachable, never-firing, shadowed rules and ReDoS regexes exit 1", () => {
    const rule = (id: string, extra: string) => `  - id: ${id}\n    name: ${id}\n    kind: security\n    category: c\n    groupBy: [clientIp]\n    window: 60s\n    severity: P3\n${extra}`;
    const f = join(dir, "smelly.yaml");
    writeFileSync(
      f,
      "apiVersion: edgeproof/v1\nname: smelly\nversion: '1'\nrules:\n" +
        rule("burst", "    match: [{ field: status, op: in, value: [404] }]\n    when: [{ metric: count, value: 50 }]\n") +
        rule("wide", "    match: [{ field: status, op: in, value: [404] }]\n    when: [{ metric: distinct(path), value: 100 }]\n") +
        rule("copy", "    match: [{ field: status, op: in, value: [404] }]\n    when: [{ metric: count, value: 50 }]\n") +
        rule("never", "    match: [{ field: status, op: in, value: [404] }, { field: status, op: equals, value: 200 }]\n    when: [{ metric: count, op: '<=', value: 3 }, { metric: distinct(path), value: 5 }]\n") +
        rule("redos", "    match: [{ field: path, op: regex, value: '^(a+)+$' }]\n    when: [{ metric: count, value: 1 }]\n"),
    );
    const r = run("lint", f);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/smelly\.yaml:\d+:\d+: error: rule "copy" duplicates rules\[0\] "burst"/);
    expect(r.out).toMatch(/error: rule "never" can never match a request: status must be one of \[404\] and one of \[200\]/);
    expect(r.out).toMatch(/error: rule "never" can never fire: distinct\(path\) >= 5 needs more requests than count allows \(at most 3\)/);
    expect(r.out).toMatch(/warning: rule "wide" is shadowed by "burst": distinct\(path\) >= 100 implies count >= 50/);
    expect(r.out).toMatch(/error: regex \/\^\(a\+\)\+\$\/ is not linear-time/);
    expect(r.out).not.toMatch(/"burst" is shadowed/);
  });
});

describe("edgeproof explain and sweep (process)", () => {
  it("explain shows the timeline, the firing moment, the lines that counted and rejected lines of the key", () => {
    const log = join(dir, "explain.log");
    writeFileSync(log, readFileSync(burst, "utf8") + '203.0.113.10 - - [20/Nov/2026:10:00:05 +0000] "GET /x HTTP/1.1" 404 oops\n');
    const r = run("explain", log, "--key", "clientIp=203.0.113.10", "--rule", "http-probing");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("distinct(path) >= 10: 9 of 10");
    expect(r.out).toMatch(/line \d+ \[opened\] distinct\(path\) >= 10: 10 of 10 \(met\)/);
    expect(r.out).toMatch(/FIRED .* P3 blocked/);
    expect(r.out).toContain("lines that counted: 1, 3-4, 6-8, 10-11, 13-15, 17 (12 lines)");
    expect(r.out).toMatch(/explain\.log:33: rejected \(/);
  });

  it("explain reports the nearest miss of a rule that did not fire", () => {
    const r = run("explain", "rules/security/tests/below-thresholds/access.log", "--key", "clientIp=203.0.113.110", "--rule", "http-security/http-probing");
    expect(r.out).toMatch(/did not fire; nearest miss .*: distinct\(path\) >= 10 9 of 10/);
  });

  it("sweep replays each combination and marks the current setting", () => {
    const r = run("sweep", "rules/security/tests/low-and-slow-scanner/access.log", "--rule", "low-and-slow-probing", "--param", "window=1m,10m", "--param", "distinctPaths=40,100", "--format", "json");
    expect(r.code, r.err).toBe(0);
    const rows = JSON.parse(r.out).rows as Array<{ params: Record<string, string>; current: boolean; incidents: number; keys: string[] }>;
    expect(rows.map((x) => [x.params.window, x.params.distinctPaths, x.incidents])).toEqual([
      ["1m", "40", 1],
      ["1m", "100", 0],
      ["10m", "40", 1],
      ["10m", "100", 0],
    ]);
    expect(rows.filter((x) => x.current).map((x) => x.params)).toEqual([{ window: "10m", distinctPaths: "40" }]);
    expect(rows[0].keys).toEqual(["clientIp=203.0.113.20,host=-"]);
  });

  it("sweep refuses a parameter the rule does not have (exit 2)", () => {
    const r = run("sweep", burst, "--rule", "http-probing", "--param", "peakRps=5");
    expect(r.code).toBe(2);
    expect(r.err).toContain("has no condition on peakRps");
  });
});
