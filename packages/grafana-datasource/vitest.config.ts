import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  test: {
    name: "grafana",
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: [here("./test/setup.ts")],
    // @grafana packages import .css and CJS named exports; vitest must transform them itself.
    server: { deps: { inline: [/@grafana\//] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
  resolve: {
    alias: [
      // Icons would be fetched over HTTP from a Grafana server; a static <svg> stands in (as in create-plugin's jest mocks).
      { find: "react-inlinesvg", replacement: here("./test/inline-svg-stub.tsx") },
    ],
  },
});
