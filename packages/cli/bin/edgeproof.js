#!/usr/bin/env node
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../dist/main.js", import.meta.url));
if (!existsSync(dist)) {
  process.stderr.write("edgeproof: not built yet; run `npm run build -w packages/cli` first\n");
  process.exit(1);
}
await import(dist);
