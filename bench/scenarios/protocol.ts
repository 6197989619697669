import type { LogFormat } from "@edgeproof/engine";

/** What the runner asks one child process to do. */
export type ChildSpec = {
  /**
   * floor: read, decode and split into lines, as the Pipeline does before it looks at a line; ceiling: the floor
   * plus the least per-line work of any detector (CeilingCounter); parse: parseLine on
   * every line; pipeline: the full product path (Pipeline with the default packs).
   */
  kind: "floor" | "ceiling" | "parse" | "pipeline";
  file: string;
  format: "auto" | LogFormat;
  packsDir: string;
  /** Lines between memory samples. */
  sampleEvery: number;
  /** Force a GC before each sample so the heap figure is live memory (state-growth scenario). */
  gcSamples: boolean;
};

export type MemorySample = { lines: number; seconds: number; heapMB: number; heapAfterGcMB?: number; rssMB: number; activeKeys?: number };

export type ChildResult = {
  runtime: string;
  lines: number;
  bytes: number;
  events: number;
  rejected: number;
  incidents: number;
  incidentsByRule: Record<string, number>;
  /** Processing time without the forced GCs of memory sampling. */
  seconds: number;
  gcSeconds: number;
  peakRssMB: number;
  peakHeapMB: number;
  samples: MemorySample[];
};
