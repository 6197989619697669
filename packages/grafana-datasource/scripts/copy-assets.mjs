// Grafana reads plugin.json and the logos next to module.js.
import { cpSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
mkdirSync(`${root}dist/img`, { recursive: true });
cpSync(`${root}src/plugin.json`, `${root}dist/plugin.json`);
cpSync(`${root}src/img`, `${root}dist/img`, { recursive: true });
