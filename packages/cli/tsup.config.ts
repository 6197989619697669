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
  // Packages with native addons (lmdb), workers or file-relative loading (recheck) break when bundled;
  // they load from node_modules at run time.
  external: ["recheck", "lmdb", "@kubernetes/client-node", "@hono/node-server", "hono", "playwright-core"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
