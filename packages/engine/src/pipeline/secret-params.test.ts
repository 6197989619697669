import { describe, expect, it } from "vitest";
import { Pipeline } from "./pipeline.js";
import { defaultPacks } from "../../testing/packs.js";

/** A scanner whose probes carry a site-specific credential parameter (`otc`) that no built-in name covers. */
const lines = Array.from({ length: 12 }, (_, i) => `203.0.113.9 - - [20/Nov/2026:10:00:0${Math.floor(i / 2)} +0000] "GET /probe-${i}.php?otc=9731-44${i}&page=2 HTTP/1.1" 404 10 "-" "curl/8.4.0"`);

function run(secretParams?: string[]): string {
  const p = new Pipeline({ packs: defaultPacks(), host: "h", secretParams });
  for (const [i, l] of lines.entries()) p.pushLine(l, i + 1);
  return JSON.stringify(p.flush());
}

describe("configurable secret parameters", () => {
  it("redacts names added to the built-in list, and only those", () => {
    const plain = run();
    expect(plain).toContain("otc=9731-440");
    const redacted = run(["otc"]);
    expect(redacted).toContain("http-probing");
    expect(redacted).not.toContain("9731-44");
    expect(redacted).toContain("otc=[REDACTED]&page=2");
  });
});
