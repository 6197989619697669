// Copied into the consumer project by package-consumer.test.ts and type-checked there, strict, against the
// packed declarations (in the workspace, tsc checks it against the source). Each @ts-expect-error must fail to
// compile, so declarations that degraded to `any` fail the check too.
import { Incident, RulePackError, createEngine, kubernetesRca, renderProof, type Engine, type EngineEvent, type RulePackDoc, type RunStats } from "@edgeproof/engine";
import { defaultPacks } from "@edgeproof/engine/packs";
import { loadRulePacks } from "@edgeproof/engine/node";

const packs: RulePackDoc[] = defaultPacks;
const rca = kubernetesRca([{ name: "pods.json", json: { kind: "List", items: [] } }]);
const engine: Engine = createEngine({ packs, host: "shop.example.com", lateness: "5s", rca });
const events: EngineEvent[] = ["opened", "updated", "closed"];
for (const e of events) engine.on(e, (i: Incident) => console.log(e, i.severity, i.kind, i.key.clientIp ?? "-", renderProof(i).length));
engine.push('203.0.113.7 - - [10/Oct/2024:13:55:36 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"\n');
const incidents: Incident[] = engine.flush();
const stats: RunStats = engine.stats;
console.log(stats.lines, stats.rejected, rca.rejected.length, incidents.map((i) => Incident.parse(i).id));
export const fromDisk: () => RulePackDoc[] = () => loadRulePacks(["rules"]);
export const isPackError = (e: unknown): e is RulePackError => e instanceof RulePackError;

// @ts-expect-error a severity is P0..P4
export const badSeverity: Incident["severity"] = "P9";
// @ts-expect-error push takes text
engine.push(42);
// @ts-expect-error the engine reports opened, updated and closed only
engine.on("grown", () => {});
// @ts-expect-error packs are required
createEngine({ host: "x" });
