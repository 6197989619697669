import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../testing/spawn-serve.js";
import { DEFAULT_SEVERITY_LEVELS, loadSeverityLevels } from "./severity-levels.js";
import { escalationReason } from "./escalation.js";

describe("severity levels", () => {
  it("default to the seed's times, which the shipped example file spells out", () => {
    expect(Object.fromEntries(Object.entries(DEFAULT_SEVERITY_LEVELS).map(([k, v]) => [k, [v.responseMs, v.escalationMs]]))).toEqual({
      P0: [900_000, 1_800_000],
      P1: [3_600_000, 7_200_000],
      P2: [14_400_000, 28_800_000],
      P3: [86_400_000, 172_800_000],
      P4: [undefined, undefined],
    });
    expect(loadSeverityLevels(`${REPO}provisioning/alertmanager/severity-levels.yaml`)).toEqual(DEFAULT_SEVERITY_LEVELS);
  });

  it("name file:line:column for a bad value, and keep defaults for levels left out", () => {
    const f = join(mkdtempSync(join(tmpdir(), "edgeproof-sev-")), "levels.yaml");
    writeFileSync(f, "severity_levels:\n  P1:\n    name: High\n    escalation_time: soon\n");
    expect(() => loadSeverityLevels(f)).toThrow(`${f}:4:22: severity_levels.P1.escalation_time: expected a duration such as 15m, 1h or 24h, or none`);
    writeFileSync(f, "severity_levels:\n  P1: {name: High, escalation_time: 5m}\n");
    const l = loadSeverityLevels(f);
    expect(l.P1.escalationMs).toBe(300_000);
    expect(l.P0).toEqual(DEFAULT_SEVERITY_LEVELS.P0);
  });

  it("escalate only unacknowledged P0 and P1 past their escalation time", () => {
    const lc = (state: "detected" | "acknowledged") => ({ state, detectedAt: 0, audit: [] });
    const L = DEFAULT_SEVERITY_LEVELS;
    expect(escalationReason("P0", lc("detected"), L, 1_799_999)).toBeUndefined();
    expect(escalationReason("P0", lc("detected"), L, 1_800_000)).toBe("P0 (Critical) not acknowledged within 30m of detection at 1970-01-01T00:00:00.000Z");
    expect(escalationReason("P0", lc("acknowledged"), L, 9e9)).toBeUndefined();
    expect(escalationReason("P2", lc("detected"), L, 9e9)).toBeUndefined();
  });
});
