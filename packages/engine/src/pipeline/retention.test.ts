import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { Pipeline } from "./pipeline.js";
import { defaultPacks } from "../../testing/packs.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MiB = 1 << 20;
const UA = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 ${"x".repeat(300)}`;

function clock(minute: number, second: number): string {
  return `20/Nov/2026:10:${String(minute).padStart(2, "0")}:${String(second).padStart(2, "0")} +0000`;
}

/**
 * About 1 MiB of text, as one string, like a reader's chunk: a probing burst from a client of its own and a
 * 5xx burst from an upstream of its own (each opens an incident), then ordinary traffic.
 */
function chunk(i: number): string {
  const minute = i;
  const lines: string[] = [];
  for (let k = 0; k < 12; k++) lines.push(`2001:db8:51:${i}::${100 + i} - - [${clock(minute, 0)}] "GET /probe-${i}-${k}.php HTTP/1.1" 404 10 "-" "curl/8.4.0"`);
  for (let k = 0; k < 25; k++) {
    lines.push(`10.0.0.2 - - [${clock(minute, 0)}] "GET /api/${k} HTTP/1.1" 503 10 "-" "curl/8.4.0" 325 0.004 [shop-api-${i}-8080] [] 10.244.8.${i}:8080 0 0.003 503 req${k}`);
  }
  let size = lines.reduce((n, l) => n + l.length + 1, 0);
  for (let k = 0; size < MiB; k++) {
    const l = `10.0.0.1 - - [${clock(minute, 1 + (k % 50))}] "GET /page/${k} HTTP/1.1" 200 512 "-" "${UA}"`;
    lines.push(l);
    size += l.length + 1;
  }
  return lines.join("\n") + "\n";
}

describe("what incidents keep", () => {
  it("open and closed incidents keep no log text alive: their keys and quotes are strings of their own", () => {
    const CHUNKS = 40;
    const p = new Pipeline({ packs: defaultPacks(), host: "shop.example.com" });
    const heapAfter: number[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      p.pushText(chunk(i), { file: "access.log" });
      gc();
      heapAfter.push(process.memoryUsage().heapUsed);
    }
    const incidents = p.snapshot();
    expect(new Set(incidents.filter((x) => x.ruleId === "http-probing").map((x) => x.key.clientIp)).size).toBe(CHUNKS);
    expect(new Set(incidents.filter((x) => x.ruleId === "upstream-5xx-ratio").map((x) => x.key.upstream)).size).toBe(CHUNKS);
    // Each chunk is a 1 MiB string; an incident holding any slice of one would keep all of it. The reorder
    // buffer legitimately holds the last chunk or two, so growth is measured from the fifth chunk on.
    const growth = heapAfter[CHUNKS - 1] - heapAfter[4];
    expect(growth / MiB).toBeLessThan((CHUNKS - 5) / 4);
  });
});

describe("what a finished incident costs", () => {
  it("about twice its JSON: status counts keyed by code stay small objects", () => {
    const SCANNERS = 1500;
    const lines: string[] = [];
    for (let i = 0; i < SCANNERS; i++) {
      const ip = `203.0.${i >> 8}.${i & 255}`;
      for (let k = 0; k < 13; k++) lines.push(`${ip} - - [${clock(i % 60, k % 10)}] "GET /probe-${k}.php HTTP/1.1" ${k < 12 ? 404 : 503} 10 "-" "curl/8.4.0"`);
    }
    lines.sort((a, b) => (a.slice(a.indexOf("[")) < b.slice(b.indexOf("[")) ? -1 : 1));
    gc();
    const before = process.memoryUsage().heapUsed;
    // The pipeline goes out of scope with the run: what stays is what a caller keeps, the incidents.
    const incidents = ((p) => (p.pushText(lines.join("\n") + "\n", { file: "access.log" }), p.flush()))(new Pipeline({ packs: defaultPacks(), host: "shop.example.com" }));
    gc();
    const perIncident = (process.memoryUsage().heapUsed - before) / incidents.length;
    expect(incidents.length).toBeGreaterThanOrEqual(SCANNERS);
    // About 9 KiB now (the proof text is half of it); status counts built by assignment added 5 KiB more.
    expect(perIncident / 1024).toBeLessThan(11);
  });
});
