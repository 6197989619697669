import { describe, expect, it } from "vitest";
import { parseSnapshot } from "./parse-snapshot.js";
import { logEvidence } from "./pod-logs.js";

const snap = (logs: unknown) => parseSnapshot([{ name: "pod-logs.json", json: { kind: "EdgeproofPodLogs", logs } }]);

describe("pod-log samples as RCA evidence", () => {
  it("keeps a crashed container's last lines and the error-looking ones, redacted, a few per container", () => {
    const text = [
      "2025-03-14T10:04:30Z INFO starting storefront 1.4.2",
      "2025-03-14T10:04:30Z INFO loading catalog",
      "2025-03-14T10:04:31Z ERROR dial tcp 10.96.0.12:5432: connect: connection refused (postgres.shop.svc)",
      "2025-03-14T10:04:31Z INFO retrying in 1s",
      "2025-03-14T10:04:32Z INFO calling https://pay.example/cb?token=s3cr3tvalue&x=1",
      "panic: runtime error: invalid memory address or nil pointer dereference",
      "goroutine 1 [running]:",
      "",
    ].join("\n");
    const { snapshot, rejected } = snap([{ namespace: "shop", pod: "web-1", container: "web", previous: true, text }, { namespace: "other", pod: "web-1", container: "web", previous: true, text }]);
    expect(rejected).toEqual([]);
    expect(snapshot.present).toEqual(["podlogs"]);
    const ev = logEvidence(snapshot, "shop", ["web-1"]).map((e) => `${e.evidence.name} ${e.evidence.field}: ${e.evidence.value}`);
    expect(ev).toEqual([
      "web-1 logs[web] (previous): 2025-03-14T10:04:31Z ERROR dial tcp 10.96.0.12:5432: connect: connection refused (postgres.shop.svc)",
      "web-1 logs[web] (previous): 2025-03-14T10:04:32Z INFO calling https://pay.example/cb?token=[REDACTED]&x=1",
      "web-1 logs[web] (previous): panic: runtime error: invalid memory address or nil pointer dereference",
      "web-1 logs[web] (previous): goroutine 1 [running]:",
    ]);
    expect(logEvidence(snapshot, "shop", ["web-2"])).toEqual([]);
  });

  it("from a running container keeps only lines that look like errors; a bad document is rejected with a reason", () => {
    const { snapshot } = snap([{ namespace: "shop", pod: "web-1", container: "web", previous: false, text: "GET /healthz 200\nreadiness: upstream cache unavailable: timed out after 2s\nGET / 200\n" }]);
    expect(logEvidence(snapshot, "shop", ["web-1"]).map((e) => e.evidence.value)).toEqual(["readiness: upstream cache unavailable: timed out after 2s"]);
    expect(snap([{ pod: "x" }]).rejected[0].reason).toMatch(/^bad pod-log document: /);
  });
});
