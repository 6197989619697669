import { Command, CommanderError, Option } from "commander";
import { RulePackError } from "@edgeproof/engine";
import { runCommand, EXIT } from "./commands/run.js";
import { UsageError } from "./time-arg.js";

const program = new Command()
  .name("edgeproof")
  .description("Deterministic incident intelligence for edge HTTP traffic")
  .version("0.1.0")
  .exitOverride();

program
  .command("run")
  .description("evaluate rule packs over access logs (files, .gz, directories, or - for stdin)")
  .argument("[inputs...]", "log files, directories or - (stdin)")
  .option("--rules <path...>", "rule pack files or directories (default: the bundled rules/)")
  .addOption(new Option("--format <format>", "output format (default: table on a terminal, json otherwise)").choices(["table", "json", "ndjson", "markdown"]))
  .addOption(new Option("--log-format <format>", "access-log format").choices(["auto", "combined", "main", "upstreaminfo", "json"]).default("auto"))
  .option("--host <name>", "host for log lines that do not carry one")
  .option("--since <time>", "ignore events before this time (ISO 8601, epoch ms, or a duration ago such as 2h)")
  .option("--until <time>", "ignore events at or after this time")
  .option("--fail-on <severity>", "exit 3 when an incident at or above this severity (P0..P4) is found")
  .option("--explain <key>", "print each rule's condition timeline for a key, e.g. clientIp=1.2.3.4")
  .option("--lateness <duration>", "how far out of order events may arrive and still count (e.g. 5s, 60s)", "5s")
  .action(async (inputs: string[], opts) => {
    process.exitCode = await runCommand(inputs, opts);
  });

// `edgeproof run … | head` closes stdout early; that is the reader's choice, not a failure.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof RulePackError) {
    process.stderr.write(`edgeproof: invalid rule pack\n${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`edgeproof: ${err.message}\n`);
    return EXIT.usage;
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    process.stderr.write(`edgeproof: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
  process.stderr.write(`edgeproof: ${(err as Error).message ?? String(err)}\n`);
  return EXIT.failure;
}
