#!/usr/bin/env node
// Makes sure the system packages and runtimes the integration suites need are present before `vitest run`.
// As root on Debian it installs missing system packages with apt-get; bun and deno come from the npm registry
// into `.tools/` (git-ignored, ~200 MB, so not in the workspace's node_modules). Whatever cannot be installed is
// reported with how to install it, and the suites that need it skip themselves, unless
// EDGEPROOF_REQUIRE_INTEGRATION=1, where this script fails.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { locateRuntimes, REPO } from "./runtime-conformance/conformance.mjs";

const REQUIRED = [
  { bin: "/usr/bin/chromium", pkg: "chromium", why: "Grafana plugin browser test and browser runtime conformance" },
  { bin: "/usr/bin/prometheus-alertmanager", pkg: "prometheus-alertmanager", why: "alert delivery tests against the real Alertmanager" },
];
const TOOLS = [
  { name: "bun", spec: "bun@1.4.5" },
  { name: "deno", spec: "deno@2.9.6" },
];
const TOOLS_INSTALL = ["--prefix", ".tools", "i", ...TOOLS.map((t) => t.spec), "--no-audit", "--no-fund"];

const require = process.env.EDGEPROOF_REQUIRE_INTEGRATION === "1";

function installSystemPackages() {
  const missing = REQUIRED.filter((d) => !existsSync(d.bin));
  if (missing.length === 0) return [];
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (isRoot && hasApt) {
    const pkgs = missing.map((d) => d.pkg);
    console.error(`setup: installing ${pkgs.join(", ")} with apt-get`);
    try {
      execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
      execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...pkgs], {
        stdio: "inherit",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    } catch (err) {
      console.error(`setup: apt-get failed: ${err.message}`);
    }
  }
  const still = REQUIRED.filter((d) => !existsSync(d.bin));
  for (const d of still) console.error(`setup: ${d.bin} is missing (${d.why}); install it with: sudo apt-get install -y ${d.pkg}`);
  return still.map((d) => d.pkg);
}

function installTools() {
  const missing = TOOLS.filter((t) => !locateRuntimes()[t.name]);
  if (missing.length === 0) return [];
  console.error(`setup: installing ${missing.map((t) => t.spec).join(", ")} into .tools/ for the runtime conformance suite`);
  const r = spawnSync("npm", TOOLS_INSTALL, { cwd: REPO, stdio: "inherit", timeout: 300_000 });
  if (r.status !== 0) console.error(`setup: npm ${TOOLS_INSTALL.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
  const still = TOOLS.filter((t) => !locateRuntimes()[t.name]);
  for (const t of still) console.error(`setup: ${t.name} is missing (runtime conformance); install it with: npm ${TOOLS_INSTALL.join(" ")}`);
  return still.map((t) => t.name);
}

const still = [...installSystemPackages(), ...installTools()];
if (still.length && require) {
  console.error("setup: EDGEPROOF_REQUIRE_INTEGRATION=1, so missing system packages and runtimes fail the run");
  process.exit(1);
}
if (still.length) console.error("setup: the suites that need them will be skipped");
