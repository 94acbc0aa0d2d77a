/**
 * Which REST budget each spot endpoint of issue 16 draws on (protocol-2 §3): the order endpoints
 * 10 000 / 10 s each, the fee endpoints the 10 000 / 10 s default (their limit is unpublished),
 * trades and assets 2 000 / 10 s each inside the public scope, all of /api/v1 one 1 000 / 10 s budget.
 */
import { describe, expect, it } from 'vitest';
import { bucketsFor, RateLimiter, WHITEBIT_RATE_LIMITS } from '../../../src/sim/rate-limit.js';

describe('rate buckets of the spot endpoints', () => {
  it('puts each endpoint in its documented budget', () => {
    for (const path of ['/api/v4/order/modify', '/api/v4/order/market', '/api/v4/order/stock_market', '/api/v4/order/cancel/bulk']) {
      expect(bucketsFor(path)).toEqual([['order', path]]);
    }
    expect(bucketsFor('/api/v4/market/fee')).toEqual([['default', '/api/v4/market/fee']]);
    expect(bucketsFor('/api/v4/market/fee/single')).toEqual([['default', '/api/v4/market/fee/single']]);
    expect(bucketsFor('/api/v4/public/trades/BTC_USDT')).toEqual([
      ['public', 'public'],
      ['public-endpoint', 'trades'],
    ]);
    expect(bucketsFor('/api/v4/public/assets')).toEqual([
      ['public', 'public'],
      ['public-endpoint', 'assets'],
    ]);
    expect(bucketsFor('/api/v1/public/ticker')).toEqual([['public-v1', 'v1']]);
    expect(WHITEBIT_RATE_LIMITS['public-v1']).toEqual({ limit: 1_000, windowMs: 10_000 });
  });

  it('counts order/modify and order/market apart', () => {
    const limiter = new RateLimiter(() => 0, { order: { limit: 1, windowMs: 10_000 } });
    expect(limiter.allow('ip', '/api/v4/order/modify')).toBe(true);
    expect(limiter.allow('ip', '/api/v4/order/modify')).toBe(false);
    expect(limiter.allow('ip', '/api/v4/order/market')).toBe(true);
  });
});
