import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The engine runs unchanged in Node, Bun, Deno and browsers, and its output must depend on its input only.
// This walks the TypeScript AST (not text, so comments and strings never trip it) of every engine source file.

const SRC = new URL(".", import.meta.url).pathname;
const isTestSupport = (f: string) => /\.test\.ts$/.test(f) || /(^|\/)test-support\.ts$/.test(f);

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split("/")[0]]));
/** Globals that are runtime-specific, read a clock or randomness, schedule work, or reach the network. */
const BANNED_GLOBALS: Record<string, string> = {
  process: "Node-only global",
  require: "CommonJS, not ESM in every runtime",
  Buffer: "Node-only global",
  __dirname: "Node-only global",
  __filename: "Node-only global",
  Deno: "runtime-specific global",
  Bun: "runtime-specific global",
  window: "browser-only global",
  document: "browser-only global",
  setTimeout: "timer",
  setInterval: "timer",
  setImmediate: "timer",
  clearTimeout: "timer",
  clearInterval: "timer",
  queueMicrotask: "scheduling",
  performance: "clock",
  fetch: "network",
  XMLHttpRequest: "network",
  WebSocket: "network",
};
const BANNED_CALLS: Record<string, string> = { "Date.now": "clock", "Math.random": "randomness", "performance.now": "clock", "crypto.getRandomValues": "randomness", "crypto.randomUUID": "randomness" };

interface Violation {
  file: string;
  line: number;
  what: string;
}

function engineSources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return engineSources(p);
    return d.name.endsWith(".ts") && !isTestSupport(p) ? [p] : [];
  });
}

/** Every impure construct in one source text. */
function violations(file: string, text: string): Violation[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Violation[] = [];
  const add = (node: ts.Node, what: string) => out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what });
  const checkSpecifier = (node: ts.Node, spec: string) => {
    if (spec.startsWith("node:") || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split("/")[0])) add(node, `imports Node built-in "${spec}"`);
  };
  const local = declaredNames(sf);
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      checkSpecifier(node, node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      add(node, arg && ts.isStringLiteral(arg) ? `dynamic import("${arg.text}")` : "dynamic import()");
    } else if (ts.isPropertyAccessExpression(node)) {
      const name = `${node.expression.getText(sf)}.${node.name.text}`;
      if (BANNED_CALLS[name]) add(node, `${name} (${BANNED_CALLS[name]})`);
      if (/^(globalThis|self|window)$/.test(node.expression.getText(sf)) && BANNED_GLOBALS[node.name.text]) add(node, `${name} (${BANNED_GLOBALS[node.name.text]})`);
    } else if (ts.isNewExpression(node) && node.expression.getText(sf) === "Date" && (node.arguments?.length ?? 0) === 0) {
      add(node, "new Date() without arguments (clock)");
    } else if (ts.isIdentifier(node) && BANNED_GLOBALS[node.text] && !local.has(node.text) && isReference(node)) {
      add(node, `${node.text} (${BANNED_GLOBALS[node.text]})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Names the file declares itself (a local `window` is a time window, not the browser's). */
function declaredNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name && ts.isIdentifier(node.name)) {
      names.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return names;
}

/** An identifier used as a value, not a property name, key or member declaration. */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isMethodSignature(p)) && p.name === id) return false;
  if (ts.isQualifiedName(p) || ts.isImportSpecifier(p) || ts.isExportSpecifier(p)) return false;
  return true;
}

describe("engine purity lint", () => {
  it("finds what it is meant to find (and not names in comments, strings or property keys)", () => {
    const found = violations(
      "x.ts",
      [
        'import { readFileSync } from "node:fs";',
        'export * from "path";',
        "const t = Date.now() + Math.random() + performance.now();",
        "setTimeout(() => process.exit(1), 5);",
        "const r = require('x'); const d = new Date(); const g = globalThis.process;",
        "// Date.now() process setTimeout in a comment",
        'const s = "process Date.now() require(fs)"; const o = { process: 1, setTimeout: 2 }; o.process; new Date(0);',
        "function f(window: number) { return window + 1; }",
      ].join("\n"),
    );
    expect(found.map((v) => `${v.line} ${v.what}`)).toEqual([
      '1 imports Node built-in "node:fs"',
      '2 imports Node built-in "path"',
      "3 Date.now (clock)",
      "3 Math.random (randomness)",
      "3 performance.now (clock)",
      "3 performance (clock)",
      "4 setTimeout (timer)",
      "4 process (Node-only global)",
      "5 require (CommonJS, not ESM in every runtime)",
      "5 new Date() without arguments (clock)",
      "5 globalThis.process (Node-only global)",
    ]);
  });

  it("packages/engine/src uses no Node built-in, process, clock, randomness, timer or require outside tests", () => {
    const files = engineSources();
    expect(files.length).toBeGreaterThan(30);
    const found = files.flatMap((f) => violations(relative(SRC, f), readFileSync(f, "utf8")));
    expect(found.map((v) => `${v.file}:${v.line} ${v.what}`)).toEqual([]);
  });
});
