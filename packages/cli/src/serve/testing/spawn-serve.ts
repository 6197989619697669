import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The repository root, found upwards from the working directory (jsdom test files have no file: URL). */
export const REPO = findRepo(process.cwd());
export const CLI = `${REPO}packages/cli/bin/edgeproof.js`;

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to flush anything. */
  kill9(): Promise<void>;
}

/**
 * Starts the built `edgeproof serve` on 127.0.0.1 with a free port and waits until it listens and, unless
 * told otherwise, until /readyz says every source has caught up. Fails with its stderr if it exits first.
 */
export async function spawnServe(args: string[], o: { env?: Record<string, string>; waitReady?: boolean; timeoutMs?: number; token?: string } = {}): Promise<ServeProcess> {
  if (!existsSync(`${REPO}packages/cli/dist/main.js`)) throw new Error("packages/cli is not built: run `npm run build -w packages/cli`");
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--bind", "127.0.0.1", ...args], {
    cwd: REPO,
    env: { ...process.env, ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (b) => (out += b));
  child.stderr!.on("data", (b) => (err += b));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  let url: string | undefined;
  while (!url) {
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) url = m[1];
    else if (child.exitCode !== null) throw new Error(`edgeproof serve exited with ${child.exitCode}: ${err}`);
    else if (Date.now() > deadline) throw new Error(`edgeproof serve did not listen in time: ${err}`);
    else await sleep(50);
  }
  if (o.waitReady !== false) {
    for (;;) {
      const r = await fetch(`${url}/readyz`).catch(() => undefined);
      if (r?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`edgeproof serve not ready in time: ${await r?.text()}`);
      await sleep(100);
    }
  }
  return {
    url,
    child,
    stderr: () => err,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    async kill9() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function findRepo(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, "packages/cli/bin/edgeproof.js"))) return d + "/";
    if (dirname(d) === d) throw new Error(`no edgeproof repository above ${from}`);
  }
}
