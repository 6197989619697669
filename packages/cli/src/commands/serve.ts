import { resolveSettings, type ServeFlags } from "../serve/options.js";
import { startServe } from "../serve/server.js";

/** `edgeproof serve`: runs until SIGINT/SIGTERM, then commits what it has and exits 0. */
export async function serveCommand(inputs: string[], flags: ServeFlags): Promise<number> {
  const settings = resolveSettings(inputs, flags, process.env);
  const log = (msg: string) => process.stderr.write(`edgeproof serve: ${msg}\n`);
  const server = await startServe(settings, log);
  process.stdout.write(`edgeproof serve: listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return 0;
}
