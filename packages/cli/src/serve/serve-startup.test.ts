import { execFileSync, spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LokiApiTestServer } from "../../../loki-adapter/src/testing/index.js";
import { CLI, REPO, eventually, spawnServe } from "./testing/spawn-serve.js";
import { shiftedDemoLines, stampMs } from "./testing/shifted-lines.js";

const LINES = shiftedDemoLines((l) => l.startsWith("203.0.113.7 ") || l.startsWith("100.64.0.107 "), Date.parse("2026-11-20T10:00:00Z"));

/** Runs `edgeproof serve` expecting it to refuse to start; its exit code and stderr. */
function serveRefuses(args: string[], o: { uid?: number; gid?: number } = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], ...o });
    let stderr = "";
    child.stderr!.on("data", (b) => (stderr += b));
    child.stdout!.on("data", (b) => {
      if (String(b).includes("listening on")) child.kill("SIGKILL");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.once("error", reject);
    child.once("exit", (code) => (clearTimeout(timer), resolve({ code, stderr })));
  });
}

/** One line naming the problem, exit 2, no stack trace. */
function expectOneClearLine(r: { code: number | null; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

function scratch(prefix: string): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const log = join(dir, "access.log");
  writeFileSync(log, LINES.join("\n") + "\n");
  return { dir, log };
}

const capabilities = async (url: string) => (await (await fetch(`${url}/api/capabilities`)).json()) as any;
const incidentIds = async (url: string) => (((await (await fetch(`${url}/api/incidents?from=0&to=${Date.now()}`)).json()) as any).items as any[]).map((i) => i.id).sort();

describe.concurrent("edgeproof serve: its data dir", () => {
  it("works in any directory, a name with dots included (LMDB takes those for a file), and across a restart", async () => {
    const { dir, log } = scratch("edgeproof-dots-");
    try {
      const args = [log, "--data-dir", join(dir, "edgeproof.d")];
      let srv = await spawnServe(args);
      const first = await eventually(async () => {
        const ids = await incidentIds(srv.url);
        return ids.length ? ids : undefined;
      }, 10_000, "incidents stored");
      await srv.stop();
      srv = await spawnServe(args);
      try {
        expect(await incidentIds(srv.url)).toEqual(first);
      } finally {
        await srv.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a data dir that is a file, or one it cannot create, with one line and exit 2", async () => {
    const { dir, log } = scratch("edgeproof-baddir-");
    try {
      const file = join(dir, "data.mdb");
      writeFileSync(file, "not a directory\n");
      expectOneClearLine(await serveRefuses([log, "--data-dir", file]), /--data-dir .*data\.mdb is a file, not a directory/);
      expectOneClearLine(await serveRefuses([log, "--data-dir", join(file, "below")]), /--data-dir .*below cannot be created: a parent is a file/);
      // Permissions do not bind root, so as root the server runs as `nobody` under a directory only root may write.
      const locked = join(dir, "locked");
      mkdirSync(locked, { mode: 0o555 });
      chmodSync(dir, 0o755);
      chmodSync(log, 0o644);
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      expectOneClearLine(await serveRefuses([log, "--data-dir", join(locked, "data")], asNobody), /--data-dir .*locked\/data cannot be created: permission denied/);
      // A directory that exists but cannot be written to (the claim file is the first write).
      expectOneClearLine(await serveRefuses([log, "--data-dir", locked], asNobody), /--data-dir .*locked is not writable: permission denied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A full disk needs a file system that can be filled: a 16 KiB tmpfs, which only root may mount (skipped otherwise).
  it.skipIf(!canMountTmpfs())("refuses a data dir on a full disk with one line and exit 2, and leaves no claim behind", async () => {
    const { dir, log } = scratch("edgeproof-full-");
    const mnt = join(dir, "full");
    mkdirSync(mnt);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt]);
    try {
      const r = await serveRefuses([log, "--data-dir", join(mnt, "data")]);
      // lmdb's C code prints its own "Write error: …" (no newline) before ours; our line names the dir and the cause.
      expectOneClearLine(r, /--data-dir .*full\/data: cannot open the store there: No space left on device/);
      expect(existsSync(join(mnt, "data", "serve.pid"))).toBe(false);
    } finally {
      execFileSync("umount", [mnt]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a data dir another running serve holds, and takes it over once that one is gone (kill -9)", async () => {
    const { dir, log } = scratch("edgeproof-held-");
    try {
      const args = [log, "--data-dir", join(dir, "data")];
      const owner = await spawnServe(args);
      const refused = await serveRefuses(args);
      expectOneClearLine(refused, new RegExp(`--data-dir .*data is in use by another edgeproof serve \\(pid ${owner.child.pid}\\)`));
      await owner.kill9();
      const next = await spawnServe(args);
      await next.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.concurrent("edgeproof serve: sources that are not there yet", () => {
  it("starts without its log file, reports it missing, and reads it once it appears", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-nofile-"));
    const log = join(dir, "access.log");
    const srv = await spawnServe([log, "--data-dir", join(dir, "data")]);
    try {
      const ready: any = await (await fetch(`${srv.url}/readyz`)).json();
      expect(ready.sources[0]).toMatchObject({ kind: "file", state: "missing", error: expect.stringMatching(/no such file/) });
      expect((await capabilities(srv.url)).sources[0]).toMatchObject({ state: "missing" });
      writeFileSync(log, LINES.join("\n") + "\n");
      const read = await eventually(async () => {
        const s = (await capabilities(srv.url)).sources[0];
        return s.linesRead === LINES.length && s.state === "following" ? s : undefined;
      }, 10_000, "the file read");
      expect(read.error).toBeUndefined();
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts while Loki is down, reports the error, and reads once Loki answers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeproof-lokidown-"));
    const port = await freePort();
    const srv = await spawnServe(["--loki", `http://127.0.0.1:${port}`, "--query", '{job="nginx"}', "--loki-interval", "1s", "--data-dir", join(dir, "data")], { waitReady: false });
    const loki = new LokiApiTestServer();
    try {
      const down = await eventually(async () => {
        const s = (await capabilities(srv.url)).sources[0];
        return s.state === "error" ? s : undefined;
      }, 20_000, "Loki reported down");
      expect(down.error).toMatch(new RegExp(`network error|ECONNREFUSED|127\\.0\\.0\\.1:${port}`));
      expect(((await (await fetch(`${srv.url}/readyz`)).json()) as any).sources[0]).toMatchObject({ kind: "loki", state: "error" });
      await loki.listen(port);
      const recent = shiftedDemoLines((l) => l.startsWith("100.64.0.107 "), Date.now() - 120_000).slice(0, 10);
      loki.push([{ stream: { job: "nginx" }, values: recent.map((l) => [String(BigInt(stampMs(l)) * 1_000_000n), l] as [string, string]) }]);
      await eventually(async () => {
        const s = (await capabilities(srv.url)).sources[0];
        return s.state === "following" && s.linesRead === recent.length ? true : undefined;
      }, 30_000, "Loki read after it came up");
    } finally {
      await srv.stop();
      await loki.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts with an unreadable Kubernetes snapshot, reports it, and turns RCA on once it can be read", async () => {
    const { dir, log } = scratch("edgeproof-nosnap-");
    const snapshot = join(dir, "k8s");
    const srv = await spawnServe([log, "--data-dir", join(dir, "data"), "--k8s-snapshot", snapshot]);
    try {
      const caps = await capabilities(srv.url);
      expect(caps.features).not.toContain("rca");
      expect(caps.sources.find((s: any) => s.kind === "k8s")).toMatchObject({ name: snapshot, state: "error", error: expect.stringMatching(/cannot read snapshot directory/) });
      expect(((await (await fetch(`${srv.url}/readyz`)).json()) as any).sources.find((s: any) => s.kind === "k8s")).toMatchObject({ state: "error" });
      cpSync(`${REPO}fixtures/demo/k8s`, snapshot, { recursive: true });
      const loaded = await eventually(async () => {
        const c = await capabilities(srv.url);
        return c.features.includes("rca") ? c : undefined;
      }, 20_000, "the snapshot read");
      expect(loaded.sources.find((s: any) => s.kind === "k8s")).toMatchObject({ state: "done" });
      expect(loaded.sources.find((s: any) => s.kind === "k8s").error).toBeUndefined();
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A loopback port nothing listens on (bound and released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN), tried once on a scratch directory. */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const d = mkdtempSync(join(tmpdir(), "edgeproof-mount-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", d], { stdio: "ignore" });
    execFileSync("umount", [d], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}
