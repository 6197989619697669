/**
 * Keeps the Loki-API test server honest: replays, against it, the requests recorded from a real
 * Grafana Loki 2.4.2 (fixtures/loki/real-loki-2.4.2.semantics.json) with the same pushed data, and
 * compares status, verbatim error bodies, entries and their order. If the test server drifts from
 * the real thing, this fails.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entriesOfStreams } from "../page-entries.js";
import { QueryRangeResponseSchema } from "../schemas.js";
import { LokiApiTestServer } from "./loki-api-test-server.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../../fixtures/loki/${name}`, import.meta.url), "utf8"));
const real = fixture("real-loki-2.4.2.semantics.json");

// The recording's run: label run="sem<ms>", lines at base = run - 10 min, clock = run time.
const RUN_MS = 1795395595738n;
const RUN = `sem${RUN_MS}`;
const B = 1795394995738000000n;
const NOW = RUN_MS * 1_000_000n;
const MIN = 60_000_000_000n;
const labels = (host?: string) => ({ ...(host ? { host } : {}), job: "probe", run: RUN });
const SEL = `{run="${RUN}"}`;

const server = new LokiApiTestServer({ nowNs: () => NOW });
let url = "";

async function push(streams: unknown[]) {
  const res = await fetch(`${url}/loki/api/v1/push`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ streams }) });
  return { status: res.status, body: await res.text() };
}
async function query(params: Record<string, string>) {
  const res = await fetch(`${url}/loki/api/v1/query_range?${new URLSearchParams(params)}`);
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, body: text, entries: [] as [string, string, string | null][] };
  const parsed = QueryRangeResponseSchema.parse(JSON.parse(text));
  if (parsed.data.resultType !== "streams") throw new Error("expected streams");
  const entries = entriesOfStreams(parsed.data.result).map((e) => [e.tsNs, e.line, e.labels.host ?? null] as [string, string, string | null]);
  return { status: res.status, body: text, entries, json: JSON.parse(text) };
}
const fwd = (start: bigint, end: bigint, limit = 5000, q = SEL) => ({ query: q, start: String(start), end: String(end), limit: String(limit), direction: "forward" });

beforeAll(async () => {
  url = await server.listen();
});
afterAll(() => server.close());

describe("Loki-API test server replays the real Loki 2.4.2 recording", () => {
  it("push: accepted, out of order, partial batch, duplicates, bad labels (same status and body)", async () => {
    const s = (host: string | undefined, values: [string, string][]) => ({ stream: labels(host), values });
    expect(await push([s("a.example.test", [[`${B}`, "line a1"], [`${B + 1n}`, "line a2"]])])).toEqual(real.push_ok);
    expect(await push([s("a.example.test", [[`${B - 30n * MIN}`, "line a0 (30 min older)"]])])).toEqual(real.out_of_order_30min_behind);
    expect(await push([s("a.example.test", [[`${B - 90n * MIN}`, "too far behind"]])])).toEqual(real.out_of_order_90min_behind);
    expect(await push([s("a.example.test", [[`${B + 5n}`, "mixed ok"], [`${B - 180n * MIN}`, "too old"]])])).toEqual(real.partial_batch);
    expect(await push([s("old.example.test", [["1431856800000000000", "line from 2015"]])])).toEqual(real.old_sample_new_stream);
    expect(await push([s("dup.example.test", [[`${B}`, "dup"], [`${B}`, "dup"], [`${B}`, "dup-other"]])])).toEqual(real.dup_push);
    expect(await push([s("dup.example.test", [[`${B}`, "dup"]])])).toEqual(real.dup_push_again);
    expect(await push([s(undefined, [[`${B}`, "x"]])])).toEqual(real.ts_as_number_not_string);
    expect(await push([{ stream: { "bad-label": "x", job: "probe" }, values: [[`${B}`, "y"]] }])).toEqual(real.bad_label_name);
    expect(await push([{ stream: {}, values: [[`${B}`, "y"]] }])).toEqual(real.no_labels);
  });

  it("forward readback: entries, ns strings, cross-stream order at one timestamp, duplicates kept as Loki stores them", async () => {
    const r = await query(fwd(B - 60n * MIN, NOW));
    expect(r.entries).toEqual(real.readback_forward.entries);
    expect(typeof r.json.data.result[0].values[0][0]).toBe("string");
  });

  it("old sample in a new stream and a 2015-to-now range", async () => {
    expect((await query(fwd(1431856800000000000n - 1000n, 1431856800000000000n + 1000n))).entries.map((e) => e.slice(0, 2))).toEqual(
      real.old_sample_readback.entries,
    );
    expect((await query(fwd(1420070400000000000n, NOW))).entries.map((e) => e[1])).toEqual(real.range_2015_to_now.entries);
  });

  it("defaults (backward, limit 100, last hour) and RFC3339 times", async () => {
    const d = await query({ query: SEL });
    expect(d.status).toBe(real.defaults_no_params.status);
    expect(d.entries).toHaveLength(real.defaults_no_params.entries);
    const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
    const r = await query({ query: SEL, start: iso(NOW - 60n * MIN), end: iso(NOW), limit: "100", direction: "forward" });
    expect(r.entries).toHaveLength(real.rfc3339_times.n);
  });

  it("limits and range validation answer with Loki's verbatim plain-text bodies", async () => {
    for (const [params, rec] of [
      [fwd(B, NOW, 5001), real.limit_5001],
      [fwd(B, NOW, 0), real.limit_0],
      [fwd(NOW, B), real.start_after_end],
    ] as const) {
      const r = await query(params);
      expect({ status: r.status, body: r.body }).toEqual(rec);
    }
    expect((await query(fwd(B, NOW, 5000))).status).toBe(real.limit_5000.status);
  });

  it("end is exclusive: [base, base+1ns) returns exactly the entries at base", async () => {
    expect((await query(fwd(B, B + 1n))).entries.map((e) => e.slice(0, 2))).toEqual(real.range_end_exclusive.entries);
  });

  it("paging through 7 entries on one ns timestamp: naive loses 4, the inclusive cursor reads all (same pages as real)", async () => {
    const T = B + 1000n;
    await push([{ stream: labels("eq.example.test"), values: Array.from({ length: 7 }, (_, i) => [`${T}`, `eq-${i}`]) }]);
    const q = '{host="eq.example.test"}';
    const lines = async (p: Record<string, string>) => (await query(p)).entries.map((e) => e[1]);
    const naive = [...(await lines(fwd(T, NOW, 3, q))), ...(await lines(fwd(T + 1n, NOW, 3, q)))];
    expect(naive).toEqual(real.paging_equal_ts.naive_lastTs_plus_1ns);
    const pages = [await lines(fwd(T, NOW, 3, q)), await lines(fwd(T, NOW, 3, q)), await lines(fwd(T, T + 1n, 5000, q)), await lines(fwd(T + 1n, NOW, 3, q))];
    expect(pages).toHaveLength(real.paging_equal_ts.pages);
    expect(pages.flat()).toEqual(real.paging_equal_ts.inclusive_cursor_with_dedupe);
    const back = await query({ query: q, start: String(T), end: String(NOW), limit: "2", direction: "backward" });
    expect(back.json.data.result[0].values).toEqual(real.backward_limit_2);
  });

  it("answers in the 2.4 envelope shape: same keys and types as the recorded docs example, 2.4-era stats", async () => {
    const r = await query(fwd(B, NOW));
    // Structure only: object keys, value types, and the set of element shapes of arrays; label maps are opaque.
    const shape = (v: unknown, key = ""): unknown => {
      if (key === "stream") return Object.values(v as object).every((x) => typeof x === "string") ? "labels" : "bad labels";
      if (Array.isArray(v)) return [...new Set(v.map((x) => JSON.stringify(shape(x))))].sort();
      if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k], k)]));
      return typeof v;
    };
    const { stats, ...data } = r.json.data;
    const docs = fixture("query_range.streams.docs_example.json");
    expect(shape({ ...r.json, data })).toEqual(shape(docs));
    expect(shape(stats)).toEqual(shape(fixture("stats.docs_example_zero.json").data.stats));
  });

  it("stream label keys come in a different order from one response to the next, as Go maps do", async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 3; i++) orders.add(Object.keys((await query(fwd(B, B + 1n, 100, '{host="a.example.test"}'))).json.data.result[0].stream).join(","));
    expect(orders.size).toBeGreaterThan(1);
  });

  it("400 with a Loki parse message on bad LogQL; X-Scope-OrgID separates tenants and is required when auth is on", async () => {
    const bad = await query(fwd(B, NOW, 10, '{run="x"'));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/^parse error at line 1, col \d+: syntax error: /);
    const empty = await query(fwd(B, NOW, 10, '{run=~".*"}'));
    expect(empty.body).toBe(fixture("errors.json").documented_errors.find((d: { title: string }) => d.title === "At least one equality matcher required").messages[0]);
    const filtered = await query(fwd(B - 60n * MIN, NOW, 100, `${SEL} |= "dup" != "other"`));
    expect(filtered.entries.map((e) => e[1])).toEqual(["dup", "dup"]);

    const auth = new LokiApiTestServer({ authEnabled: true });
    const authUrl = await auth.listen();
    try {
      auth.push([{ stream: { job: "t" }, values: [["10", "tenant-a line"]] }], "tenant-a");
      const q = `${authUrl}/loki/api/v1/query_range?${new URLSearchParams(fwd(0n, 100n, 10, '{job="t"}'))}`;
      const none = await fetch(q);
      expect([none.status, (await none.text()).trim()]).toEqual([401, "no org id"]);
      const a = await (await fetch(q, { headers: { "X-Scope-OrgID": "tenant-a" } })).json();
      const b = await (await fetch(q, { headers: { "X-Scope-OrgID": "tenant-b" } })).json();
      expect([a.data.result.length, b.data.result.length]).toEqual([1, 0]);
    } finally {
      await auth.close();
    }
  });
});
