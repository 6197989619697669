import { defineConfig } from "tsup";

// One self-contained ESM file (zod inside) that runs unchanged in Node, Bun, Deno and a browser; the runtime
// conformance suite pulls from a loopback Loki-API test server with exactly this file in each runtime.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  platform: "neutral",
  target: "es2022",
  outDir: "dist",
  clean: true,
  noExternal: [/.*/],
});
