import { Command, CommanderError, Option } from "commander";
import { RulePackError } from "@edgeproof/engine";
import { runCommand, EXIT } from "./commands/run.js";
import { registerRuleCommands } from "./commands/rule-commands.js";
import { registerImportCommand } from "./commands/import.js";
import { UsageError } from "./time-arg.js";
import { alertingOptions, alertTargetOptions, evaluationOptions, k8sOptions, lokiOptions } from "./command-options.js";
import { tuneGcForStreaming } from "./gc-tuning.js";

const program = new Command()
  .name("edgeproof")
  .description("Deterministic incident intelligence for edge HTTP traffic")
  .version("0.1.0")
  .exitOverride();

const run = program
  .command("run")
  .description("evaluate rule packs over access logs (files, .gz, directories, or - for stdin)")
  .argument("[inputs...]", "log files, directories or - (stdin)")
  .addOption(new Option("--format <format>", "output format (default: table on a terminal, json otherwise)").choices(["table", "json", "ndjson", "markdown"]))
  .option("--since <time>", "ignore events before this time (ISO 8601, epoch ms, or a duration ago such as 2h)")
  .option("--until <time>", "ignore events at or after this time")
  .option("--fail-on <severity>", "exit 3 when an incident at or above this severity (P0..P4) is found")
  .option("--explain <key>", "print each rule's condition timeline for a key, e.g. clientIp=1.2.3.4");
evaluationOptions(run);
k8sOptions(run, "take a read-only Kubernetes snapshot for root-cause analysis");
alertTargetOptions(run);
lokiOptions(run, "pull access logs from Loki instead of files").action(async (inputs: string[], opts) => {
  process.exitCode = await runCommand(inputs, opts);
});

program
  .command("snapshot")
  .description("save a read-only Kubernetes snapshot (list calls only) for later offline RCA")
  .requiredOption("-o, --output <dir>", "directory to write the JSON files to")
  .option("--kubeconfig <file>", "kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
  .option("--context <name>", "kubeconfig context")
  .option("--namespace <ns...>", "limit namespaced resources to these namespaces")
  .action(async (opts) => {
    // serve and snapshot load their dependencies (HTTP server, LMDB, the Kubernetes client) when used:
    // `run` over files starts without them, in a third of the memory.
    const { snapshotCommand } = await import("./commands/snapshot.js");
    process.exitCode = await snapshotCommand(opts);
  });

registerRuleCommands(program);
registerImportCommand(program);

const serve = program
  .command("serve")
  .description("aggregate continuously and serve incidents over a read-only HTTP API (for the Grafana data source)")
  .argument("[inputs...]", "log files or directories to follow (a directory's k8s/ folder is used as the snapshot), - for stdin")
  .option("--port <port>", "TCP port (0 picks a free one)", "8478")
  .option("--bind <address>", "address to listen on; non-loopback needs a token", "127.0.0.1")
  .option("--data-dir <dir>", "where incidents and source cursors are kept (default: ./.edgeproof-data)")
  .option("--config <file>", "edgeproof.yaml with the same settings; flags win")
  .option("--token-file <file>", "bearer token clients must send (or set EDGEPROOF_TOKEN)")
  .option("--retention <duration>", "how long incidents are kept, in event time (default 7d)")
  .option("--rate-limit <n>", "requests per second per client (default 50)");
alertingOptions(serve);
evaluationOptions(serve, false);
k8sOptions(serve, "read-only Kubernetes snapshot, refreshed every 5 minutes", false);
lokiOptions(serve, "also poll Loki for access logs", false)
  .option("--loki-interval <duration>", "how often to poll Loki (default 15s)")
  .option("--loki-since <duration>", "how far back the first Loki pull starts (default 1h)")
  .action(async (inputs: string[], opts) => {
    const { serveCommand } = await import("./commands/serve.js");
    process.exitCode = await serveCommand(inputs, opts);
  });

// `edgeproof run … | head` closes stdout early; that is the reader's choice, not a failure.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

if (process.env.EDGEPROOF_GC !== "v8-defaults") tuneGcForStreaming();

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
  process.stderr.write(`edgeproof: ${(err as Error).message ?? String(err)}\n`);
  return EXIT.failure;
}
