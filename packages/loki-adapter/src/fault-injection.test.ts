/** Retries and no-gap behaviour through a fault-injecting proxy in front of the Loki-API test server. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LokiClient, pullAll } from "./client.js";
import { LokiPullError } from "./errors.js";
import { nsToIso } from "./timestamp.js";
import type { LokiClientOptionsInput, LokiEntry } from "./schemas.js";
import { FaultProxy, type Fault, type FaultPlan } from "./testing/fault-proxy.js";
import { LokiApiTestServer } from "./testing/loki-api-test-server.js";

const T0 = 1_700_000_000_000_000_000n;
const SEC = 1_000_000_000n;
const QUERY = '{job="faults"}';
const RANGE = { start: T0, end: T0 + 1000n * SEC };
const server = new LokiApiTestServer();
const proxies: FaultProxy[] = [];
const expected: string[] = [];

beforeAll(async () => {
  await server.listen();
  const values = Array.from({ length: 600 }, (_, i) => [`${T0 + BigInt(Math.floor(i / 4)) * SEC}`, `line ${i}`] as [string, string]);
  server.push([{ stream: { job: "faults" }, values }]);
  expected.push(...values.map(([ts, l]) => `${ts} ${l}`));
});
afterAll(async () => {
  for (const p of proxies) await p.close();
  await server.close();
});

async function through(plan: FaultPlan, options: Partial<LokiClientOptionsInput> = {}) {
  const proxy = new FaultProxy(() => server.url, plan);
  proxies.push(proxy);
  const waits: number[] = [];
  const client = new LokiClient(
    { url: await proxy.listen(), pageLimit: 50, timeoutMs: 250, retry: { maxAttempts: 8, initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000 }, ...options },
    { sleep: async (ms) => void waits.push(ms) },
  );
  return { proxy, client, waits };
}
const key = (e: LokiEntry) => `${e.tsNs} ${e.line}`;

describe("fault injection", () => {
  it("429 with Retry-After, 500, dropped connection, cut body, slow answer, 503 HTML: retried on schedule, result exact", async () => {
    const faults: Fault[] = [
      { kind: "status", status: 429, body: "too many outstanding requests", headers: { "Retry-After": "2" } },
      { kind: "status", status: 500, body: "foo" },
      { kind: "drop" },
      { kind: "truncate" },
      { kind: "delay", ms: 1000 },
      { kind: "status", status: 503, body: "<html><body>503 Service Temporarily Unavailable</body></html>" },
    ];
    const { proxy, client, waits } = await through((n) => faults[n]);
    const got = await pullAll(client, { query: QUERY, ...RANGE });
    expect(got.map(key)).toEqual(expected);
    expect(proxy.log.slice(0, 7)).toEqual(["status 429", "status 500", "drop", "truncate", "delay", "status 503", "pass"]);
    // Retry-After wins over backoff; then the deterministic schedule 200, 400, 800, 1000 (cap), 1000.
    expect(waits).toEqual([2000, 200, 400, 800, 1000, 1000]);
    expect(client.stats.retries).toBe(6);
  });

  it("faults spread over many pages still give every line exactly once", async () => {
    const cycle: (Fault | undefined)[] = [undefined, { kind: "drop" }, undefined, { kind: "status", status: 502, body: "bad gateway" }, { kind: "truncate" }];
    const { client, proxy } = await through((n) => cycle[n % cycle.length]);
    const got = await pullAll(client, { query: QUERY, ...RANGE });
    expect(got.map(key)).toEqual(expected);
    expect(proxy.log.filter((l) => l !== "pass").length).toBe(client.stats.retries);
    expect(client.stats.retries).toBeGreaterThan(5);
  });

  it("gives up with an error naming the unread range; everything before it was delivered, nothing after", async () => {
    const { client } = await through((n) => (n >= 3 ? { kind: "status", status: 500, body: "2 errors: context canceled; context deadline exceeded" } : undefined), {
      retry: { maxAttempts: 3, initialDelayMs: 1 },
    });
    const got: LokiEntry[] = [];
    const err = await (async () => {
      for await (const b of client.pull({ query: QUERY, ...RANGE })) got.push(...b.entries);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(LokiPullError);
    expect(err.attempts).toBe(3);
    expect(err.status).toBe(500);
    const lastTs = BigInt(got.at(-1)!.tsNs);
    expect(err.range).toEqual({ startNs: lastTs + SEC, endNs: RANGE.end });
    expect(err.message).toContain("HTTP 500: 2 errors: context canceled; context deadline exceeded");
    expect(err.message).toContain(`[${nsToIso(lastTs + SEC)}, ${nsToIso(RANGE.end)})`);
    expect(got.map(key)).toEqual(expected.slice(0, got.length));
  });
});
