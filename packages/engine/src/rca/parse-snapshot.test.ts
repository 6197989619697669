import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSnapshot } from "./parse-snapshot.js";

const BASE = join(import.meta.dirname, "../../../../fixtures/rca/_base");
const doc = (name: string) => ({ name, json: JSON.parse(readFileSync(join(BASE, name), "utf8")) });

describe("parseSnapshot", () => {
  it("reads raw API PodLists whose items have no apiVersion/kind", () => {
    const { snapshot, rejected } = parseSnapshot([doc("pods-healthy-kube-system.k8s-openapi.podlist.json"), doc("pods-failed-job.k8s-openapi.podlist.json")]);
    expect(rejected).toEqual([]);
    expect(snapshot.pods).toHaveLength(9);
    expect(snapshot.present).toEqual(["pods"]);
    const job = snapshot.pods.find((p) => p.name.startsWith("k8s-openapi-tests-create-job"))!;
    expect(job.phase).toBe("Failed");
    expect(job.containerStatuses[0].state.terminated).toMatchObject({ reason: "Error", exitCode: 5 });
  });

  it("reads the k9s List with every kind, and the events.k8s.io/v1 deprecated* shape", () => {
    const { snapshot, rejected } = parseSnapshot([doc("baseline-healthy.k9s.list.json"), doc("events.k8s.io-v1.k8s-openapi.list.json")]);
    expect(rejected).toEqual([]);
    expect(snapshot.present).toEqual(["endpoints", "endpointslices", "events", "nodes", "pods", "services"]);
    expect(snapshot.endpoints.map((e) => [e.source, e.serviceName, e.addresses.length])).toEqual([
      ["EndpointSlice", "fred", 2],
      ["Endpoints", "blee", 1],
    ]);
    const v1 = snapshot.events.find((e) => e.reason === "Scheduled")!;
    expect(v1).toMatchObject({ count: 1, first: "2023-02-16T18:25:07.000Z", source: "default-scheduler", involved: { kind: "Pod", name: "some-pod" } });
    expect(v1.message).toMatch(/^Successfully assigned/);
  });

  it("takes count and times from series/eventTime when a core event has them null", () => {
    const ev = {
      apiVersion: "v1", kind: "Event", metadata: { name: "p.1", namespace: "shop", uid: "u1" },
      involvedObject: { kind: "Pod", name: "p", namespace: "shop" }, reason: "Unhealthy", message: "Readiness probe failed: x",
      count: null, firstTimestamp: null, lastTimestamp: null, eventTime: "2025-03-14T10:01:50.104219Z",
      series: { count: 31, lastObservedTime: "2025-03-14T10:06:40.550312Z" },
    };
    const [e] = parseSnapshot([{ name: "ev.json", json: ev }]).snapshot.events;
    expect(e).toMatchObject({ count: 31, first: "2025-03-14T10:01:50.104Z", last: "2025-03-14T10:06:40.550Z" });
  });

  it("rejects malformed timestamps per object with a reason and keeps the rest", () => {
    const { snapshot, rejected } = parseSnapshot([doc("pods-crashloop.holmesgpt-aks.list.json"), doc("pods-crashloop-error.gitops-engine.list.json")]);
    expect(rejected).toEqual([
      { source: "pods-crashloop.holmesgpt-aks.list.json", object: "Pod/default/frontend-service", reason: expect.stringMatching(/^metadata\.creationTimestamp: malformed timestamp "2025-08-2312:02:32Z"/) },
      // gitops-engine's test files reuse the name my-pod: later ones are duplicates, counted.
      { source: "pods-crashloop-error.gitops-engine.list.json", object: "Pod/argocd/my-pod", reason: "duplicate of an earlier object with the same identity" },
      { source: "pods-crashloop-error.gitops-engine.list.json", object: "Pod/argocd/my-pod", reason: "duplicate of an earlier object with the same identity" },
    ]);
    expect(snapshot.pods.map((p) => p.name)).toEqual(["my-pod"]);
  });

  it("never throws on garbage and says why", () => {
    const { snapshot, rejected } = parseSnapshot([
      { name: "a.json", json: null },
      { name: "b.json", json: { kind: "List", items: [42, { metadata: { name: "x" } }] } },
      { name: "c.json", json: { kind: "StatefulSet", metadata: { name: "s" } } },
      { name: "pods.json", json: { kind: "List", items: [] } },
    ]);
    expect(rejected.map((r) => r.reason)).toEqual([
      "document is not a JSON object",
      "not a JSON object",
      "no kind on the item, its list or the file name",
      "kind StatefulSet is not used by the RCA",
    ]);
    expect(snapshot.present).toEqual(["pods"]);
  });
});
