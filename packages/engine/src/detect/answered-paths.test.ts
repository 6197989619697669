import { describe, expect, it } from "vitest";
import { loadRulePack } from "../rules/index.js";
import { Pipeline } from "../pipeline/pipeline.js";
import type { HTTPEvent } from "../event/http-event.js";

const pack = loadRulePack(
  `apiVersion: edgeproof/v1
name: t
version: "1"
rules:
  - id: panels
    name: panels
    kind: security
    category: admin-interfaces
    match:
      - { field: path, op: startsWith, value: [/admin, /pma] }
      - { field: method, op: in, value: [GET, HEAD] }
      - { field: status, op: in, value: [401, 403, 404] }
    skipAnswered: { by: firstSegment, within: 10m }
    groupBy: [clientIp, host]
    window: 60s
    when:
      - { metric: "distinct(path)", op: ">=", value: 3 }
    severity: P3
`,
  "t.yaml",
);

const T0 = 1_700_000_000_000;
const ev = (s: number, ip: string, host: string, method: string, path: string, status: number, line: number): HTTPEvent => ({ ts: T0 + s * 1000, clientIp: ip, host, method, path, status, source: { format: "combined", line } });

function run(events: HTTPEvent[]) {
  const p = new Pipeline({ packs: [pack], allowedLatenessMs: 0 });
  for (const e of events) p.pushEvent(e);
  return p.flush().map((i) => `${i.key.clientIp} ${i.key.host}`);
}

const failures = (s: number, ip: string, host: string, line: number) => ["/admin/users", "/admin/billing", "/admin/audit"].map((path, k) => ev(s + k, ip, host, "GET", path, 403, line + k));

describe("skipAnswered", () => {
  it("does not count failures under a panel the host answered, to anyone, within the span", () => {
    expect(run([ev(0, "staff-a", "h", "POST", "/admin/login", 302, 1), ...failures(5, "staff-b", "h", 2)])).toEqual([]);
  });

  it("counts them on another host, and once the answer is older than the span", () => {
    expect(run([ev(0, "staff-a", "h", "GET", "/admin/", 200, 1), ...failures(5, "x", "other", 2)])).toEqual(["x other"]);
    expect(run([ev(0, "staff-a", "h", "GET", "/admin/", 200, 1), ...failures(601, "x", "h", 2)])).toEqual(["x h"]);
  });

  it("judges each panel by its own first segment: an answered /admin does not hide probes for /pma", () => {
    const probes = ["/pma/", "/pma/index.php", "/pma/setup/"].map((path, k) => ev(5 + k, "scanner", "h", "GET", path, 404, 2 + k));
    expect(run([ev(0, "staff", "h", "GET", "/admin/", 200, 1), ...probes])).toEqual(["scanner h"]);
  });

  it("counts a failure that came before the answer (it is judged when it arrives)", () => {
    expect(run([...failures(0, "x", "h", 1), ev(10, "staff", "h", "GET", "/admin/", 200, 9)])).toEqual(["x h"]);
  });
});
