import { setFlagsFromString } from "node:v8";

/**
 * A run streams hundreds of MB of log text through a live state of a few tens of MB, so nearly every allocation
 * is garbage. V8's defaults are sized for the opposite: a young generation that grows to 32 MB, and an old
 * generation allowed to grow to several times its live size before a full collection. That put `edgeproof run`
 * at 250 MB RSS on the 1M-line benchmark; collecting at 1.5× live with the young generation kept at the size
 * it starts with brings it to 145 MB for 14% more wall time (bench/RESULTS.md, both in one run), which is what a
 * pod's memory limit wants. Most of that time is the young collections, 3.5 times as many (458 against 131 per
 * 1M lines) as the small young generation fills with decoded text. Both flags are read at each collection, so
 * setting them once the program has loaded takes effect (heap limits, fixed when the isolate starts, could not
 * be set this way).
 */
export function tuneGcForStreaming(): void {
  setFlagsFromString("--heap-growing-percent=50");
  setFlagsFromString("--semi-space-growth-factor=1");
}
