import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // The engine's package exports point at its built files (what a consumer installs); tests run its source, as
  // tsconfig.json's paths do for tsc, tsx and the CLI's bundler.
  resolve: {
    alias: [
      { find: /^@edgeproof\/engine$/, replacement: here("./packages/engine/src/index.ts") },
      { find: /^@edgeproof\/engine\/node$/, replacement: here("./packages/engine/node/index.ts") },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          environment: "node",
          include: ["packages/{engine,loki-adapter,k8s-adapter,cli}/src/**/*.test.ts", "packages/engine/{node,packs}/**/*.test.ts", "rules/**/*.test.ts", "bench/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      "packages/*/vitest.config.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
