import { defineConfig } from "tsup";

// One self-contained ESM file with zod and yaml inside, runnable unchanged in Node, Bun, Deno and a browser:
// the runtime conformance suite (scripts/runtime-conformance) runs exactly this file everywhere.
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
