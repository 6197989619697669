import { defineConfig } from "tsup";

export default defineConfig({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  // Workspace packages export TypeScript source; bundle them so the CLI runs on plain Node.
  noExternal: [/^@edgeproof\//],
  // lmdb loads a prebuilt native addon relative to its own package, so it must stay a runtime import.
  external: ["lmdb"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
