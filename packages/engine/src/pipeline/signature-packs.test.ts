import { describe, expect, it } from "vitest";
import { loadRulePack } from "../rules/index.js";
import { Pipeline } from "./pipeline.js";

/** A pack whose one signature class reads `field`, and a rule firing at `count` requests that hit it. */
function pack(name: string, field: string, item: string, count: number) {
  return loadRulePack(
    `apiVersion: edgeproof/v1
name: ${name}
version: "1"
lists: { l: { items: ["${item}"] } }
signatures: { s: { list: l, fields: [${field}] } }
rules:
  - { id: r, name: r, kind: security, category: t, groupBy: [clientIp], window: 60s, severity: P3, when: [{ metric: count, op: ">=", value: ${count} }], match: [{ field: signature, op: in, value: [s] }] }
`,
    `${name}.yaml`,
  );
}

const line = (second: number, path: string, ua: string) => `198.51.100.9 - - [20/Nov/2026:10:00:0${second} +0000] "GET ${path} HTTP/1.1" 404 0 "-" "${ua}"`;

describe("signatures of several packs", () => {
  it("count each request only for the packs whose signatures it hit, when one pack's hits are shared by requests", () => {
    // Pack a matches the user agent on both requests (one memoised hits array); pack b only the first path.
    const p = new Pipeline({ packs: [pack("a", "userAgent", "evilbot", 2), pack("b", "path", "/b-probe", 2)] });
    p.pushText([line(0, "/b-probe", "evilbot"), line(1, "/clean", "evilbot")].join("\n") + "\n");
    const fired = p.flush().map((i) => i.pack.name);
    expect(fired).toEqual(["a"]);
  });
});
