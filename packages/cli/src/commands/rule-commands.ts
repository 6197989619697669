import { Option, type Command } from "commander";
import { testCommand } from "./test.js";
import { lintCommand } from "./lint.js";

/** The rule-pack workflow: write, test and tune rules (`test`, `lint`, `explain`, `sweep`). */
export function registerRuleCommands(program: Command): void {
  program
    .command("test")
    .description("run rule-pack tests: folders with expected.yaml and logs with # expect: lines; exit 1 on failure")
    .argument("[paths...]", "test folders or annotated logs (default: the bundled rules/)")
    .option("--rules <path...>", "packs under test (default: the bundled rules/)")
    .option("--update", "write the current incidents as each test's expectation (golden) and show the diff")
    .addOption(new Option("--report <format>", "report format").choices(["text", "markdown"]).default("text"))
    .option("-o, --output <file>", "write the report to a file")
    .option("--seed <n>", "seed of the metamorphic replays (default: derived from each test's name)")
    .option("--metamorphic-runs <n>", "random chunk/shuffle replays per test (0 = off)", "3")
    .action(async (paths: string[], opts) => {
      process.exitCode = await testCommand(paths, opts);
    });

  program
    .command("lint")
    .description("check rule packs: schema (file:line:col), unreachable/duplicate/never-firing rules, ReDoS-prone regexes, list files, test coverage")
    .argument("<packs...>", "pack files or folders")
    .option("--tests <path...>", "tests to measure coverage with (default: tests/ next to each pack)")
    .option("--regex-timeout <ms>", "time limit of each regex analysis", "2000")
    .action(async (packs: string[], opts) => {
      process.exitCode = await lintCommand(packs, opts);
    });
}
