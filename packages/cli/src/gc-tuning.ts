import { setFlagsFromString } from "node:v8";

/**
 * A run streams hundreds of MB of log text through a live state of a few tens of MB, so nearly every allocation
 * is garbage. V8's defaults are sized for the opposite: a young generation that grows to 32 MB, and an old
 * generation allowed to grow to several times its live size before a full collection. That put `edgeproof run`
 * at 281 MB RSS on the 1M-line benchmark; collecting at 1.5× live with the young generation kept at the size
 * it starts with brings it to 147 MB for 7% more wall time (bench/RESULTS.md, both in one run), which is what a
 * pod's memory limit wants. Most of that time is the young collections: nine times as many, each copying the
 * lines that wait out the allowed lateness. Both flags are read at each collection, so setting them once the
 * program has loaded takes effect (heap limits, fixed when the isolate starts, could not be set this way).
 */
export function tuneGcForStreaming(): void {
  setFlagsFromString("--heap-growing-percent=50");
  setFlagsFromString("--semi-space-growth-factor=1");
}
