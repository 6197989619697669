import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

export type ProcessRun = { wallS: number; cpuS: number; maxRssMB: number; status: number; stdout: string; stderr: string };

/**
 * Runs a command once under GNU time, for wall time (measured here), CPU seconds and peak RSS (from time).
 * `stdinFile` feeds a file like `cmd < FILE`; stdout is kept only when asked, so a big output costs nothing.
 */
export function timeProcess(cmd: string, args: string[], opts: { stdinFile?: string; keepStdout?: boolean; cwd?: string; env?: NodeJS.ProcessEnv; timeoutS?: number } = {}): ProcessRun {
  const dir = mkdtempSync(join(tmpdir(), "bench-time-"));
  const timeOut = join(dir, "time");
  const stdin = opts.stdinFile ? openSync(opts.stdinFile, "r") : "ignore";
  try {
    const started = performance.now();
    const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", timeOut, cmd, ...args], {
      stdio: [stdin, opts.keepStdout ? "pipe" : "ignore", "pipe"],
      cwd: opts.cwd,
      env: opts.env,
      maxBuffer: 1 << 30,
      timeout: (opts.timeoutS ?? 3_600) * 1000,
      encoding: "utf8",
    });
    const wallS = (performance.now() - started) / 1000;
    const [user, sys, rssKB] = readFileSync(timeOut, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
    return { wallS, cpuS: user + sys, maxRssMB: rssKB / 1024, status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  } finally {
    if (typeof stdin === "number") closeSync(stdin);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

export type Stats = { min: number; median: number };

export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2 };
}

/** One result per key with the runs of every round, in round order; everything else comes from its first round. */
export function mergeRounds<T extends { runs: ProcessRun[] }>(rounds: T[][], key: (t: T) => string): T[] {
  const out = new Map<string, T>();
  for (const round of rounds)
    for (const t of round) {
      const have = out.get(key(t));
      if (have) have.runs.push(...t.runs);
      else out.set(key(t), { ...t, runs: [...t.runs] });
    }
  return [...out.values()];
}
