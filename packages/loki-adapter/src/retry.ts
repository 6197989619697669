import type { RetryOptions } from "./schemas.js";

/** Deterministic backoff (no jitter): the same failures always produce the same waits. */
export function backoffDelayMs(retry: RetryOptions, retryIndex: number): number {
  return Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.multiplier ** retryIndex);
}

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export function retryDelayMs(retry: RetryOptions, retryIndex: number, retryAfterMs: number | undefined): number {
  return retryAfterMs === undefined ? backoffDelayMs(retry, retryIndex) : Math.min(retryAfterMs, retry.maxRetryAfterMs);
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The timer is cleared on abort, so a cancelled pull leaves nothing that keeps the process alive. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
