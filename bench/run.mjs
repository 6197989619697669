// `npm run bench` entry: runs bench/run.ts through tsx (Node 20 cannot strip types itself).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./run.ts", import.meta.url));
const r = spawnSync(process.execPath, ["--import", "tsx", script, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
