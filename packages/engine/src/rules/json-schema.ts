import { z } from "zod";
import { RulePack } from "./schema.js";

/** The rule-pack JSON Schema (input form, so defaulted fields are optional), for editors and CI linters. */
export function rulePackJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(RulePack, { io: "input" }), title: "edgeproof rule pack", $id: "https://edgeproof.dev/schema/rule-pack.json" };
}
