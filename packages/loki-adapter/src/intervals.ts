import type { NsRange } from "./errors.js";

/** Consecutive half-open sub-ranges; their union is exactly the input range. */
export function splitRange(range: NsRange, intervalNs: bigint): NsRange[] {
  if (intervalNs <= 0n) throw new Error("split interval must be positive");
  const out: NsRange[] = [];
  for (let s = range.startNs; s < range.endNs; s += intervalNs) {
    out.push({ startNs: s, endNs: s + intervalNs < range.endNs ? s + intervalNs : range.endNs });
  }
  return out;
}

/**
 * Runs up to `concurrency` producers at once and yields their items strictly in producer order:
 * the head producer is streamed, later ones are buffered until their turn. A failure surfaces when
 * its producer's turn comes, so everything before it is still delivered.
 */
export async function* inOrder<T>(
  producers: (() => AsyncIterable<T>)[],
  concurrency: number,
): AsyncGenerator<T> {
  type Slot = { items: T[]; done: boolean; error?: { value: unknown }; wake?: () => void };
  const slots: Slot[] = [];
  const start = (i: number) => {
    const slot: Slot = { items: [], done: false };
    slots[i] = slot;
    const notify = () => {
      slot.wake?.();
      slot.wake = undefined;
    };
    void (async () => {
      try {
        for await (const item of producers[i]()) {
          slot.items.push(item);
          notify();
        }
      } catch (value) {
        slot.error = { value };
      } finally {
        slot.done = true;
        notify();
      }
    })();
  };
  let next = 0;
  for (let head = 0; head < producers.length; head++) {
    while (next < producers.length && next < head + concurrency) start(next++);
    const slot = slots[head];
    for (;;) {
      if (slot.items.length) {
        yield slot.items.shift()!;
        continue;
      }
      if (slot.done) break;
      await new Promise<void>((resolve) => (slot.wake = resolve));
    }
    if (slot.error) throw slot.error.value;
    slots[head] = undefined as unknown as Slot;
  }
}
