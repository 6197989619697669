import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

/** A built `edgeproof` CLI: its bin script, the rule packs of the same revision, and what it was built from. */
export type BuiltCli = { label: string; bin: string; rules: string };

/**
 * Builds the CLI as it is at a git revision (or, for ".", in the working tree) into outDir/<label>, where it
 * keeps working after the tree moves on. A revision is checked out in a temporary worktree whose node_modules
 * links every package of the repository's own, except the workspace packages: those point into the worktree,
 * so the CLI is bundled with the engine of that revision and not the one checked out here. Built revisions are
 * reused by commit; the working tree is built afresh every time.
 */
export function cliAt(root: string, rev: string, outDir: string, log: (s: string) => void): BuiltCli {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  if (rev === ".") {
    const dir = join(outDir, "worktree");
    build(root, dir);
    return { label: `working tree (${git("rev-parse", "--short", "HEAD")} + changes)`, bin: join(dir, "bin/edgeproof.js"), rules: join(root, "rules") };
  }
  const sha = git("rev-parse", "--verify", `${rev}^{commit}`);
  const dir = join(outDir, sha);
  const label = sha.startsWith(rev) ? sha.slice(0, 7) : `${rev} (${sha.slice(0, 7)})`;
  const built = { label, bin: join(dir, "bin/edgeproof.js"), rules: join(dir, "rules") };
  if (existsSync(join(dir, "dist/main.js")) && existsSync(built.rules)) return built;
  const src = mkdtempSync(join(tmpdir(), "edgeproof-ab-"));
  try {
    git("worktree", "add", "--detach", "--force", src, sha);
    linkModules(root, src);
    log(`building the CLI at ${label}`);
    build(src, dir);
  } finally {
    git("worktree", "remove", "--force", src);
    rmSync(src, { recursive: true, force: true });
  }
  return built;
}

function linkModules(root: string, tree: string): void {
  const theirs = join(root, "node_modules");
  const mine = join(tree, "node_modules");
  mkdirSync(join(mine, "@edgeproof"), { recursive: true });
  for (const name of readdirSync(theirs)) if (name !== "@edgeproof") symlinkSync(join(theirs, name), join(mine, name));
  for (const pkg of readdirSync(join(tree, "packages"))) symlinkSync(join(tree, "packages", pkg), join(mine, "@edgeproof", pkg));
}

function build(tree: string, dir: string): void {
  execFileSync("npm", ["run", "build", "-w", "packages/cli", "--silent"], { cwd: tree, stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const part of ["bin", "dist", "package.json"]) cpSync(join(tree, "packages/cli", part), join(dir, part), { recursive: true });
  cpSync(join(tree, "rules"), join(dir, "rules"), { recursive: true });
}
