import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { REPO, firstDifference, locateRuntimes, run, runPage } from "../runtime-conformance/conformance.mjs";

// The engine as a consumer gets it: `npm pack`, installed from the tarball into a project outside the workspace,
// running the README's own "Use as a library" examples on the demo in Node, Bun, Deno and headless Chromium.

const REQUIRE = process.env.EDGEPROOF_REQUIRE_INTEGRATION === "1";
const ENGINE = join(REPO, "packages/engine");
const CLI = join(REPO, "packages/cli/bin/edgeproof.js");
const LOG = "fixtures/demo/access.log";
const SNAPSHOT = "fixtures/demo/k8s";
const HOST = "shop.example.com";

type Run = { code: number | null; signal: string | null; stdout: string; stderr: string };
type Packed = { filename: string; size: number; unpackedSize: number; files: Array<{ path: string; size: number }> };

/** The README's examples, each a fenced block after `<!-- consumer-test: NAME -->`. */
function readmeExamples(readme: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of readme.matchAll(/<!-- consumer-test: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)) out[m[1]] = `${m[2]}\n`;
  return out;
}

/** The Node-only entry, as installed: the repository's rules/ loaded from disk, next to the packaged packs. */
const PACKS_FROM_DISK = `import { loadRulePacks } from "@edgeproof/engine/node";
import { defaultPacks } from "@edgeproof/engine/packs";
const names = (packs) => packs.map((p) => \`\${p.name}@\${p.version} \${p.hash} \${p.rules.length} rules\`);
console.log(JSON.stringify({ disk: names(loadRulePacks([process.argv[2]])), packaged: names(defaultPacks) }));
`;

let dir = "";
let project = "";
let packed: Packed;
let expected = "";
const timings: Record<string, number> = {};
const outputs: Record<string, Run | "missing"> = {};

async function timed<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round(performance.now() - t);
  }
}

beforeAll(async () => {
  // `npm test` builds every workspace first; a targeted vitest run may not have.
  if (!existsSync(join(ENGINE, "dist/index.js"))) execFileSync("npm", ["run", "build", "-w", "packages/engine", "--silent"], { cwd: REPO, stdio: "inherit" });
  if (!existsSync(join(REPO, "packages/cli/dist/main.js"))) execFileSync("npm", ["run", "build", "-w", "packages/cli", "--silent"], { cwd: REPO, stdio: "inherit" });
  dir = mkdtempSync(join(tmpdir(), "edgeproof-consumer-"));
  project = join(dir, "app");
  mkdirSync(join(project, SNAPSHOT), { recursive: true });

  // What the package's own build produced (prepack would rebuild it; the suite's build just did).
  [packed] = await timed("npm pack", () => JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: ENGINE, encoding: "utf8" })));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
  await timed("npm install", () =>
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", join(dir, packed.filename)], { cwd: project, encoding: "utf8", stdio: "pipe" }),
  );
  copyFileSync(join(REPO, LOG), join(project, LOG));
  cpSync(join(REPO, SNAPSHOT), join(project, SNAPSHOT), { recursive: true });
  const examples = readmeExamples(readFileSync(join(REPO, "README.md"), "utf8"));
  for (const [name, text] of Object.entries(examples)) writeFileSync(join(project, name), text);
  copyFileSync(join(REPO, "scripts/package-consumer/typed-consumer.ts"), join(project, "typed-consumer.ts"));
  writeFileSync(join(project, "packs-from-disk.mjs"), PACKS_FROM_DISK);

  const bins = locateRuntimes();
  const args = [LOG, HOST, SNAPSHOT];
  const env = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  const cli = timed("edgeproof run", () => run(process.execPath, [CLI, "run", LOG, "--host", HOST, "--k8s-snapshot", SNAPSHOT, "--format", "json"], env, REPO));
  const runtimes: Array<[string, string | undefined, () => Promise<Run>]> = [
    ["node", bins.node, () => run(bins.node, ["incidents.mjs", ...args], env, project)],
    ["bun", bins.bun, () => run(bins.bun, ["incidents.mjs", ...args], env, project)],
    ["packs-from-disk", bins.node, () => run(bins.node, ["packs-from-disk.mjs", join(REPO, "rules")], env, project)],
    ["deno", bins.deno, () => run(bins.deno, ["run", "--no-prompt", "--no-lock", `--allow-read=${project}`, "incidents.deno.mjs", ...args], env, project)],
  ];
  await Promise.all([
    ...runtimes.map(async ([name, bin, go]) => (outputs[name] = bin ? await timed(name, go) : "missing")),
    (async () => {
      if (!bins.chromium) return void (outputs.chromium = "missing");
      // The README's page as it is, plus a harness script that posts the page's result back to the test.
      const harness = `<script>
        const post = (p, b) => fetch(p, { method: "POST", body: b });
        addEventListener("error", (e) => post("/__error", String(e.message)));
        addEventListener("unhandledrejection", (e) => post("/__error", String(e.reason && e.reason.stack || e.reason)));
        new MutationObserver(() => post("/__result", document.getElementById("incidents").textContent))
          .observe(document.getElementById("incidents"), { childList: true, characterData: true, subtree: true });
      </script>`;
      const page = examples["index.html"].replace('<pre id="incidents"></pre>', `<pre id="incidents"></pre>\n${harness}`);
      outputs.chromium = await timed("chromium", async () => {
        try {
          return { code: 0, signal: null, stdout: await runPage(bins.chromium, { root: project, served: [project], page: "/index.html", extra: { "/index.html": page } }), stderr: "" };
        } catch (err) {
          return { code: 1, signal: null, stdout: "", stderr: (err as Error).message };
        }
      });
    })(),
    (async () => {
      const r = await cli;
      if (r.code !== 0) throw new Error(`edgeproof run exited ${r.code}: ${r.stderr}`);
      expected = `${JSON.stringify(JSON.parse(r.stdout).incidents, null, 2)}\n`;
    })(),
  ]);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (Object.keys(timings).length) console.log(`package consumer: tarball ${packed?.size} bytes (${packed?.unpackedSize} unpacked); ms ${JSON.stringify(timings)}`);
});

describe("the packed @edgeproof/engine, installed outside the workspace", () => {
  it("holds only the built entry points, their declarations, the manifest, README and licence", () => {
    const files = packed.files.map((f) => f.path).sort();
    expect(files).toEqual(["LICENSE", "README.md", "dist/index.d.ts", "dist/index.js", "dist/node.d.ts", "dist/node.js", "dist/packs.d.ts", "dist/packs.js", "package.json"]);
    const manifest = JSON.parse(readFileSync(join(project, "node_modules/@edgeproof/engine/package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", import: "./dist/index.js" });
  });

  it("the reference is a real result: incidents of both kinds, with RCA from the snapshot", () => {
    const incidents = JSON.parse(expected) as Array<{ kind: string; rca?: { causes: unknown[] } }>;
    expect(new Set(incidents.map((i) => i.kind))).toEqual(new Set(["security", "reliability"]));
    expect(incidents.some((i) => (i.rca?.causes.length ?? 0) > 0)).toBe(true);
  });

  for (const runtime of ["node", "bun", "deno", "chromium"]) {
    it(`${runtime}: the README example prints the incidents of \`edgeproof run --format json\`, byte for byte`, (ctx) => {
      const r = outputs[runtime];
      if (r === "missing") {
        if (REQUIRE) throw new Error(`${runtime} is not installed (node scripts/setup-system-deps.mjs) and EDGEPROOF_REQUIRE_INTEGRATION=1`);
        return ctx.skip();
      }
      expect(r.code, r.stderr.slice(0, 2000)).toBe(0);
      expect(firstDifference(expected, r.stdout)).toBeUndefined();
      expect(r.stdout).toBe(expected);
    });
  }

  it("@edgeproof/engine/node loads rules/ from disk into the same packs as @edgeproof/engine/packs carries", () => {
    const r = outputs["packs-from-disk"] as Run;
    expect(r.code, r.stderr).toBe(0);
    const { disk, packaged } = JSON.parse(r.stdout);
    expect(packaged.length).toBeGreaterThanOrEqual(2);
    expect(disk).toEqual(packaged);
  });

  it("the declarations compile in a strict TypeScript project (NodeNext resolution, library checks on)", async () => {
    const tsconfig = { compilerOptions: { strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM"], types: [], noEmit: true, skipLibCheck: false }, files: ["typed-consumer.ts"] };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(tsconfig));
    const r = await timed("tsc", () => run(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {}, project));
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 60_000);

  it("finds the README examples it runs", () => {
    expect(Object.keys(readmeExamples(readFileSync(join(REPO, "README.md"), "utf8"))).sort()).toEqual(["incidents.deno.mjs", "incidents.mjs", "index.html"]);
  });
});
