import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { corpusFiles } from "./corpus-files.js";
import { buildCorpus } from "./corpus.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures");
const text = (b: string | Buffer, gz: boolean) => (gz ? gunzipSync(b).toString("utf8") : b.toString());

describe("generated precision corpora", () => {
  it("are committed exactly as fixtures/make-corpora.ts writes them", () => {
    for (const [rel, content] of corpusFiles()) {
      const gz = rel.endsWith(".gz");
      expect(text(readFileSync(join(FIXTURES, rel)), gz), rel).toBe(text(content, gz));
    }
  });

  it("share the benign traffic: the attack corpus is the benign one plus the attackers' lines", () => {
    const benign = buildCorpus(false);
    const attack = buildCorpus(true);
    const attackers = new Set(attack.actors.filter((a) => a.role === "attacker").map((a) => a.clientIp));
    const benignPart = attack.lines.filter((l) => !attackers.has(l.split(" ")[1]));
    expect(benignPart).toEqual(benign.lines);
    expect(attack.actors.filter((a) => a.role === "benign")).toEqual(benign.actors);
    expect(attackers.size).toBeGreaterThan(10);
  });
});
