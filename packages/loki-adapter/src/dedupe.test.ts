import { describe, expect, it } from "vitest";
import { dedupeTsGroup } from "./dedupe.js";
import { canonicalLabels } from "./labels.js";
import type { LokiEntry } from "./schemas.js";

const e = (line: string, labels: Record<string, string>): LokiEntry => ({ tsNs: "1", line, labels, stream: canonicalLabels(labels) });
const none = new Set<string>();

describe("dedupe of one timestamp across queries and streams", () => {
  it("an overlapping selector adds no copies; genuine repeats inside one stream stay", () => {
    const s = { job: "a" };
    const q1 = [e("x", s), e("dup", s), e("dup", s)];
    const q2 = [e("x", s), e("dup", s), e("dup", s)];
    const r = dedupeTsGroup([q1, q2], none);
    expect(r.entries.map((x) => x.line)).toEqual(["x", "dup", "dup"]);
    expect(r.dropped).toBe(3);
  });

  it("streams differing in labels are different lines unless those labels are ignored", () => {
    const a = e("GET /", { job: "ing", agent: "promtail" });
    const b = e("GET /", { job: "ing", agent: "alloy" });
    expect(dedupeTsGroup([[a], [b]], none)).toEqual({ entries: [b, a], dropped: 0 });
    const r = dedupeTsGroup([[a, b]], new Set(["agent"]));
    expect(r).toEqual({ entries: [b], dropped: 1 }); // smallest stream label string wins: agent="alloy"
  });

  it("the result does not depend on the order queries or streams answered in", () => {
    const a = e("l", { job: "ing", agent: "p" });
    const b = e("l", { job: "ing", agent: "q" });
    const c = e("m", { job: "ing", agent: "q" });
    const ig = new Set(["agent"]);
    const one = dedupeTsGroup([[a, c], [b]], ig);
    const two = dedupeTsGroup([[b], [c, a]], ig);
    expect(one.entries.map((x) => x.stream + x.line)).toEqual(two.entries.map((x) => x.stream + x.line));
    expect([one.dropped, two.dropped]).toEqual([1, 1]);
  });
});
