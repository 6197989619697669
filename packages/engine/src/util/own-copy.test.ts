import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { locateRuntimes } from "../../../../scripts/runtime-conformance/conformance.mjs";
import { ownCopy } from "./own-copy.js";

const REQUIRE = process.env.EDGEPROOF_REQUIRE_INTEGRATION === "1";
const OWN_COPY = fileURLToPath(new URL("./own-copy.ts", import.meta.url));

/**
 * Keeps an 8-character copy cut from each of 200 distinct 1 MiB strings and reports the resident set after a full
 * collection: about 200 MB if each copy still holds its source string, tens of MB if not.
 */
const PROBE = `
import { ownCopy } from ${JSON.stringify(OWN_COPY)};
const kept = [];
// Decoded from a buffer, as the CLI decodes its chunks: one flat string each.
for (let i = 0; i < 200; i++) kept.push(ownCopy(Buffer.alloc(1 << 20, String(i).padStart(8, "0")).toString("latin1").slice(0, 8)));
Bun.gc(true);
console.log(JSON.stringify({ rssMB: process.memoryUsage().rss / 1048576, distinct: new Set(kept).size }));
`;

describe("ownCopy", () => {
  it("returns the same characters", () => {
    for (const s of ["", "a", "10.0.0.1", "shop.example.com\u0000203.0.113.7", "é\u2028x"]) expect(ownCopy(s)).toBe(s);
  });

  // JavaScriptCore shares storage for a slice of any length (V8 copies slices under 13 characters), so a short
  // key such as an IPv4 client would pin its whole chunk under Bun if ownCopy skipped short strings.
  const bun = locateRuntimes().bun as string | undefined;
  if (!bun && REQUIRE) throw new Error("bun is missing and EDGEPROOF_REQUIRE_INTEGRATION=1: node scripts/setup-system-deps.mjs installs it");
  it.skipIf(!bun)("does not keep the text a short string was cut from alive under Bun", () => {
    const out = execFileSync(bun!, ["-e", PROBE], { encoding: "utf8", timeout: 60_000 });
    const r = JSON.parse(out.trim().split("\n").at(-1)!) as { rssMB: number; distinct: number };
    expect(r.distinct).toBe(200);
    expect(r.rssMB).toBeLessThan(100);
  });
});
