// Grafana reads plugin.json, the logos and README.md next to module.js.
import { cpSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
mkdirSync(`${root}dist/img`, { recursive: true });
cpSync(`${root}src/plugin.json`, `${root}dist/plugin.json`);
cpSync(`${root}README.md`, `${root}dist/README.md`);
cpSync(`${root}src/img`, `${root}dist/img`, { recursive: true });
