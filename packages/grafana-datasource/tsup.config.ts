import { defineConfig } from "tsup";
import { GRAFANA_EXTERNALS } from "./externals";

// Step 1 of 2: TypeScript/JSX to one ESM file with Grafana's shared modules left as imports.
// Step 2 (rollup.config.mjs) turns it into the AMD module Grafana's SystemJS loader expects.
export default defineConfig({
  entry: { module: "src/module.ts" },
  format: ["esm"],
  platform: "browser",
  target: "es2022",
  outDir: "build",
  clean: true,
  minify: true,
  external: GRAFANA_EXTERNALS,
  esbuildOptions(o) {
    o.jsx = "automatic";
  },
});
