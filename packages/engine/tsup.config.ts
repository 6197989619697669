import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { defineConfig } from "tsup";
import neutral from "../../tsup.neutral.js";

// The two builds below run at once, so neither may clean the folder the other writes to.
rmSync("dist", { recursive: true, force: true });

// Generated at each build from the rules/ folder, so the packaged data can never lag behind the pack files.
const defaultPacksJson = execFileSync(process.execPath, ["--import", "tsx", "packs/generate.ts"], { encoding: "utf8", maxBuffer: 256 << 20 });

export default defineConfig([
  {
    // The runtime-neutral bundle (tsup.neutral.ts, the one the runtime conformance suites run) and the packs.
    ...neutral,
    entry: { index: "src/index.ts", packs: "packs/index.ts" },
    clean: false,
    // Each entry self-contained: a browser page imports index.js or packs.js and nothing else.
    splitting: false,
    // The packs' types name the core's by package name, which resolves to index.d.ts in a consumer.
    external: ["@edgeproof/engine"],
    dts: true,
    define: { __EDGEPROOF_DEFAULT_PACKS_JSON__: JSON.stringify(defaultPacksJson) },
  },
  {
    // Node-only file helpers; they import the core by its package name, so that both share one copy.
    entry: { node: "node/index.ts" },
    format: ["esm"],
    platform: "node",
    target: "node20",
    outDir: "dist",
    sourcemap: true,
    external: ["@edgeproof/engine"],
    dts: true,
  },
]);
