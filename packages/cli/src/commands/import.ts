import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { importCrowdsec, type ImportPolicy, type ImportResult } from "../import/crowdsec/import-pack.js";
import { EXIT } from "./run.js";

/** Some scenario, whitelist entry or file could not be translated (each is listed on stderr); the pack was written. */
export const EXIT_SKIPPED = 4;

export function registerImportCommand(program: Command): void {
  const imp = program.command("import").description("translate another tool's detection rules into an edgeproof pack");
  imp
    .command("crowdsec")
    .description("CrowdSec hub scenarios (trigger, leaky, conditional) and whitelist parsers → one pack; untranslatable ones listed with file:line and why (exit 4)")
    .argument("<paths...>", "hub YAML files or folders (scenarios/, parsers/)")
    .requiredOption("-o, --output <dir>", "folder to write the pack (crowdsec-hub.yaml), its lists/ and IMPORT.md to")
    .option("--data <dir...>", "folders holding the data files scenarios load (sec-lists)", [])
    .option("--policy <file>", "JSON: per hub scenario, whether the default set keeps it on, and which edgeproof rule covers it instead")
    .option("--name <name>", "pack name", "crowdsec-hub")
    .option("--pack-version <v>", "pack version", "1")
    .action((paths: string[], opts) => {
      process.exitCode = importCommand(paths, opts);
    });
}

export function importCommand(paths: string[], opts: { output: string; data: string[]; policy?: string; name: string; packVersion: string }): number {
  let policy: ImportPolicy | undefined;
  if (opts.policy) {
    try {
      policy = JSON.parse(readFileSync(opts.policy, "utf8")) as ImportPolicy;
    } catch (err) {
      process.stderr.write(`edgeproof import: ${opts.policy}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
  }
  const r = importCrowdsec({ paths, dataDirs: opts.data, name: opts.name, version: opts.packVersion, policy });
  writeImport(opts.output, opts.name, r);
  const skipped = [
    ...r.problems,
    ...r.scenarios.filter((s) => s.status === "skipped").map((s) => ({ at: s.source, reason: `${s.name}: ${s.reason}` })),
    ...r.whitelists.flatMap((w) => w.skipped.map((s) => ({ at: s.at, reason: `${w.name}: ${s.reason}` }))),
  ];
  for (const s of skipped) process.stderr.write(`${s.at}: skipped: ${s.reason}\n`);
  const done = r.scenarios.filter((s) => s.status !== "skipped").length;
  process.stderr.write(`edgeproof import: ${done} of ${r.scenarios.length} scenarios translated, ${r.whitelists.reduce((n, w) => n + w.exclusions, 0)} exclusions from ${r.whitelists.length} whitelists → ${join(opts.output, `${opts.name}.yaml`)}\n`);
  return skipped.length ? EXIT_SKIPPED : EXIT.ok;
}

export function writeImport(dir: string, name: string, r: ImportResult): void {
  mkdirSync(join(dir, "lists"), { recursive: true });
  writeFileSync(join(dir, `${name}.yaml`), r.packText);
  for (const [file, text] of r.lists) writeFileSync(join(dir, "lists", file), text);
}
