import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { onPath, timeProcess, type ProcessRun } from "../lib/measure.js";
import { crowdsecArgs, crowdsecFound, prepareCrowdsec, resetCrowdsec } from "./crowdsec.js";

/** One peer measured on one file: what users would run instead of edgeproof, or a floor (cat, wc). */
export type PeerResult = { tool: string; version: string; command: string; lines: number; bytes: number; runs: ProcessRun[]; found: string };
export type PeerSkip = { tool: string; install: string };

const FAIL2BAN_FILTER = "/etc/fail2ban/filter.d/nginx-botsearch.conf";

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
  return `${r.stdout}${r.stderr}`.split("\n").find((l) => /\d+\.\d+/.test(l))?.trim() ?? "?";
}

type Input = { file: string; lines: number; bytes: number };
type PeerSpec = {
  tool: string;
  binary: string;
  install: string;
  version: () => string;
  /** Runs once and returns the run with a short "found" note. */
  once: (input: Input, outDir: string) => { run: ProcessRun; found: string; command: string };
};

const PEERS: PeerSpec[] = [
  {
    tool: "cat",
    binary: "cat",
    install: "apt-get install coreutils",
    version: () => version("cat", ["--version"]),
    once: ({ file }) => ({ run: timeProcess("cat", [file]), found: "raw read", command: "cat LOG > /dev/null" }),
  },
  {
    tool: "wc -l",
    binary: "wc",
    install: "apt-get install coreutils",
    version: () => version("wc", ["--version"]),
    once: ({ file }) => {
      const run = timeProcess("wc", ["-l"], { stdinFile: file, keepStdout: true });
      return { run, found: `${run.stdout.trim()} lines`, command: "wc -l < LOG" };
    },
  },
  {
    tool: "goaccess",
    binary: "goaccess",
    install: "apt-get install goaccess",
    version: () => version("goaccess", ["--version"]),
    once: ({ file }, outDir) => {
      const report = join(outDir, "goaccess.json");
      const run = timeProcess("goaccess", [file, "--log-format=COMBINED", "--no-progress", "-o", report]);
      let found = "no report";
      if (run.status === 0) {
        const g = (JSON.parse(readFileSync(report, "utf8")) as { general: { valid_requests: number; unique_visitors: number } }).general;
        found = `${g.valid_requests} valid, ${g.unique_visitors} visitors`;
      }
      return { run, found, command: "goaccess LOG --log-format=COMBINED --no-progress -o report.json" };
    },
  },
  {
    tool: "fail2ban-regex (nginx-botsearch)",
    binary: "fail2ban-regex",
    install: "apt-get install fail2ban",
    version: () => version("fail2ban-regex", ["--version"]),
    once: ({ file }) => {
      const run = timeProcess("fail2ban-regex", [file, FAIL2BAN_FILTER], { keepStdout: true });
      const m = /Lines: \d+ lines, \d+ ignored, (\d+) matched/.exec(run.stdout);
      return { run, found: m ? `${m[1]} lines matched` : "no summary", command: `fail2ban-regex LOG ${FAIL2BAN_FILTER}` };
    },
  },
];

/**
 * Times each installed peer once on the file (the runner calls this once per round); missing ones come back with how
 * to install them.
 */
export function runPeers(input: Input, outDir: string, log: (s: string) => void): { results: PeerResult[]; skipped: PeerSkip[] } {
  const results: PeerResult[] = [];
  const skipped: PeerSkip[] = [];
  for (const p of PEERS) {
    if (!onPath(p.binary) || (p.binary === "fail2ban-regex" && !existsSync(FAIL2BAN_FILTER))) {
      skipped.push({ tool: p.tool, install: p.install });
      log(`peer ${p.tool}: not installed, skipped (install: ${p.install})`);
      continue;
    }
    const r = p.once(input, outDir);
    log(`peer ${p.tool}: ${r.run.wallS.toFixed(2)} s, ${r.run.maxRssMB.toFixed(0)} MB, ${r.found}`);
    results.push({ tool: p.tool, version: p.version(), command: r.command, lines: input.lines, bytes: input.bytes, runs: [r.run], found: r.found });
  }
  return { results, skipped };
}

/** CrowdSec replay, once, on a slice only: at ~400 lines per CPU-second the whole file would take most of an hour. */
export function runCrowdsec(slice: Input, outDir: string, log: (s: string) => void): { result?: PeerResult; skipped?: PeerSkip } {
  const install =
    "echo '# no thanks' > /etc/crowdsec/online_api_credentials.yaml; apt-get install crowdsec sqlite3; dpkg --configure -a (see shared/design/PEERS.md)";
  if (!onPath("crowdsec") || !onPath("cscli") || !existsSync("/etc/crowdsec/scenarios")) {
    log(`peer crowdsec: not installed, skipped (install: ${install})`);
    return { skipped: { tool: "CrowdSec (replay)", install } };
  }
  const work = join(outDir, "crowdsec");
  const cfg = prepareCrowdsec(work);
  resetCrowdsec(cfg, work);
  const run = timeProcess("crowdsec", crowdsecArgs(cfg, slice.file), { cwd: work, timeoutS: 1_800 });
  const found = crowdsecFound(cfg);
  log(`peer crowdsec: ${run.wallS.toFixed(1)} s, ${run.maxRssMB.toFixed(0)} MB, ${found}`);
  return {
    result: {
      tool: "CrowdSec (replay, slice)",
      version: /version: (\S+)/.exec(version("crowdsec", ["-version"]))?.[1] ?? "?",
      command: "crowdsec -c cs/config.yaml -dsn file://SLICE -type nginx -no-capi",
      lines: slice.lines,
      bytes: slice.bytes,
      runs: [run],
      found,
    },
  };
}
