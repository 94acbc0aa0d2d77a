import { describe, expect, it } from 'vitest';
import { WhitebitError } from '../../../src/adapters/whitebit/codec/errors.js';
import { DEFAULT_RETRY_POLICY, backoffDelayMs, decideRetry } from '../../../src/adapters/whitebit/retry.js';

const err = (kind: WhitebitError['kind'], idempotent = true, retryAfterMs?: number): WhitebitError =>
  new WhitebitError({ kind, message: kind, idempotent, sent: true, retryAfterMs });
const fresh = { attempts: 1, backoffs: 0, nonceRetried: false };

describe('backoffDelayMs', () => {
  it('doubles from 1 s and caps at 30 s (no jitter at random = 0.5)', () => {
    expect(Array.from({ length: 8 }, (_, n) => backoffDelayMs(n, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
  it('jitters within ±20 % and never exceeds the cap', () => {
    expect(backoffDelayMs(0, () => 0)).toBe(800);
    expect(backoffDelayMs(0, () => 0.999999)).toBe(1200);
    expect(backoffDelayMs(10, () => 0.999999)).toBe(30000);
    expect(backoffDelayMs(10, () => 0)).toBe(24000);
    expect(backoffDelayMs(1e6, () => 0.5)).toBe(30000);
  });
});

describe('decideRetry', () => {
  it('backs off on gateway 429, 5xx and transport errors of idempotent calls', () => {
    for (const kind of ['rateLimited', 'server', 'transport', 'unknownOutcome'] as const) {
      expect(decideRetry(err(kind), fresh, () => 0.5)).toEqual({ action: 'retry', reason: 'backoff', delayMs: 1000 });
    }
    expect(decideRetry(err('server'), { attempts: 3, backoffs: 2, nonceRetried: false }, () => 0.5)).toMatchObject({ delayMs: 4000 });
  });

  it('surfaces after maxAttempts', () => {
    const s = { attempts: DEFAULT_RETRY_POLICY.maxAttempts, backoffs: 4, nonceRetried: false };
    expect(decideRetry(err('server'), s, () => 0.5)).toEqual({ action: 'surface' });
  });

  it('never retries a 5xx or a lost socket on a non-idempotent call (unknown outcome)', () => {
    expect(decideRetry(err('server', false), fresh, () => 0.5)).toEqual({ action: 'surface' });
    expect(decideRetry(err('unknownOutcome', false), fresh, () => 0.5)).toEqual({ action: 'surface' });
    expect(decideRetry(err('decode', false), fresh, () => 0.5)).toEqual({ action: 'surface' });
  });

  it('retries non-idempotent calls when nothing can have executed', () => {
    expect(decideRetry(err('transport', false), fresh, () => 0.5).action).toBe('retry');
    expect(decideRetry(err('rateLimited', false), fresh, () => 0.5).action).toBe('retry');
  });

  it('retries a nonce clash once, immediately', () => {
    expect(decideRetry(err('nonceClash', false), fresh, () => 0.5)).toEqual({ action: 'retry', reason: 'nonce', delayMs: 0 });
    expect(decideRetry(err('nonceClash'), { ...fresh, nonceRetried: true }, () => 0.5)).toEqual({ action: 'surface' });
  });

  it('never retries rejections, auth failures or bad requests', () => {
    for (const kind of ['unauthorized', 'rejected', 'notEnoughBalance', 'postOnlyRejected', 'orderNotFound', 'invalidRequest', 'notFound'] as const) {
      expect(
        decideRetry(err(kind), fresh, () => 0.5),
        kind,
      ).toEqual({ action: 'surface' });
    }
  });

  it('waits at least Retry-After, capped', () => {
    expect(decideRetry(err('rateLimited', true, 5000), fresh, () => 0.5)).toMatchObject({ delayMs: 5000 });
    expect(decideRetry(err('rateLimited', true, 500), fresh, () => 0.5)).toMatchObject({ delayMs: 1000 });
    expect(decideRetry(err('rateLimited', true, 3_600_000), fresh, () => 0.5)).toMatchObject({ delayMs: 30000 });
  });
});
