import { describe, expect, it } from "vitest";
import { parseLine } from "../../packages/engine/src/parse/index.js";
import { LineSplitter } from "../../packages/engine/src/pipeline/line-splitter.js";
import { generate } from "../gen/generate.js";
import { loadProbeLists } from "../gen/lists.js";
import { CeilingCounter, fnv1a, KeyTable } from "./ceiling.js";

const tally = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

describe("ceiling counter (bench scenario 0b)", () => {
  it("counts what the engine's parser reads: requests, 4xx and last time per client, requests and 5xx per upstream", () => {
    const parts: string[] = [];
    // IPv6 clients, retries, the 5xx episode and scanner bursts are all in 20k mixed lines.
    generate({ lines: 20_000, format: "upstreaminfo", clients: 2_000, seed: 3, mode: "mixed", lists: loadProbeLists() }, (c) => parts.push(c));
    const text = parts.join("");
    const counter = new CeilingCounter();
    // Fed in uneven chunks, as the scenario reads its file.
    const splitter = new LineSplitter();
    const sink = (t: string, s: number, e: number) => counter.line(t, s, e);
    for (let i = 0; i < text.length; i += 65_537) splitter.push(text.slice(i, i + 65_537), sink);
    splitter.end(sink);

    const want = { requests: new Map<string, number>(), errors: new Map<string, number>(), last: new Map<string, number>(), up: new Map<string, number>(), up5xx: new Map<string, number>() };
    let n = 0;
    for (const line of text.split("\n").slice(0, -1)) {
      const r = parseLine(line, { line: ++n });
      if (!r.ok) throw new Error(`generated line ${n} does not parse: ${r.rejected.reason}`);
      const e = r.event;
      tally(want.requests, e.clientIp!);
      tally(want.errors, e.clientIp!, e.status >= 400 && e.status < 500 ? 1 : 0);
      want.last.set(e.clientIp!, e.ts);
      tally(want.up, e.upstream!.name ?? "-");
      tally(want.up5xx, e.upstream!.name ?? "-", e.status >= 500 ? 1 : 0);
    }

    const got = { requests: new Map<string, number>(), errors: new Map<string, number>(), last: new Map<string, number>(), up: new Map<string, number>(), up5xx: new Map<string, number>() };
    counter.clients.keys.forEach((k, s) => {
      if (k === undefined) return;
      got.requests.set(k, counter.requests[s]);
      got.errors.set(k, counter.clientErrors[s]);
      got.last.set(k, counter.lastSeen[s]);
    });
    counter.upstreams.keys.forEach((k, s) => {
      if (k === undefined) return;
      got.up.set(k, counter.upstreamRequests[s]);
      got.up5xx.set(k, counter.upstream5xx[s]);
    });
    expect(counter.skipped).toBe(0);
    expect([...want.up5xx.values()].some((v) => v > 0)).toBe(true);
    expect([...want.errors.values()].some((v) => v > 0)).toBe(true);
    expect(got).toEqual(want);
  });

  it("keeps keys that land on the same slot apart, and refuses to fill up", () => {
    const t = new KeyTable(8);
    const slotOf = (k: string) => fnv1a(k, 0, k.length) & 7;
    const keys = Array.from({ length: 64 }, (_, i) => `10.0.0.${i}`);
    const a = keys[0];
    const b = keys.find((k) => k !== a && slotOf(k) === slotOf(a))!;
    expect(b).toBeDefined();
    const line = `${a} ${b} ${a}`;
    const sa = t.slot(line, 0, a.length);
    const sb = t.slot(line, a.length + 1, a.length + 1 + b.length);
    expect(sb).not.toBe(sa);
    expect(t.slot(line, a.length + b.length + 2, line.length)).toBe(sa);
    expect(t.keys[sa]).toBe(a);
    expect(t.keys[sb]).toBe(b);
    t.slot("c", 0, 1);
    t.slot("d", 0, 1);
    expect(t.size).toBe(4);
    expect(t.slot("c", 0, 1)).toBe(t.slot("xc", 1, 2));
    expect(() => t.slot("e", 0, 1)).toThrow(/full/);
  });
});
