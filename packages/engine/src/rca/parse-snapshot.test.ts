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
      // gitops-engine's test files reuse the name my-pod: one is kept whatever the order, the others are counted.
      { source: "pods-crashloop-error.gitops-engine.list.json", object: "Pod/argocd/my-pod", reason: "duplicate of another object with the same identity" },
      { source: "pods-crashloop-error.gitops-engine.list.json", object: "Pod/argocd/my-pod", reason: "duplicate of another object with the same identity" },
      { source: "pods-crashloop.holmesgpt-aks.list.json", object: "Pod/default/frontend-service", reason: expect.stringMatching(/^metadata\.creationTimestamp: malformed timestamp "2025-08-2312:02:32Z"/) },
    ]);
    expect(snapshot.pods.map((p) => p.name)).toEqual(["my-pod"]);
    const reversed = parseSnapshot([doc("pods-crashloop-error.gitops-engine.list.json"), doc("pods-crashloop.holmesgpt-aks.list.json")].map((d) => ({ ...d, json: { ...d.json, items: [...d.json.items].reverse() } })));
    expect(reversed).toEqual({ snapshot, rejected });
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
      "no kind on the item, its list or the file name",
      "not a JSON object",
      "kind StatefulSet is not used by the RCA",
    ]);
    expect(snapshot.present).toEqual(["pods"]);
  });
});

describe("parseSnapshot: workloads", () => {
  it("reads Deployments, ReplicaSets (owner and revision) and HPAs, and pods' owners, ports and probes", () => {
    const dir = join(import.meta.dirname, "../../../../fixtures/rca/rollout-stuck/snapshot");
    const docs = ["deployments.json", "replicasets.json", "hpas.json", "pods.json"].map((f) => ({ name: f, json: JSON.parse(readFileSync(join(dir, f), "utf8")) }));
    const { snapshot, rejected } = parseSnapshot(docs);
    expect(rejected).toEqual([]);
    expect(snapshot.present).toEqual(["deployments", "horizontalpodautoscalers", "pods", "replicasets"]);
    expect(snapshot.deployments[0]).toMatchObject({ name: "storefront-web", revision: 8, replicas: 3, availableReplicas: 2, templateLabels: { app: "storefront-web" } });
    expect(snapshot.replicasets.map((r) => [r.name, r.revision, r.replicas, r.availableReplicas, r.owner])).toEqual([
      ["storefront-web-6b5c4d7f8", 8, 1, 0, { kind: "Deployment", name: "storefront-web" }],
      ["storefront-web-7d9f8b6c5", 7, 2, 2, { kind: "Deployment", name: "storefront-web" }],
    ]);
    expect(snapshot.hpas[0]).toMatchObject({ target: { kind: "Deployment", name: "storefront-web" }, maxReplicas: 3, currentReplicas: 3 });
    expect(snapshot.pods[0]).toMatchObject({ owner: { kind: "ReplicaSet", name: "storefront-web-7d9f8b6c5" }, containers: [{ ports: [{ name: "http", containerPort: 8080 }], readinessPort: 8080 }] });
  });

  it("keeps the events.k8s.io/v1 view of an event also listed through core/v1, silently", () => {
    const core = { apiVersion: "v1", kind: "Event", metadata: { name: "e.1", namespace: "shop", uid: "u1" }, involvedObject: { kind: "Pod", name: "p", namespace: "shop" }, reason: "BackOff", message: "Back-off restarting failed container", count: 3, firstTimestamp: "2025-03-14T10:00:00Z", lastTimestamp: "2025-03-14T10:05:00Z", source: { component: "kubelet" } };
    const v1 = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "e.1", namespace: "shop", uid: "u1" }, regarding: { kind: "Pod", name: "p", namespace: "shop" }, reason: "BackOff", note: "Back-off restarting failed container", eventTime: null, deprecatedCount: 3, deprecatedFirstTimestamp: "2025-03-14T10:00:00Z", deprecatedLastTimestamp: "2025-03-14T10:05:00Z", reportingController: "kubelet" };
    for (const order of [[core, v1], [v1, core]]) {
      const { snapshot, rejected } = parseSnapshot(order.map((json, i) => ({ name: `ev${i}.json`, json })));
      expect(rejected).toEqual([]);
      expect(snapshot.events).toEqual([expect.objectContaining({ count: 3, source: "kubelet", message: "Back-off restarting failed container" })]);
    }
  });
});
