import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Incident } from "@edgeproof/engine";
import { Store } from "./store.js";

const base: Incident = {
  id: "aaaaaaaaaaaa",
  kind: "security",
  ruleId: "r",
  pack: { name: "p", version: "1", hash: "h" },
  title: "t",
  category: "c",
  severity: "P3",
  status: "open",
  key: { clientIp: "192.0.2.1", host: "h" },
  window: { start: "2026-11-20T10:00:00.000Z", end: "2026-11-20T10:01:00.000Z" },
  metrics: { requests: 10, peakRps: 1, distinctPaths: 1, signatureHits: {}, statusCounts: {} },
  evidence: [],
  thresholds: [],
  findings: [],
  recommendations: [],
  proof: "proof",
};
const at = (inc: Incident, end: string, requests: number, status: Incident["status"] = "open"): Incident => ({ ...inc, status, window: { ...inc.window, end }, metrics: { ...inc.metrics, requests } });

describe("Store", () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "edgeproof-store-"));
    store = new Store(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes replays idempotent: a closed incident is never reopened and a window never shrinks", () => {
    const w = (inc: Incident) => store.commit(() => store.upsertIncident(inc));
    expect(w(base)).toBe("opened");
    expect(w(base)).toBe("unchanged");
    expect(w(at(base, "2026-11-20T10:02:00.000Z", 20))).toBe("updated");
    expect(w(at(base, "2026-11-20T10:01:30.000Z", 15))).toBe("unchanged");
    expect(store.getIncident(base.id)!.metrics.requests).toBe(20);
    expect(w(at(base, "2026-11-20T10:03:00.000Z", 30, "closed"))).toBe("closed");
    expect(w(at(base, "2026-11-20T10:04:00.000Z", 40))).toBe("unchanged");
    expect(store.getIncident(base.id)!.status).toBe("closed");
    expect(store.incidentCount).toBe(1);
  });

  it("lets a replay replace a closed incident it closed differently, never with less, and reports it as updated", async () => {
    const w = (inc: Incident) => store.commit(() => store.upsertIncident(inc));
    // Closed too early by an earlier process (254 requests); the replay after a restart saw all 420.
    const early = at(base, "2026-11-20T10:01:00.000Z", 254, "closed");
    const replayed = { ...at(base, "2026-11-20T10:03:00.000Z", 420, "closed"), proof: "proof over 420 requests" };
    expect(w(early)).toBe("closed");
    // The same closed incident again, read back across a reopen of the store: nothing to publish.
    await store.close();
    store = new Store(dir);
    expect(w(early)).toBe("unchanged");
    expect(w(replayed)).toBe("updated");
    expect(store.getIncident(base.id)).toEqual(replayed);
    expect(w(replayed)).toBe("unchanged");
    // A partial replay (fewer requests) never overwrites what is stored, nor does an open copy.
    expect(w(at(base, "2026-11-20T10:02:00.000Z", 300, "closed"))).toBe("unchanged");
    expect(w(at(base, "2026-11-20T10:05:00.000Z", 500))).toBe("unchanged");
    expect(store.getIncident(base.id)!.metrics.requests).toBe(420);
    const listed = store.listIncidents({ from: 0, to: Date.parse("2027-01-01T00:00:00Z") }, 10);
    expect(listed.items.map((i) => [i.id, i.metrics.requests])).toEqual([[base.id, 420]]);
  });

  it("lists overlapping windows newest first, pages without gaps, and finds long incidents that started before `from`", () => {
    store.commit(() => {
      for (let i = 0; i < 25; i++) {
        const start = Date.parse("2026-11-20T10:00:00Z") + i * 60_000;
        store.upsertIncident({ ...base, id: `id${String(i).padStart(2, "0")}`, window: { start: new Date(start).toISOString(), end: new Date(start + 30_000).toISOString() } });
      }
      // Started long before the range, still going inside it.
      store.upsertIncident({ ...base, id: "long", window: { start: "2026-11-20T08:00:00.000Z", end: "2026-11-20T10:30:00.000Z" } });
    });
    const f = { from: Date.parse("2026-11-20T10:10:00Z"), to: Date.parse("2026-11-20T10:20:00Z") };
    const ids: string[] = [];
    let cursor;
    do {
      const page = store.listIncidents(f, 4, cursor);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.next;
    } while (cursor);
    expect(ids).toEqual(["id19", "id18", "id17", "id16", "id15", "id14", "id13", "id12", "id11", "id10", "long"]);
  });
});
