/**
 * FNV-1a (64-bit, as two 32-bit halves) rendered as hex. Ids and ordering keys must be
 * synchronous and identical in every runtime, which rules out WebCrypto (async) and node:crypto.
 */
export function fnv1a64(text: string): string {
  let h1 = 0x84222325;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 ^= c & 0xff;
    h2 ^= c >>> 8;
    // 64-bit multiply by the FNV prime 0x100000001b3, split across the halves.
    const lo = h1 * 0x1b3;
    const hi = h2 * 0x1b3 + ((h1 << 8) >>> 0) + Math.floor(lo / 0x100000000);
    h1 = lo >>> 0;
    h2 = hi >>> 0;
  }
  return h2.toString(16).padStart(8, "0") + h1.toString(16).padStart(8, "0");
}
