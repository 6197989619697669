import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { execFileSync } from "node:child_process";

export type Machine = { nproc: number; cpu: string; ramGB: string; node: string; date: string; commit: string; dirty?: boolean };

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
}

export function machineInfo(): Machine {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  return {
    nproc: availableParallelism(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "?",
    ramGB: (totalmem() / 2 ** 30).toFixed(1),
    node: process.versions.node,
    date: tryRun("date", ["-u"]),
    commit: tryRun("git", ["rev-parse", "--short", "HEAD"]),
    // The results file itself is rewritten by every run; anything else changed means the figures are not the commit's.
    dirty: tryRun("git", ["status", "--porcelain", "--untracked-files=no"])
      .split("\n")
      .some((l) => l.trim() && !l.endsWith("bench/RESULTS.md")),
  };
}
