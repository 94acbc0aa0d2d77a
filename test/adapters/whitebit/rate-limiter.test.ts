import { describe, expect, it } from 'vitest';
import { WhitebitError } from '../../../src/adapters/whitebit/codec/errors.js';
import { PUBLISHED_LIMITS } from '../../../src/adapters/whitebit/endpoints.js';
import { RateLimiter, TokenBucket } from '../../../src/adapters/whitebit/rate-limiter.js';
import { ManualClock, flushMicrotasks } from './support/manual-clock.js';

/** 10 per 60 s (websocket_token): allowance 9, burst 4, then 5 per 60 s = one per 12 s. */
const tokenLimit = { limit: 10, windowMs: 60_000 };

describe('TokenBucket sizing', () => {
  it('never admits the published limit within any window', () => {
    for (const [group, limit] of Object.entries(PUBLISHED_LIMITS)) {
      const b = new TokenBucket(group, limit, new ManualClock(), 0.9, 0.5);
      expect(b.capacity + b.refillPerMs * limit.windowMs, group).toBeLessThan(limit.limit);
      expect(b.capacity, group).toBeGreaterThanOrEqual(1);
    }
  });

  it('budgets /orders at 1000/10 s and websocket_token at 10/60 s', () => {
    expect(PUBLISHED_LIMITS.orders).toEqual({ limit: 1000, windowMs: 10_000 });
    expect(PUBLISHED_LIMITS['profile/websocket_token']).toEqual({ limit: 10, windowMs: 60_000 });
  });

  it('a simulated flood over 3 minutes never exceeds the limit in any 60 s window', async () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket('ws', tokenLimit, clock, 0.9, 0.5);
    const sent: number[] = [];
    for (let i = 0; i < 40; i++) void b.take().then(() => sent.push(clock.now()));
    await clock.advance(180_000);
    for (const t of sent) {
      expect(sent.filter((x) => x > t - 60_000 && x <= t).length).toBeLessThan(10);
    }
    expect(sent.length).toBeGreaterThan(15);
  });
});

describe('TokenBucket behaviour', () => {
  it('takes synchronously while tokens last', () => {
    const b = new TokenBucket('ws', tokenLimit, new ManualClock(), 0.9, 0.5);
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, true, false]);
  });

  it('take() resolves at once (same tick) when a token is there', async () => {
    const b = new TokenBucket('ws', tokenLimit, new ManualClock(), 0.9, 0.5);
    let done = false;
    void b.take().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(true);
  });

  it('waiters are served in FIFO order as tokens refill', async () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket('ws', tokenLimit, clock, 0.9, 0.5);
    for (let i = 0; i < 4; i++) b.tryTake();
    const order: string[] = [];
    const ps = ['a', 'b', 'c'].map((n) => b.take().then(() => order.push(`${n}@${clock.now()}`)));
    await clock.advance(11_999);
    expect(order).toEqual([]);
    await clock.advance(1);
    expect(order).toEqual(['a@12000']);
    await clock.advance(24_000);
    await Promise.all(ps);
    expect(order).toEqual(['a@12000', 'b@24000', 'c@36000']);
  });

  it('a newcomer does not overtake a waiter even when a token has just refilled', async () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket('ws', tokenLimit, clock, 0.9, 0.5);
    for (let i = 0; i < 4; i++) b.tryTake();
    const order: string[] = [];
    void b.take().then(() => order.push('first'));
    // Advance time without firing the timer: the token exists but belongs to the waiter.
    clock.set(12_000);
    expect(b.tryTake()).toBe(false);
    void b.take().then(() => order.push('second'));
    await clock.advance(24_000);
    expect(order).toEqual(['first', 'second']);
  });

  it('abort removes the waiter, rejects with a typed error, and lets the next one move up', async () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket('ws', tokenLimit, clock, 0.9, 0.5);
    for (let i = 0; i < 4; i++) b.tryTake();
    const ac = new AbortController();
    const order: string[] = [];
    const first = b.take(ac.signal).catch((e: unknown) => e);
    void b.take().then(() => order.push('second'));
    expect(b.waiting).toBe(2);
    ac.abort();
    const e = await first;
    expect(WhitebitError.is(e) && e.kind).toBe('aborted');
    expect(WhitebitError.is(e) && e.sent).toBe(false);
    expect(b.waiting).toBe(1);
    await clock.advance(12_000);
    expect(order).toEqual(['second']);
  });

  it('an already aborted signal rejects without queueing; the last abort clears the timer', async () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket('ws', tokenLimit, clock, 0.9, 0.5);
    for (let i = 0; i < 4; i++) b.tryTake();
    await expect(b.take(AbortSignal.abort())).rejects.toMatchObject({ kind: 'aborted' });
    expect(b.waiting).toBe(0);
    const ac = new AbortController();
    const p = b.take(ac.signal).catch(() => 'aborted');
    expect(clock.pendingTimers).toBe(1);
    ac.abort();
    expect(await p).toBe('aborted');
    expect(clock.pendingTimers).toBe(0);
  });

  it('refills to capacity, not beyond', async () => {
    const clock = new ManualClock(0);
    const b = new TokenBucket('ws', tokenLimit, clock, 0.9, 0.5);
    await clock.advance(3_600_000);
    expect(b.available()).toBe(4);
    await flushMicrotasks();
  });
});

describe('RateLimiter', () => {
  it('keeps groups independent', () => {
    const l = new RateLimiter({ a: { limit: 2, windowMs: 1000 }, b: { limit: 2, windowMs: 1000 } }, { clock: new ManualClock(), safety: 1, burst: 0.5 });
    expect(l.tryTake('a')).toBe(true);
    expect(l.tryTake('a')).toBe(false);
    expect(l.tryTake('b')).toBe(true);
  });
});
