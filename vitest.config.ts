import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          environment: "node",
          include: ["packages/{engine,loki-adapter,k8s-adapter,cli}/src/**/*.test.ts", "rules/**/*.test.ts", "bench/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      "packages/*/vitest.config.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
