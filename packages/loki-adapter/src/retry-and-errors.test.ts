import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMaxEntriesLimit } from "./errors.js";
import { backoffDelayMs, parseRetryAfterMs, retryDelayMs } from "./retry.js";
import { RetryOptionsSchema } from "./schemas.js";
import { nsToIso, toNs } from "./timestamp.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../fixtures/loki/${name}`, import.meta.url), "utf8"));

describe("max entries message", () => {
  it("reads the cap from both the 2.4.2 wording and the current wording", () => {
    expect(parseMaxEntriesLimit(fixture("real-loki-2.4.2.semantics.json").limit_5001.body)).toBe(5000);
    const current = fixture("errors.json").wire_examples_from_tests.find((w: { body: string }) => w.body.startsWith("max entries"));
    expect(parseMaxEntriesLimit(current.body)).toBe(5000);
    expect(parseMaxEntriesLimit("limit must be a positive value")).toBeUndefined();
  });
});

describe("retry schedule", () => {
  const retry = RetryOptionsSchema.parse({ initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000, maxRetryAfterMs: 5000 });
  it("is deterministic exponential backoff, capped", () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => backoffDelayMs(retry, i))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it("Retry-After (seconds or HTTP-date) replaces the backoff, bounded", () => {
    expect(parseRetryAfterMs("3", 0)).toBe(3000);
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(5000);
    expect(parseRetryAfterMs("soon", 0)).toBeUndefined();
    expect(parseRetryAfterMs(null, 0)).toBeUndefined();
    expect(retryDelayMs(retry, 0, 3000)).toBe(3000);
    expect(retryDelayMs(retry, 0, 60_000)).toBe(5000);
    expect(retryDelayMs(retry, 2, undefined)).toBe(400);
  });
});

describe("time inputs", () => {
  it("bigint/digit strings are ns, numbers and Dates are ms, RFC3339 keeps all 9 fraction digits", () => {
    expect(toNs(1795394995738001000n)).toBe(1795394995738001000n);
    expect(toNs("1795394995738001000")).toBe(1795394995738001000n);
    expect(toNs(1795394995738)).toBe(1795394995738000000n);
    expect(toNs(new Date(1795394995738))).toBe(1795394995738000000n);
    expect(toNs("2026-11-23T00:49:55.738001000Z")).toBe(1795394995738001000n);
    expect(toNs("2026-11-23T01:49:55.5+01:00")).toBe(1795394995500000000n);
    expect(nsToIso(1795394995738001000n)).toBe("2026-11-23T00:49:55.738001000Z");
    expect(() => toNs("yesterday")).toThrow(/invalid time 'yesterday'/);
  });
});
