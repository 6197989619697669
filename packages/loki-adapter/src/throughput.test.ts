/**
 * Pull throughput against the Loki-API test server, next to raw query_range fetched with curl from
 * the same server in the same run (the very pages the adapter requested, one curl process, one
 * connection). Both include the test server's own cost; the difference is the adapter's.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LokiClient } from "./client.js";
import { LokiApiTestServer } from "./testing/loki-api-test-server.js";

const T0 = 1_700_000_000_000_000_000n;
const N = 100_000;
const server = new LokiApiTestServer();
const sample = readFileSync(new URL("../../../fixtures/loki/apache_logs.log", import.meta.url), "utf8").split("\n").filter(Boolean);

beforeAll(async () => {
  await server.listen();
  const hosts = ["a.test", "b.test", "c.test", "d.test"];
  const streams = hosts.map((host) => ({ stream: { job: "bench", host }, values: [] as [string, string][] }));
  // 1 ms apart, 4 streams interleaved; every 10th line shares its predecessor's timestamp.
  for (let i = 0; i < N; i++) streams[i % 4].values.push([`${T0 + BigInt(i - (i % 10 === 9 ? 1 : 0)) * 1_000_000n}`, `${sample[i % sample.length]} #${i}`]);
  server.push(streams);
});
afterAll(() => server.close());

it("measures pull throughput (lines/s) against raw curl of the same pages", async () => {
  const pull = async (client: LokiClient) => {
    let lines = 0;
    for await (const b of client.pull({ query: '{job="bench"}', start: T0, end: T0 + BigInt(N) * 1_000_000n })) lines += b.entries.length;
    return lines;
  };
  // One untimed pull first, so neither side pays the server's (or the JIT's) first-run cost.
  expect(await pull(new LokiClient({ url: server.url }))).toBe(N);
  const client = new LokiClient({ url: server.url });
  const before = server.requests.length;
  const t = performance.now();
  expect(await pull(client)).toBe(N);
  const adapterMs = performance.now() - t;

  const urls = server.requests.slice(before).map((r) => `${server.url}${r.path}?${new URLSearchParams(r.params)}`);
  const args = ["-sS", "--fail", ...urls.flatMap((u) => ["-o", "/dev/null", u])];
  const c = performance.now();
  await promisify(execFile)("curl", args, { timeout: 60_000 });
  const curlMs = performance.now() - c;

  const rate = (ms: number) => Math.round(N / (ms / 1000));
  const report = {
    lines: N,
    pages: client.stats.pages,
    requests: client.stats.requests,
    MB: +(client.stats.bytes / 1e6).toFixed(1),
    adapter: { ms: Math.round(adapterMs), linesPerSec: rate(adapterMs) },
    curlRaw: { ms: Math.round(curlMs), linesPerSec: rate(curlMs) },
  };
  console.log(`loki-adapter throughput: ${JSON.stringify(report)}`);
  // The rate is reported, not asserted: the machine is shared and a timed assertion would only be flaky.
  expect(client.stats.pages).toBe(urls.length);
}, 60_000);
