/**
 * Conformance: authentication, nonces and rate limits, through WhitebitRestClient against the
 * simulator (issue 3). Request counts are taken on the simulator's side (harness RequestLog).
 * @see whitebit-protocol.md §2, §5, §6
 */
import { afterEach, describe, expect, it } from 'vitest';
import { retryClass } from '../../../src/adapters/whitebit/index.js';
import { type Conformance, type ConformanceOptions, driveUntil, rejection, startConformance } from './harness.js';

const BALANCE = '/api/v4/trade-account/balance';
const ORDERS = '/api/v4/orders';

let h: Conformance | undefined;
const start = async (options?: ConformanceOptions): Promise<Conformance> => {
  h = await startConformance(options);
  return h;
};
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('authentication', () => {
  it('a wrong secret is unauthorized (401) and is never retried', async () => {
    const { newClient, requests } = await start();
    const bad = newClient({ apiSecret: 'not-the-secret' });
    const e = await rejection(bad.tradeAccountBalance());
    expect(e).toMatchObject({ kind: 'unauthorized', status: 401, code: 10 });
    expect(retryClass(e)).toBe('fatal');
    expect(requests.count(BALANCE)).toBe(1);
  });

  it('an unknown key is unauthorized and is never retried', async () => {
    const { newClient, requests } = await start();
    const e = await rejection(newClient({ apiKey: 'nobody' }).orders());
    expect(e).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(requests.count(ORDERS)).toBe(1);
  });
});

describe('nonces (window mode)', () => {
  // The simulator's clock stands still, so two clients on one key produce the same nonces.
  it('a nonce another client already used is a nonceClash, retried once at once with a fresh nonce', async () => {
    const { client, newClient, requests } = await start();
    await client.tradeAccountBalance(); // uses nonce T
    const second = newClient();
    await expect(second.tradeAccountBalance()).resolves.toHaveProperty('USDT'); // T clashes; T+1 is fresh
    expect(requests.count(BALANCE)).toBe(3);
  });

  it('a client behind another one surfaces nonceClash after its single retry', async () => {
    const { client, newClient, requests } = await start();
    await client.tradeAccountBalance(); // T
    await client.tradeAccountBalance(); // T+1
    const behind = newClient();
    const e = await rejection(behind.tradeAccountBalance()); // T, then T+1: both seen
    expect(e).toMatchObject({ kind: 'nonceClash', status: 429, code: 0 });
    expect(retryClass(e)).toBe('retryNow');
    expect(requests.count(BALANCE)).toBe(4);
  });

  it('a nonce offset outside the ±5 s window is a nonceClash', async () => {
    const { client, requests } = await start();
    client.nonce.setOffset(-6_000);
    const e = await rejection(client.orders());
    expect(e).toMatchObject({ kind: 'nonceClash', status: 429 });
    expect(requests.count(ORDERS)).toBe(2);
    client.nonce.setOffset(0);
    // The counter never goes back, so the next nonce is fresh and inside the window again.
    await expect(client.orders()).resolves.toEqual([]);
  });
});

describe('clock skew', () => {
  it('a client clock 20 s ahead is refused (nonceClash) until syncTime corrects the nonce offset', async () => {
    const { sim, newClient } = await start();
    const ahead = { now: () => sim.clock.now() + 20_000, setTimeout: (fn: () => void) => setImmediate(fn), clearTimeout: () => {} };
    const skewed = newClient({ clock: ahead });
    const offset = await skewed.syncTime();
    expect(offset).toBeLessThan(-19_000);
    expect(offset).toBeGreaterThan(-21_000);
    await expect(skewed.tradeAccountBalance({ ticker: 'USDT' })).resolves.toEqual({ available: '100000', freeze: '0' });

    const unsynced = newClient({ clock: ahead });
    expect((await rejection(unsynced.tradeAccountBalance())).kind).toBe('nonceClash');
  });
});

describe('rate limits', () => {
  const tiny = { orders: { limit: 3, windowMs: 10_000 } };

  it("the simulator's per-endpoint limit answers a non-JSON 429: rateLimited", async () => {
    const { newClient, requests } = await start({ sim: { rateLimits: tiny } });
    const unlimited = newClient({ rateLimits: false, retry: { maxAttempts: 1 } });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => unlimited.orders({ market: 'BTC_USDT' })));
    // Four sockets race: which request arrives fourth is not fixed, only that one of them does.
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const e = await rejection(unlimited.orders());
    expect(e).toMatchObject({ kind: 'rateLimited', status: 429 });
    expect(retryClass(e)).toBe('backoff');
    expect(requests.count(ORDERS)).toBe(5);
  });

  it('rateLimited is retried with exponential backoff before it surfaces', async () => {
    const { newClient, clock, requests } = await start({ sim: { rateLimits: { orders: { limit: 1, windowMs: 10_000 } } } });
    const c = newClient({ rateLimits: false });
    await c.orders();
    const e = await rejection(c.orders());
    expect(e.kind).toBe('rateLimited');
    expect(requests.count(ORDERS)).toBe(1 + 5); // DEFAULT_RETRY_POLICY.maxAttempts
    expect(clock.delays).toEqual([1000, 2000, 4000, 8000]); // random() = 0.5: no jitter
  });

  it("the client's own limiter keeps a burst under the simulator's limit: no 429 at all", async () => {
    const limit = { limit: 10, windowMs: 10_000 };
    const { sim, client, clock, requests } = await start({
      sim: { rateLimits: { orders: limit } },
      client: { rateLimits: { orders: limit } },
      timers: 'sim',
    });
    const startMs = sim.clock.now();
    const burst = Promise.all(Array.from({ length: 25 }, () => client.orders({ market: 'BTC_USDT' })));
    const pages = await driveUntil(sim, burst, 200);
    expect(pages).toHaveLength(25);
    expect(requests.count(ORDERS)).toBe(25); // nothing retried: every request was answered 200
    expect(clock.delays.length).toBeGreaterThan(0); // the limiter made callers wait
    // 25 requests at ≤ 9 per 10 s window took more than two windows of simulated time.
    expect(sim.clock.now() - startMs).toBeGreaterThan(20_000);
  });
});
