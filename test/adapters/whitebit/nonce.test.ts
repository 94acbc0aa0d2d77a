import { describe, expect, it } from 'vitest';
import { NONCE_WINDOW, NonceSource } from '../../../src/adapters/whitebit/nonce.js';
import { ManualClock } from './support/manual-clock.js';

describe('NonceSource', () => {
  it('uses the clock in milliseconds as a decimal string', () => {
    const clock = new ManualClock(1_700_000_000_123);
    expect(new NonceSource(clock).next()).toBe('1700000000123');
  });

  it('is strictly increasing for many calls in one millisecond', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const n = new NonceSource(clock);
    const seen = Array.from({ length: 5000 }, () => BigInt(n.next()));
    for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true);
    expect(seen.at(-1)).toBe(1_700_000_004_999n);
  });

  it('never goes backwards when the clock does, or when the offset shrinks', () => {
    const clock = {
      t: 2000,
      now() {
        return this.t;
      },
    };
    const n = new NonceSource(clock);
    expect(n.next()).toBe('2000');
    clock.t = 1000;
    expect(n.next()).toBe('2001');
    n.setOffset(-5000);
    expect(n.next()).toBe('2002');
    n.setOffset(10_000);
    expect(n.next()).toBe('11000');
  });

  it('stays unique for concurrent async callers', async () => {
    const clock = new ManualClock();
    const n = new NonceSource(clock);
    const got = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        await Promise.resolve();
        if (i % 7 === 0) await new Promise((r) => setImmediate(r));
        return n.next();
      }),
    );
    expect(new Set(got).size).toBe(200);
  });

  it('the nonce mode is window mode (see the why-comment in nonce.ts)', () => {
    expect(NONCE_WINDOW).toBe(true);
  });
});
