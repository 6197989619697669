// Writes rules/schema.json from the zod rule-pack schema: `npx tsx scripts/gen-rule-schema.ts`.
// A test fails when the committed file is not what this produces.
import { writeFileSync } from "node:fs";
import { rulePackJsonSchema } from "@edgeproof/engine";

writeFileSync(new URL("../rules/schema.json", import.meta.url), JSON.stringify(rulePackJsonSchema(), null, 2) + "\n");
