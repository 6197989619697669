import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { RulePackDoc } from "@edgeproof/engine";
import { REPO } from "../testing/packs.js";
import { loadDefaultPacks } from "./generate.js";

const BUILT = resolve(REPO, "packages/engine/dist/packs.js");
let built: RulePackDoc[];

beforeAll(async () => {
  // `npm test` builds every workspace first; a targeted vitest run may not have.
  if (!existsSync(BUILT)) execFileSync("npm", ["run", "build", "-w", "packages/engine", "--silent"], { cwd: REPO, stdio: "inherit" });
  ({ defaultPacks: built } = await import(pathToFileURL(BUILT).href));
}, 120_000);

describe("@edgeproof/engine/packs", () => {
  it("is what rules/ holds now, lists loaded (run `npm run build -w packages/engine` after changing rules/)", () => {
    expect(JSON.parse(JSON.stringify(loadDefaultPacks()))).toEqual(built);
  });

  it("has a pack from every pack folder under rules/, whatever folders it holds", () => {
    const folders = readdirSync(resolve(REPO, "rules"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== "lists" && d.name !== "tests" && !d.name.startsWith("."))
      .filter((d) => readdirSync(join(REPO, "rules", d.name)).some((f) => /\.ya?ml$/.test(f) && !f.includes(".test.")))
      .map((d) => d.name);
    expect(folders.length).toBeGreaterThanOrEqual(2);
    expect(new Set(built.map((p) => p.file.split("/")[1]))).toEqual(new Set(folders));
    for (const p of built) expect(p.file).toMatch(/^rules\/[^/].*\.ya?ml$/);
  });

  it("carries each pack's rules and its signature lists as entries", () => {
    const security = built.find((p) => p.name === "http-security")!;
    const lists = Object.values(security.lists);
    expect(lists.length).toBeGreaterThan(5);
    for (const l of lists) expect(l.entries.length).toBeGreaterThan(0);
    for (const p of built) expect(p.rules.length + (p.volumetric?.length ?? 0)).toBeGreaterThan(0);
  });
});
