/** The adapter against the Loki-API test server on 127.0.0.1 (its fidelity to real Loki 2.4.2 is checked in testing/). */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LokiClient, parseCursor, pullAll, type LokiBatch } from "./client.js";
import { LokiPullError } from "./errors.js";
import type { LokiClientOptionsInput, LokiCursor, LokiEntry } from "./schemas.js";
import { LokiApiTestServer } from "./testing/loki-api-test-server.js";

const T0 = 1_700_000_000_000_000_000n;
const SEC = 1_000_000_000n;
const server = new LokiApiTestServer();
let url = "";
beforeAll(async () => {
  url = await server.listen();
});
afterAll(() => server.close());

const noSleep = async () => {};
const client = (o: Partial<LokiClientOptionsInput> = {}, deps = {}) => new LokiClient({ url, ...o }, { sleep: noSleep, ...deps });
const key = (e: LokiEntry) => `${e.tsNs} ${e.stream} ${e.line}`;

/** Pushes `n` entries per stream; `perTs` consecutive entries of a stream share one ns timestamp. */
function seed(job: string, hosts: string[], n: number, perTs: number): string[] {
  const expected: { ts: bigint; host: string; line: string }[] = [];
  for (const host of hosts) {
    const values: [string, string][] = [];
    for (let i = 0; i < n; i++) {
      const ts = T0 + BigInt(Math.floor(i / perTs)) * SEC;
      const line = `${host} line ${i}`;
      values.push([ts.toString(), line]);
      expected.push({ ts, host, line });
    }
    expect(server.push([{ stream: { job, host }, values }]).status).toBe(204);
  }
  // Expected order: ts, then stream label string, then push order.
  return expected
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
    .map((e) => `${e.ts} {host="${e.host}", job="${job}"} ${e.line}`);
}

describe("paging", () => {
  it("reads more lines than one page, forward, complete and in order", async () => {
    const want = seed("paging", ["a.test"], 2350, 1);
    const c = client({ pageLimit: 500, splitIntervalMs: 86_400_000 });
    const got = await pullAll(c, { query: '{job="paging"}', start: T0, end: T0 + 10_000n * SEC });
    expect(got.map(key)).toEqual(want);
    expect(c.stats).toMatchObject({ pages: 5, entries: 2350, retries: 0, duplicatesDropped: 0 });
    const reqs = server.requests.filter((r) => r.params.query === '{job="paging"}');
    expect(reqs.every((r) => r.params.direction === "forward" && r.params.limit === "500")).toBe(true);
  });

  it("timestamps shared by many entries across page boundaries and streams: nothing lost, nothing doubled", async () => {
    const want = seed("ties", ["a.test", "b.test"], 300, 7);
    for (const pageLimit of [5, 6, 7, 13, 14, 100]) {
      const got = await pullAll(client({ pageLimit }), { query: '{job="ties"}', start: T0, end: T0 + 1000n * SEC });
      expect(got.map(key), `pageLimit ${pageLimit}`).toEqual(want);
    }
  });

  it("more entries on one ns than the server returns per query is an error naming that nanosecond, not a cut", async () => {
    const small = new LokiApiTestServer({ maxEntriesPerQuery: 10 });
    const smallUrl = await small.listen();
    try {
      small.push([{ stream: { job: "crowd" }, values: Array.from({ length: 11 }, (_, i) => [`${T0}`, `c${i}`] as [string, string]) }]);
      const c = new LokiClient({ url: smallUrl, maxEntriesPerQuery: 10 }, { sleep: noSleep });
      const err = await pullAll(c, { query: '{job="crowd"}', start: T0, end: T0 + SEC }).catch((e) => e);
      expect(err).toBeInstanceOf(LokiPullError);
      expect(err.range).toEqual({ startNs: T0, endNs: T0 + 1n });
      expect(err.message).toContain(`ns ${T0}..${T0 + 1n}, end exclusive`);
    } finally {
      await small.close();
    }
  });

  it("learns a lower max entries limit from Loki's 400 message and continues", async () => {
    const capped = new LokiApiTestServer({ maxEntriesPerQuery: 100 });
    const cappedUrl = await capped.listen();
    try {
      capped.push([{ stream: { job: "cap" }, values: Array.from({ length: 450 }, (_, i) => [`${T0 + BigInt(i)}`, `l${i}`] as [string, string]) }]);
      const c = new LokiClient({ url: cappedUrl }, { sleep: noSleep });
      const got = await pullAll(c, { query: '{job="cap"}', start: T0, end: T0 + SEC });
      expect(got.map((e) => e.line)).toEqual(Array.from({ length: 450 }, (_, i) => `l${i}`));
      expect(c.maxEntriesPerQuery).toBe(100);
      expect(capped.requests.map((r) => [r.params.limit, r.status])).toEqual([["5000", 400], ...Array(5).fill(["100", 200])]);
    } finally {
      await capped.close();
    }
  });
});

describe("overlaps and duplicates", () => {
  it("two overlapping selectors give the same entries as one, and the dropped copies are counted", async () => {
    const want = seed("ov", ["a.test", "b.test"], 40, 3);
    const c = client({ pageLimit: 7 });
    const got = await pullAll(c, { query: ['{job="ov"}', '{job="ov", host="a.test"}'], start: T0, end: T0 + 100n * SEC });
    expect(got.map(key)).toEqual(want);
    expect(c.stats.duplicatesDropped).toBe(40);
  });

  it("the same line shipped by two agents is kept once when the agent label is declared irrelevant", async () => {
    const values = Array.from({ length: 20 }, (_, i) => [`${T0 + BigInt(i) * SEC}`, `req ${i}`] as [string, string]);
    server.push([
      { stream: { job: "agents", agent: "promtail" }, values },
      { stream: { job: "agents", agent: "alloy" }, values: values.slice(5) },
    ]);
    const exact = client();
    expect(await pullAll(exact, { query: '{job="agents"}', start: T0, end: T0 + 100n * SEC })).toHaveLength(35);
    const c = client({ dedupeIgnoreLabels: ["agent"], pageLimit: 4 });
    const got = await pullAll(c, { query: '{job="agents"}', start: T0, end: T0 + 100n * SEC });
    expect(got.map((e) => `${e.line}@${e.labels.agent}`)).toEqual(values.map(([, l], i) => `${l}@${i < 5 ? "promtail" : "alloy"}`));
    expect(c.stats.duplicatesDropped).toBe(15);
  });
});

describe("splitting and cursor", () => {
  it("split into intervals fetched concurrently, emitted strictly in order, cursors increasing", async () => {
    const want = seed("split", ["a.test", "b.test", "c.test"], 200, 2);
    const c = client({ splitIntervalMs: 7_000, concurrency: 4, pageLimit: 9 });
    const batches: LokiBatch[] = [];
    for await (const b of c.pull({ query: '{job="split"}', start: T0, end: T0 + 105n * SEC })) batches.push(b);
    expect(batches.flatMap((b) => b.entries).map(key)).toEqual(want);
    const next = batches.map((b) => BigInt(b.cursor.nextNs));
    expect(next).toEqual([...next].sort((a, b) => (a < b ? -1 : 1)));
    expect(next.at(-1)).toBe(T0 + 105n * SEC);
    expect(new Set(batches.map((b) => b.range.startNs)).size).toBe(15);
  });

  it("a Loki restart in the middle of a pull: the error names the range, the saved cursor resumes with nothing lost or doubled", async () => {
    const want = seed("restart", ["a.test", "b.test"], 500, 4);
    const query = '{job="restart"}';
    const range = { start: T0, end: T0 + 1000n * SEC };
    const got: LokiEntry[] = [];
    let saved = "";
    const c = client({ pageLimit: 50, retry: { maxAttempts: 2 } });
    const port = Number(new URL(url).port);
    const err = await (async () => {
      for await (const b of c.pull({ query, ...range })) {
        got.push(...b.entries);
        saved = JSON.stringify(b.cursor);
        if (got.length > 300 && got.length < 400) await server.close();
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(LokiPullError);
    expect(err.message).toMatch(/could not read \[.*\) \(ns \d+\.\.\d+, end exclusive\) for \{job="restart"\} after 2 attempt/);
    await server.listen(port);
    const cursor: LokiCursor = parseCursor(saved);
    for await (const b of client().pull({ query, ...range, cursor })) got.push(...b.entries);
    expect(got.map(key)).toEqual(want);
  });

  it("a Loki restart during the retry wait is absorbed: the pull completes exactly", async () => {
    const want = seed("blip", ["a.test"], 300, 3);
    const port = Number(new URL(url).port);
    let restarts = 0;
    const c = client({ pageLimit: 40 }, { sleep: async () => void (await server.listen(port)) });
    const got: LokiEntry[] = [];
    for await (const b of c.pull({ query: '{job="blip"}', start: T0, end: T0 + 1000n * SEC })) {
      got.push(...b.entries);
      if (restarts++ === 2) await server.close();
    }
    expect(got.map(key)).toEqual(want);
    expect(c.stats.retries).toBe(1);
  });

  it("a cursor for other queries is refused rather than misused", async () => {
    const cursor: LokiCursor = { v: 1, queries: ['{job="x"}'], nextNs: "5" };
    await expect(pullAll(client(), { query: '{job="y"}', start: 0n, end: 10n, cursor })).rejects.toThrow(/cursor belongs to queries/);
    expect(() => parseCursor('{"v":1,"queries":[],"nextNs":"5"}')).toThrow();
  });
});

describe("equals the file", () => {
  const fileLines = readFileSync(new URL("../../../fixtures/loki/apache_logs.log", import.meta.url), "utf8").split("\n").filter((l) => l !== "");

  it("lines pulled from Loki are exactly the fixture file's lines, in file order (5 lines per 1 s timestamp)", async () => {
    // Like a shipper stamping read time with 1 s resolution: equal timestamps, file order kept in the stream.
    server.push([{ stream: { job: "file", filename: "apache_logs.log" }, values: fileLines.map((l, i) => [`${T0 + BigInt(Math.floor(i / 5)) * SEC}`, l]) }]);
    for (const pageLimit of [undefined, 997]) {
      const got = await pullAll(client({ pageLimit, splitIntervalMs: 600_000, concurrency: 3 }), { query: '{job="file"}', start: T0, end: T0 + 3600n * SEC });
      expect(got.map((e) => e.line)).toEqual(fileLines);
    }
  });
});

describe("request details", () => {
  it("sends forward, ns start/end, limit, X-Scope-OrgID and auth through the injected fetch", async () => {
    const seen: { url: URL; headers: Headers }[] = [];
    const tapped: typeof fetch = (input, init) => {
      seen.push({ url: new URL(String(input)), headers: new Headers(init?.headers) });
      return fetch(input, init);
    };
    const c = new LokiClient({ url: `${url}/`, orgId: "tenant-1", basicAuth: { user: "ü", password: "p" } }, { fetch: tapped });
    await pullAll(c, { query: '{job="none"}', start: "2023-11-14T22:13:20Z", end: T0 + SEC });
    expect(seen).toHaveLength(1);
    expect(Object.fromEntries(seen[0].url.searchParams)).toEqual({ query: '{job="none"}', start: String(T0), end: String(T0 + SEC), limit: "5000", direction: "forward" });
    expect(seen[0].url.pathname).toBe("/loki/api/v1/query_range");
    expect(seen[0].headers.get("x-scope-orgid")).toBe("tenant-1");
    expect(seen[0].headers.get("authorization")).toBe(`Basic ${Buffer.from("ü:p").toString("base64")}`);
    expect(server.requests.at(-1)?.orgId).toBe("tenant-1");
  });

  it("a bad query fails at once with Loki's message, no retries", async () => {
    const c = client();
    const err = await pullAll(c, { query: '{job="x"', start: T0, end: T0 + SEC }).catch((e) => e);
    expect(err).toBeInstanceOf(LokiPullError);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/HTTP 400: parse error at line 1, col \d+/);
    expect(c.stats.retries).toBe(0);
  });
});
