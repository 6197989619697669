import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { rulePackJsonSchema } from "./json-schema.js";
import { REPO } from "../../testing/packs.js";

describe("rules/schema.json", () => {
  it("is current with the zod schema (regenerate: npx tsx scripts/gen-rule-schema.ts)", () => {
    const committed = JSON.parse(readFileSync(resolve(REPO, "rules/schema.json"), "utf8"));
    expect(committed).toEqual(rulePackJsonSchema());
  });

  it("describes rules, lists and signatures", () => {
    const schema = rulePackJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["apiVersion", "name", "version", "lists", "signatures", "rules"]));
    expect(schema.required).toEqual(expect.arrayContaining(["apiVersion", "name", "version", "rules"]));
  });
});
