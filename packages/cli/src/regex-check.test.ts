import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../testing/cli.js";

const dir = mkdtempSync(join(tmpdir(), "edgeproof-redos-"));

const PACK = `apiVersion: edgeproof/v1
name: redos
version: 1.0.0
rules:
  - id: evil
    name: Evil regex
    kind: security
    category: test
    match:
      - { field: path, op: regex, value: '(a+)+$' }
    groupBy: [clientIp]
    window: 10s
    when:
      - { metric: count, op: ">=", value: 1 }
    severity: P3
`;

describe("edgeproof refuses catastrophic pack regexes at load", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("(a+)+$ with a 100 KiB line of a's: exit 2 naming file:line:col, in seconds, before any line is read", async () => {
    const pack = join(dir, "redos.yaml");
    const log = join(dir, "hostile.log");
    writeFileSync(pack, PACK);
    writeFileSync(log, `203.0.113.7 - - [20/Nov/2026:10:00:00 +0000] "GET /${"a".repeat(100 * 1024)}! HTTP/1.1" 404 1 "-" "x"\n`);
    const t = performance.now();
    const r = await cli(["run", log, "--rules", pack, "--format", "json"], { timeoutMs: 30_000 });
    expect(performance.now() - t).toBeLessThan(30_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("invalid rule pack");
    expect(r.stderr).toContain(`${pack}:10:42: rules[0].match[0].value: regex /(a+)+$/ rejected: catastrophic backtracking (exponential time)`);
  });

  it("the same pack with a safe pattern runs over the same 100 KiB line", async () => {
    const pack = join(dir, "safe.yaml");
    const log = join(dir, "hostile.log");
    writeFileSync(pack, PACK.replace("'(a+)+$'", () => "'^/a{100}'"));
    const r = await cli(["run", log, "--rules", pack, "--format", "json"], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stats).toMatchObject({ lines: 1, events: 1 });
    expect(out.incidents).toHaveLength(1);
  });
});
