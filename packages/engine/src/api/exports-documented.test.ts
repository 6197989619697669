import { resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO } from "../../testing/packs.js";

// Every name a consumer can import from the package's entry points has a TSDoc comment, which is what the
// generated API reference (`npm run docs`, typedoc) shows for it. A zod schema and its inferred type share one
// name and one comment.

const ENTRIES = ["packages/engine/src/index.ts", "packages/engine/packs/index.ts", "packages/engine/node/index.ts"];

function undocumented(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(resolve(REPO, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(ENTRIES.map((e) => resolve(REPO, e)), config.options);
  const checker = program.getTypeChecker();
  const out: string[] = [];
  for (const entry of ENTRIES) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(resolve(REPO, entry))!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const documented = (symbol.declarations ?? []).some((d) => {
        const node = ts.isVariableDeclaration(d) ? d.parent.parent : d;
        return ts.getJSDocCommentsAndTags(node).some((c) => ts.isJSDoc(c) && (c.comment || c.tags?.length));
      });
      if (!documented) out.push(`${entry}: ${exported.name}`);
    }
  }
  return out;
}

describe("the engine's public API", () => {
  it("documents every export of @edgeproof/engine, /packs and /node", () => {
    expect(undocumented()).toEqual([]);
  }, 60_000);
});
