import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { Incident } from "@edgeproof/engine";
import type { IncidentExpectation } from "./expected-schema.js";
import { formatAnnotations, isAnnotation } from "./annotations.js";
import { describeExpectation, findingRules, type Mismatch } from "./match.js";
import type { CaseResult } from "./run-tests.js";

/**
 * The expectations that describe exactly these incidents: rule, key, findings, severity and outcome, one entry
 * per rule and key (with a count when it fired more than once). Metric bounds are left to the author.
 */
export function goldenExpectations(incidents: Incident[]): IncidentExpectation[] {
  const groups = new Map<string, { e: IncidentExpectation; n: number }>();
  for (const i of incidents) {
    const rules = findingRules(i);
    const e: IncidentExpectation = { rule: i.ruleId, key: { ...i.key }, ...(rules.length > 1 ? { findings: rules } : {}), severity: i.severity, ...(i.outcome ? { outcome: i.outcome } : {}) };
    const id = JSON.stringify(e);
    const g = groups.get(id);
    if (g) g.n++;
    else groups.set(id, { e, n: 1 });
  }
  return [...groups.values()].map(({ e, n }) => (n > 1 ? { ...e, count: n } : e));
}

/** Rewrites a test's expectations to the current result; returns the diff it made (empty if none). */
export function updateGolden(r: CaseResult): Mismatch[] {
  const before = r.test.expected.incidents.map(describeExpectation);
  const next = goldenExpectations(r.incidents);
  const after = next.map(describeExpectation);
  const diff: Mismatch[] = [...before.filter((b) => !after.includes(b)).map((text) => ({ sign: "-" as const, text })), ...after.filter((a) => !before.includes(a)).map((text) => ({ sign: "+" as const, text }))];
  r.test.expected.incidents = next;
  if (!diff.length) return diff;
  const file = r.test.specFile;
  if (r.test.kind === "folder") {
    const doc = parseDocument(readFileSync(file, "utf8"));
    doc.set("incidents", doc.createNode(next));
    writeFileSync(file, doc.toString({ lineWidth: 0 }));
  } else {
    const body = readFileSync(file, "utf8").split("\n").filter((l) => !isAnnotation(l));
    writeFileSync(file, [...formatAnnotations({ incidents: next, absent: r.test.expected.absent }), ...body].join("\n"));
  }
  return diff;
}
