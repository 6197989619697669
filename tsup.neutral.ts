import { defineConfig } from "tsup";

/**
 * One self-contained ESM file per package, dependencies inside, runnable unchanged in Node, Bun, Deno and a
 * browser: the runtime conformance suites (scripts/runtime-conformance) run exactly these files everywhere.
 */
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  platform: "neutral",
  target: "es2022",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  noExternal: [/.*/],
});
