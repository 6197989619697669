import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveSettings } from "../options.js";

describe("alerting settings", () => {
  it("come from the config file, flags win, and have the documented defaults", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-alert-cfg-"));
    try {
      const cfg = join(dir, "edgeproof.yaml");
      writeFileSync(cfg, "alertmanagers:\n  - url: https://am.example.com\n    caFile: /etc/ca.pem\nwebhooks: [{url: http://127.0.0.1:9/hook}]\nalertMinSeverity: P1\nalertResend: 30s\nlifecycle: true\n");
      const s = resolveSettings([], { config: cfg }, { EDGEPROOF_TOKEN: "t" }).alerting;
      expect(s).toMatchObject({ alertmanagers: [{ url: "https://am.example.com", caFile: "/etc/ca.pem" }], webhooks: [{ url: "http://127.0.0.1:9/hook" }], minSeverity: "P1", resendMs: 30_000, timeoutMs: 10_000, lifecycle: true });
      const f = resolveSettings([], { config: cfg, alertmanager: ["http://127.0.0.1:9093", "http://127.0.0.1:9094"], alertMinSeverity: "P0" }, { EDGEPROOF_TOKEN: "t" }).alerting;
      expect(f.alertmanagers.map((a) => a.url)).toEqual(["http://127.0.0.1:9093", "http://127.0.0.1:9094"]);
      expect(f.minSeverity).toBe("P0");
      const d = resolveSettings([], {}, {}).alerting;
      expect(d).toMatchObject({ alertmanagers: [], webhooks: [], minSeverity: "P2", resendMs: 60_000, lifecycle: false });
      expect(d.levels.P0.escalationMs).toBe(1_800_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuse what cannot work", () => {
    expect(() => resolveSettings([], { lifecycle: true }, {})).toThrow(/--lifecycle lets clients change incidents, so it needs a bearer token/);
    expect(() => resolveSettings([], { alertMinSeverity: "high" }, {})).toThrow(/--alert-min-severity must be one of P0\.\.P4, got "high"/);
    expect(() => resolveSettings([], { alertResend: "0s" }, {})).toThrow(/--alert-resend must be a positive duration/);
  });
});
