/**
 * Reconnect and retry delays: exponential from `baseMs`, capped at `maxMs`, with jitter so that many
 * clients (or many markets) that lost the same server do not come back in lock step.
 *
 * Randomness is a value in [0, 1) passed in, so the delay is a pure function and tests are exact.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000 };

/** Returns the delay before attempt `attempt` (0-based): half fixed, half jitter ("equal jitter"). */
export function backoffDelay(attempt: number, unit: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * unit);
}

/**
 * One step of mulberry32: a tiny seeded PRNG whose whole state is one 32-bit integer, so a machine can
 * keep it in (serialisable) context and stay deterministic.
 */
export function nextRandom(seed: number): { readonly value: number; readonly seed: number } {
  const next = (seed + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return { value, seed: next };
}
