/**
 * Backoff and the retry decision for REST calls.
 *
 * Entry points: {@link backoffDelayMs} (pure, random source injected) and {@link decideRetry}
 * (error + history → retry after N ms, or surface). The rules, from {@link retryClass}:
 * - `backoff` (gateway 429, 5xx and lost sockets on idempotent calls, connect failures):
 *   exponential 1 → 2 → 4 … s capped at 30 s, ±jitter, bounded attempts;
 * - `retryNow` (a JSON 429 = nonce clash): once, immediately; the next attempt signs a fresh nonce;
 * - everything else surfaces. In particular a 5xx or a lost socket on order/new or order/bulk is
 *   `unknownOutcome`: the order may exist, and only the caller can reconcile by clientOrderId.
 * @see whitebit-protocol.md §5
 */
import { retryClass } from './codec/errors.js';
import { WhitebitError } from './codec/errors.js';

export interface RetryPolicy {
  /** Total attempts including the first (default 5). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Relative jitter: the delay is scaled by a uniform factor in [1 − jitter, 1 + jitter]. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  jitter: 0.2,
};

/** Returns the delay before backoff retry number `n` (0-based): base·2ⁿ capped, then jittered and capped again. */
export function backoffDelayMs(n: number, random: () => number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(n, 30));
  const factor = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.round(Math.min(policy.maxDelayMs, raw * factor));
}

export interface RetryState {
  /** Attempts made so far, including the one that just failed. */
  readonly attempts: number;
  /** Backoff retries made so far. */
  readonly backoffs: number;
  readonly nonceRetried: boolean;
}

export type RetryDecision = { readonly action: 'surface' } | { readonly action: 'retry'; readonly reason: 'nonce' | 'backoff'; readonly delayMs: number };

/** Decides whether the call that failed with `e` is tried again, and when. */
export function decideRetry(e: unknown, state: RetryState, random: () => number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  switch (retryClass(e)) {
    case 'retryNow':
      // A second clash in a row is not a race: the clock is off or another process shares the key.
      return state.nonceRetried ? { action: 'surface' } : { action: 'retry', reason: 'nonce', delayMs: 0 };
    case 'backoff': {
      if (state.attempts >= policy.maxAttempts) return { action: 'surface' };
      const hinted = WhitebitError.is(e) && e.retryAfterMs !== undefined ? Math.min(e.retryAfterMs, policy.maxDelayMs) : 0;
      return { action: 'retry', reason: 'backoff', delayMs: Math.max(backoffDelayMs(state.backoffs, random, policy), hinted) };
    }
    default:
      return { action: 'surface' };
  }
}
