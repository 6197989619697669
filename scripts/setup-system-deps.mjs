#!/usr/bin/env node
// Makes sure the system packages the integration suites need are present before `vitest run`.
// As root on Debian it installs what is missing with apt-get; otherwise it says how, and the suites that
// need a missing package skip themselves, unless EDGEPROOF_REQUIRE_INTEGRATION=1, where this script fails.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const REQUIRED = [
  { bin: "/usr/bin/chromium", pkg: "chromium", why: "Grafana plugin browser test and browser runtime conformance" },
];

const require = process.env.EDGEPROOF_REQUIRE_INTEGRATION === "1";
const missing = REQUIRED.filter((d) => !existsSync(d.bin));
if (missing.length === 0) process.exit(0);

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
if (still.length && require) {
  console.error("setup: EDGEPROOF_REQUIRE_INTEGRATION=1, so missing system packages fail the run");
  process.exit(1);
}
if (still.length) console.error("setup: the suites that need them will be skipped");
