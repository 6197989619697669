// Entry for Node, Bun and Deno (all three implement node:fs and node:process): `<runtime> main.mjs INPUT.json`.
import { readFileSync } from "node:fs";
import process from "node:process";
import { runCase } from "./core.mjs";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
process.stdout.write(runCase(input));
