import { describe, expect, it } from 'vitest';
import type { PublicMarketRest } from '../../../src/runtime/exchange/market-io-actors.js';
import { sharedPublicLists } from '../../../src/runtime/exchange/shared-public.js';

/** A stub whose list calls wait for the test to answer them. */
function stub() {
  const calls = { markets: 0, ticker: 0, orderbook: 0 };
  const answers: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  const pending = <T>() => new Promise<T>((resolve, reject) => answers.push({ resolve: resolve as (v: unknown) => void, reject }));
  const rest = {
    publicMarkets: () => {
      calls.markets += 1;
      return pending();
    },
    publicTicker: () => {
      calls.ticker += 1;
      return pending();
    },
    publicOrderbook: () => {
      calls.orderbook += 1;
      return Promise.resolve({ asks: [], bids: [] });
    },
  } as unknown as PublicMarketRest;
  return { rest, calls, answers };
}

describe('shared public lists', () => {
  it('serves concurrent callers from one request, and recent callers from its result', async () => {
    const s = stub();
    let now = 0;
    const shared = sharedPublicLists(s.rest, 2_000, () => now);
    const a = shared.publicMarkets();
    const b = shared.publicMarkets();
    expect(s.calls.markets).toBe(1);
    s.answers[0]?.resolve(['list']);
    expect(await a).toEqual(['list']);
    expect(await b).toEqual(['list']);
    now = 1_500;
    expect(await shared.publicMarkets()).toEqual(['list']);
    expect(s.calls.markets).toBe(1);
    now = 2_500; // older than the ttl: fetched again
    const c = shared.publicMarkets();
    expect(s.calls.markets).toBe(2);
    s.answers[1]?.resolve(['fresh']);
    expect(await c).toEqual(['fresh']);
    void shared.publicOrderbook('BTC_USDT', { limit: 1 });
    void shared.publicOrderbook('BTC_USDT', { limit: 1 });
    expect(s.calls.orderbook).toBe(2); // per market: never shared
  });

  it('does not keep a failure: the next caller asks again', async () => {
    const s = stub();
    const shared = sharedPublicLists(s.rest, 2_000, () => 0);
    const a = shared.publicTicker();
    s.answers[0]?.reject(new Error('HTTP 503'));
    await expect(a).rejects.toThrow('HTTP 503');
    const b = shared.publicTicker();
    expect(s.calls.ticker).toBe(2);
    s.answers[1]?.resolve({ BTC_USDT: {} });
    expect(await b).toEqual({ BTC_USDT: {} });
  });

  it("one caller's abort rejects only that caller", async () => {
    const s = stub();
    const shared = sharedPublicLists(s.rest, 2_000, () => 0);
    const ctl = new AbortController();
    const gone = shared.publicMarkets({ signal: ctl.signal });
    const stays = shared.publicMarkets();
    ctl.abort(new Error('market stopped'));
    await expect(gone).rejects.toThrow('market stopped');
    s.answers[0]?.resolve(['list']);
    expect(await stays).toEqual(['list']);
  });
});
