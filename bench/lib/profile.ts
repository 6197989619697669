import { readFileSync } from "node:fs";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type CpuProfile = { nodes: Array<{ id: number; callFrame: CallFrame }>; samples: number[]; timeDeltas: number[] };

export type HotSpot = { fn: string; where: string; selfMs: number; share: number };

/**
 * esbuild marks each bundled module with a `// path/to/module.ts` comment line; the last one above a
 * function's line names the source file it came from.
 */
function moduleLocator(bundle: string): (line: number) => string {
  const marks: Array<{ line: number; path: string }> = [];
  bundle.split("\n").forEach((text, i) => {
    const m = /^\/\/ ((?:packages|bench|node_modules)\/\S+\.[cm]?[jt]s)$/.exec(text);
    if (m) marks.push({ line: i, path: m[1].replace(/^node_modules\//, "") });
  });
  return (line) => {
    let found = "?";
    for (const m of marks) {
      if (m.line > line) break;
      found = m.path;
    }
    return found;
  };
}

/** Top functions by self time in a V8 .cpuprofile of the bundled child. */
export function hotSpots(profileFile: string, bundleFile: string, top: number): { totalMs: number; spots: HotSpot[] } {
  const prof = JSON.parse(readFileSync(profileFile, "utf8")) as CpuProfile;
  const locate = moduleLocator(readFileSync(bundleFile, "utf8"));
  const byId = new Map(prof.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let totalUs = 0;
  prof.samples.forEach((id, i) => {
    const f = byId.get(id)!;
    const dt = prof.timeDeltas[i] ?? 0;
    totalUs += dt;
    const where = f.url.endsWith("child.mjs") ? locate(f.lineNumber) : f.url ? f.url.replace(/^.*\//, "") : "(native)";
    const key = `${f.functionName || "(anonymous)"}\t${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const spots = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const [fn, where] = key.split("\t");
      return { fn, where, selfMs: us / 1000, share: us / totalUs };
    });
  return { totalMs: totalUs / 1000, spots };
}
