import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeReliability, parseSnapshot } from "../index.js";
import { rcaInputFromLog } from "../test-support.js";
import type { DemandSurge } from "../rca-input.js";

const DIR = join(import.meta.dirname, "../../../../../fixtures/rca/chain-oom-crashloop");

function analyze(surges?: DemandSurge[]) {
  const snapDir = join(DIR, "snapshot");
  const { snapshot } = parseSnapshot(readdirSync(snapDir).sort().map((f) => ({ name: f, json: JSON.parse(readFileSync(join(snapDir, f), "utf8")) })));
  const input = rcaInputFromLog(readFileSync(join(DIR, "access.log"), "utf8"), "shop.example.com");
  return analyzeReliability(snapshot, surges ? { ...input, demandSurges: surges.map((s) => ({ ...s, startMs: input.windowStartMs - 60_000 })) } : input);
}

const surge: DemandSurge = {
  incident: "5556eef6459a",
  verdict: "attack-like",
  key: "shop.example.com",
  startMs: 0,
  peak: 2550,
  baselineMedian: 150,
  windowS: 60,
  prefixes: [
    { prefix: "185.220.101.0/24", share: 0.196 },
    { prefix: "192.0.2.0/24", share: 0.196 },
  ],
  topPrefixShare: 0.785,
};

describe("demand-surge cause", () => {
  it("ranks a surge that overlapped the spike above the pods that fell over under it", () => {
    const without = analyze();
    expect(without.causes[0].cause).toBe("oom-killed");
    const rca = analyze([surge]);
    expect(rca.causes[0]).toMatchObject({ cause: "demand-surge", confidence: "high" });
    expect(rca.causes[0].summary).toContain("demand surge from 185.220.101.0/24, 192.0.2.0/24 (flood, incident 5556eef6459a)");
    expect(rca.causes.find((c) => c.cause === "oom-killed")?.because).toBe("demand-surge");
    expect(rca.chains?.[0]).toMatch(/^demand surge from 185\.220\.101\.0\/24, 192\.0\.2\.0\/24 \(17\.0× the baseline\) → OOMKilled/);
    expect(rca.summary).toContain("Likely cause for");
    expect(rca.summary).toContain("demand-surge");
  });
});

describe("demand-surge end to end", () => {
  // 20 minutes of 150 requests a minute on the scenario's upstream, then from 10:01 a flood from two /24s (2,000
  // a minute, 2 per source) while the pods of chain-oom-crashloop run out of memory and the ingress answers 503.
  const line = (ip: string, ts: number, path: string, status: number) => {
    const d = new Date(ts);
    const p = (n: number) => String(n).padStart(2, "0");
    const time = `${p(d.getUTCDate())}/Mar/2025:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
    return `${ip} - - [${time}] "GET ${path} HTTP/1.1" ${status} 512 "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36" 412 0.012 [shop-storefront-web-80] [] ${status === 503 ? "127.0.0.1:8181" : "10.244.1.11:8080"} 512 0.012 ${status} 13e741fde40b9ba913e741fde40b9ba9`;
  };
  const start = Date.UTC(2025, 2, 14, 9, 41, 0);
  const lines: Array<{ ts: number; text: string }> = [];
  for (let m = 0; m < 25; m++)
    for (let i = 0; i < 150; i++) {
      const ts = start + m * 60_000 + i * 400;
      lines.push({ ts, text: line(`100.${64 + (i % 50)}.${m}.${i % 200}`, ts, `/products/${i % 40}`, m >= 22 && i % 2 ? 503 : 200) });
    }
  for (let m = 20; m < 25; m++)
    for (let i = 0; i < 2000; i++) {
      const ts = start + m * 60_000 + Math.floor(i * 29.9);
      lines.push({ ts, text: line(`${i % 2 ? "198.51.100" : "203.0.113"}.${1 + (i % 250)}`, ts, `/search?q=${(i * 7919) % 100000}`, m >= 22 && i % 3 ? 503 : 200) });
    }
  lines.sort((a, b) => a.ts - b.ts || (a.text < b.text ? -1 : 1));

  it("the 5xx incident's RCA names the flood first and the OOM kills as following from it; the flood links the 5xx incidents", async () => {
    const { Pipeline } = await import("../../pipeline/pipeline.js");
    const { loadPackFile, REPO } = await import("../../../testing/packs.js");
    const packs = ["rules/volumetric/http-volumetric.yaml", "rules/reliability/http-5xx.yaml"].map((f) => loadPackFile(join(REPO, f)));
    const snapDir = join(DIR, "snapshot");
    const { snapshot } = parseSnapshot(readdirSync(snapDir).sort().map((f) => ({ name: f, json: JSON.parse(readFileSync(join(snapDir, f), "utf8")) })));
    const p = new Pipeline({ packs, host: "shop.example.com", rca: (input) => analyzeReliability(snapshot, input) });
    lines.forEach((l, i) => p.pushLine(l.text, i + 1, { file: "access.log" }));
    const incidents = p.flush();
    const flood = incidents.find((i) => i.ruleId === "upstream-flood")!;
    expect(flood).toMatchObject({ kind: "security", category: "flood", severity: "P1" });
    expect(flood.volumetric!.prefixes.slice(0, 2).map((x) => x.value).sort()).toEqual(["198.51.100.0/24", "203.0.113.0/24"]);
    const spike = incidents.find((i) => i.ruleId === "upstream-5xx-ratio")!;
    expect(flood.related?.map((r) => r.id)).toContain(spike.id);
    expect(spike.rca!.causes[0]).toMatchObject({ cause: "demand-surge", confidence: "high" });
    expect(spike.rca!.causes[0].summary).toContain(`incident ${flood.id}`);
    expect(spike.rca!.causes.find((c) => c.cause === "oom-killed")?.because).toBe("demand-surge");
    expect(spike.rca!.chains?.[0]).toMatch(/^demand surge from (198\.51\.100|203\.0\.113)\.0\/24, .* → OOMKilled \(limit 512Mi\) → CrashLoopBackOff/);
    expect(spike.proof).toContain("demand-surge [high]");
  });
});
