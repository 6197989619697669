import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../time-arg.js";

const LOCK = "serve.pid";

/**
 * Takes `--data-dir` for this process, or says in one line why not (a UsageError: exit 2, no stack trace):
 * the path is a file, it cannot be created or written, or another running `edgeproof serve` holds it. Two
 * writers would each ingest and commit cursors over the other's, so the second one must not start.
 *
 * The claim is a file holding the owner's pid, created exclusively. One left by a process that is gone
 * (kill -9, power loss) is taken over.
 */
export function claimDataDir(dir: string): { release(): void } {
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new UsageError(`--data-dir ${dir} is a file, not a directory: give a directory (it is created if missing)`);
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--data-dir ${dir} cannot be created: ${reason(err)}`);
  }
  const lock = join(dir, LOCK);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
      return { release: () => releaseIfOurs(lock) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new UsageError(`--data-dir ${dir} is not writable: ${reason(err)}`);
    }
    const owner = ownerOf(lock);
    if (attempt > 0 || (owner > 0 && owner !== process.pid && alive(owner))) {
      throw new UsageError(`--data-dir ${dir} is in use by another edgeproof serve (pid ${owner}): stop it, or give this one its own --data-dir`);
    }
    rmSync(lock, { force: true });
  }
}

/** The pid in the claim file; NaN when it is gone or unreadable (then it is retried once). */
function ownerOf(lock: string): number {
  try {
    return Number.parseInt(readFileSync(lock, "utf8"), 10);
  } catch {
    return Number.NaN;
  }
}

function releaseIfOurs(lock: string): void {
  if (ownerOf(lock) === process.pid) rmSync(lock, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const what: Record<string, string> = { EACCES: "permission denied", EPERM: "permission denied", EROFS: "read-only file system", ENOSPC: "no space left on device", ENOTDIR: "a parent is a file" };
  return (e.code && what[e.code]) ?? e.message;
}
