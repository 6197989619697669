import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RulePackError, type Incident } from "@edgeproof/engine";
import { REPO } from "../serve/testing/spawn-serve.js";
import { loadPacks } from "../rule-packs.js";
import { checkRunbookRefs, loadRunbooks, parseRunbook } from "./load.js";
import { renderPreview, runbookFor } from "./render.js";

const RUNBOOK = (steps: string, extra = "") => `apiVersion: edgeproof/v1
kind: Runbook
name: t
title: T
${extra}steps:
${steps}`;

const problems = (text: string) => {
  const r = parseRunbook(text, "rb.yaml");
  return "problems" in r ? r.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ""}${p.message}`) : [];
};

describe("runbooks", () => {
  it("refuse anything that asks edgeproof to act, naming file:line:column", () => {
    expect(problems(RUNBOOK("  - name: a\n    type: automated\n    instructions: x\n"))).toEqual([
      'rb.yaml:7:5: type: type "automated": edgeproof never executes actions: remove it and describe the fix as manual runbook steps (steps are type: manual)',
    ]);
    expect(problems(RUNBOOK("  - name: a\n    type: manual\n    instructions: x\n    action: kubectl delete pod x\n"))).toEqual([
      "rb.yaml:9:5: action: action: edgeproof never executes actions: remove it and describe the fix as manual runbook steps",
    ]);
    expect(problems(RUNBOOK("  - name: a\n    type: manual\n    instructions: x\n", "autoRemediate: true\n"))).toEqual([
      "rb.yaml:5:1: autoRemediate: autoRemediate: edgeproof never executes actions: remove it and describe the fix as manual runbook steps",
    ]);
    expect(problems(RUNBOOK("  - name: a\n    type: manul\n    instructions: x\n"))[0]).toMatch(/^rb\.yaml:7:11: steps\[0\]\.type: /);
    expect(problems(RUNBOOK("  - name: a\n    type: manual\n    instructions: '{{incident.key.host}} {{rca.pod}}'\n"))).toEqual([
      expect.stringMatching(/^rb\.yaml:8:19: steps\[0\]\.instructions: unknown placeholder \{\{rca\.pod\}\}: use /),
    ]);
  });

  it("refuse a rule with autoRemediate: true, naming file:line:column", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-rb-"));
    const pack = (rule: string) => `apiVersion: edgeproof/v1\nname: p\nversion: "1"\nrules:\n  - id: r\n    name: R\n    kind: security\n    category: c\n    groupBy: [clientIp]\n    window: 10s\n    when: [{ metric: count, value: 3 }]\n    severity: P3\n${rule}`;
    writeFileSync(join(dir, "p.yaml"), pack("    autoRemediate: true\n"));
    expect(() => loadPacks([join(dir, "p.yaml")])).toThrow(`${join(dir, "p.yaml")}:13:20: rules[0].autoRemediate: edgeproof never executes actions`);
    writeFileSync(join(dir, "p.yaml"), pack("    runbook: missing-one\n"));
    const packs = loadPacks([join(dir, "p.yaml")]);
    expect(() => checkRunbookRefs(packs, new Map())).toThrow(RulePackError);
    expect(() => checkRunbookRefs(packs, new Map())).toThrow(`${join(dir, "p.yaml")}:13:14: rules[0].runbook: unknown runbook "missing-one"`);
    mkdirSync(join(dir, "runbooks"));
    writeFileSync(join(dir, "runbooks", "a.yaml"), RUNBOOK("  - name: a\n    type: script\n    instructions: x\n"));
    expect(() => loadRunbooks([join(dir, "runbooks")])).toThrow(/a\.yaml:7:5: type: type "script": edgeproof never executes actions/);
  });

  it("load the defaults and fill them in from the incident and its RCA", () => {
    const runbooks = loadRunbooks([`${REPO}runbooks`]);
    expect([...runbooks.keys()].sort()).toEqual(["block-scanner-ingress-nginx", "fix-service-selector", "raise-memory-limit", "rollback-stuck-rollout"]);
    const scanner = { kind: "security", ruleId: "http-probing", pack: { name: "http-security" }, key: { clientIp: "192.0.2.9", host: "shop.example.com" }, evidence: [] } as unknown as Incident;
    const p = renderPreview(runbookFor(scanner, () => undefined, runbooks)!, scanner);
    expect(p.runbook).toBe("block-scanner-ingress-nginx");
    expect(p.steps[2].instructions).toContain("nginx.ingress.kubernetes.io/denylist-source-range='192.0.2.9/32'");
    expect(p.steps[1].instructions).toBe("kubectl get ingress -A -o wide | grep -F 'shop.example.com'");
    const oom = {
      kind: "reliability",
      ruleId: "upstream-5xx-ratio",
      pack: { name: "http-5xx" },
      key: { upstream: "shop-web-80" },
      evidence: [],
      rca: {
        service: { namespace: "shop", name: "web" },
        summary: "web OOMKilled",
        blindSpots: [],
        causes: [{ cause: "oom-killed", confidence: "high", summary: "", counterEvidence: [], recommendations: ["`kubectl -n shop describe pod web-1` — OOMKilled"], evidence: [{ kind: "Pod", namespace: "shop", name: "web-1", field: "status.containerStatuses[app].lastState.terminated.reason", value: "OOMKilled" }] }],
      },
    } as unknown as Incident;
    const m = renderPreview(runbookFor(oom, () => undefined, runbooks)!, oom);
    expect(m.runbook).toBe("raise-memory-limit");
    expect(m.steps[0].instructions.split("\n")[0]).toBe("kubectl -n shop describe pod web-1");
    expect(m.steps[2].instructions).toContain("set resources deployment/<deployment> -c app --limits=memory=<new limit>");
    // A rule's own runbook wins; a value the incident lacks is shown as unknown, never left blank.
    const named = renderPreview(runbookFor(oom, () => "block-scanner-ingress-nginx", runbooks)!, oom);
    expect(named.steps[0].instructions).toContain("<incident.key.clientIp: not known for this incident>");
  });
});
