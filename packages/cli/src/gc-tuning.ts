import { PerformanceObserver, constants } from "node:perf_hooks";
import { getHeapStatistics, setFlagsFromString } from "node:v8";

/**
 * Live heap past which the tuning only costs time: the state the run keeps is itself beyond the memory the
 * tuning is for (a scan with thousands of open incidents holds hundreds of MB), and collecting in full whenever
 * the heap grew by half of it made `edgeproof run` on the benchmark's signature worst case 16.4 s against 12.7 s
 * with V8's defaults; relaxed at this size it took 14.0 s (660, 710 and 720 MB RSS).
 */
const LARGE_LIVE_BYTES = 100 << 20;

/**
 * A run streams hundreds of MB of log text through a live state of a few tens of MB, so nearly every allocation
 * is garbage. V8's defaults are sized for the opposite: a young generation that grows to 32 MB, and an old
 * generation allowed to grow to several times its live size before a full collection. That put `edgeproof run`
 * at 233 MB RSS on the 1M-line benchmark; collecting at 1.35× live with the young generation kept at the size
 * it starts with brings it to 146 MB for 9% more wall time (bench/RESULTS.md, both in one run), which is what a
 * pod's memory limit wants. Most of that time is the young collections, 3.4 times as many (410 against 120 per
 * 1M lines) as the small young generation fills with decoded text, and 32 full collections against 6: 35% rather
 * than 50% growth because the 1 MiB chunks the CLI reads (read-sources.ts) are freed only by full collections.
 * Both flags are read at each collection, so setting them once the program has loaded takes effect (heap limits,
 * fixed when the isolate starts, could not be set this way), and so can undoing them once the live state turns
 * out large (see LARGE_LIVE_BYTES).
 */
export function tuneGcForStreaming(largeLiveBytes = LARGE_LIVE_BYTES): void {
  setFlagsFromString("--heap-growing-percent=35");
  setFlagsFromString("--semi-space-growth-factor=1");
  // Right after a full collection the heap is about what is live. A growing percent of 0 is V8's own heuristic.
  const watch = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry.detail as { kind?: number } | undefined)?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      if (getHeapStatistics().used_heap_size < largeLiveBytes) continue;
      setFlagsFromString("--heap-growing-percent=0");
      setFlagsFromString("--semi-space-growth-factor=2");
      watch.disconnect();
      return;
    }
  });
  watch.observe({ entryTypes: ["gc"] });
}
