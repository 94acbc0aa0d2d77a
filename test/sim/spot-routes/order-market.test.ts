/**
 * POST /api/v4/order/market (buy in quote) and /api/v4/order/stock_market (base): finished at once,
 * type "market" / "stock market", price "0", the order/new validation texts, and the same order in
 * the closed-order history (protocol-2 §2.5).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { A, Bench, body, restingBook } from './support.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.start();
});
afterEach(() => bench.close());

const market = (params: Record<string, unknown>) => bench.rest(A, '/api/v4/order/market', { market: 'BTC_USDT', ...params });
const stockMarket = (params: Record<string, unknown>) => bench.rest(A, '/api/v4/order/stock_market', { market: 'BTC_USDT', ...params });

describe('market orders over REST', () => {
  it('buys for a quote amount on order/market', async () => {
    await restingBook(bench, 'sell', [['64100', '0.5']]);
    const r = await market({ side: 'buy', amount: '10000', clientOrderId: 'mkt-1' });
    expect(r.status).toBe(200);
    // 10000 / 64100 = 0.1560062…, rounded down to the amount step.
    expect(body(r)).toMatchObject({
      clientOrderId: 'mkt-1',
      side: 'buy',
      type: 'market',
      price: '0',
      amount: '10000',
      left: '0',
      dealStock: '0.156006',
      dealMoney: '9999.9846',
      ioc: false,
      status: 'FILLED',
    });
    expect(bench.sim.state.orders('alice')).toEqual([]);
    const history = body(await bench.rest(A, '/api/v4/trade-account/order/history', { market: 'BTC_USDT' }));
    expect(history.BTC_USDT).toEqual([expect.objectContaining({ type: 'market', price: '0', amount: '10000', clientOrderId: 'mkt-1' })]);
  });

  it('sells a base amount on order/market and buys a base amount across levels on order/stock_market', async () => {
    await restingBook(bench, 'buy', [['63900', '0.5']]);
    expect(body(await market({ side: 'sell', amount: '0.2' }))).toMatchObject({ type: 'market', amount: '0.2', dealStock: '0.2', dealMoney: '12780' });
    await restingBook(bench, 'sell', [
      ['64100', '0.5'],
      ['64200', '0.5'],
    ]);
    const r = body(await stockMarket({ side: 'buy', amount: '0.6' }));
    expect(r).toMatchObject({ type: 'stock market', price: '0', amount: '0.6', left: '0', dealStock: '0.6', dealMoney: '38470', status: 'FILLED' });
    expect(bench.sim.state.book('BTC_USDT').asks).toEqual([['64200', '0.4']]);
  });

  it('validates in order/new order with its texts', async () => {
    await restingBook(bench, 'sell', [['64100', '0.5']]);
    const errorsOf = async (path: string, params: Record<string, unknown>) => {
      const r = await bench.rest(A, path, params);
      expect(r.status).toBe(422);
      return body(r);
    };
    const m = '/api/v4/order/market';
    const s = '/api/v4/order/stock_market';
    expect(await errorsOf(m, {})).toEqual({
      code: 30,
      message: 'Validation failed',
      errors: { amount: ['Amount field is required.'], market: ['Market field is required.'], side: ['Side field is required.'] },
    });
    expect(await errorsOf(s, { market: 'NOPE_USDT', side: 'buy', amount: '1' })).toMatchObject({ code: 31, errors: { market: ['Market is not available.'] } });
    expect(await errorsOf(s, { market: '', side: 'buy', amount: '1' })).toMatchObject({ code: 31 });
    expect(await errorsOf(s, { market: 'BTC_USDT', side: 'long', amount: '1' })).toMatchObject({
      code: 30,
      errors: { side: ["Side field should contain only 'buy' or 'sell' values."] },
    });
    expect(await errorsOf(s, { market: 'BTC_USDT', side: 'buy', amount: 'x' })).toMatchObject({ code: 32 });
    expect(await errorsOf(s, { market: 'BTC_USDT', side: 'buy', amount: '0.1', stp: 'maybe' })).toMatchObject({ code: 30 });
    expect(await errorsOf(s, { market: 'BTC_USDT', side: 'buy', amount: '0.1', clientOrderId: 'a b' })).toMatchObject({ code: 36 });
    // A quote amount has the price step, a base amount the amount step.
    expect(await errorsOf(m, { market: 'BTC_USDT', side: 'buy', amount: '100.001' })).toMatchObject({
      code: 32,
      errors: { amount: ['Min amount step = 0.01'] },
    });
    expect(await errorsOf(s, { market: 'BTC_USDT', side: 'buy', amount: '0.0000001' })).toMatchObject({
      code: 32,
      errors: { amount: ['Min amount step = 0.000001'] },
    });
    expect(await errorsOf(s, { market: 'BTC_USDT', side: 'buy', amount: '0.000001' })).toMatchObject({
      code: 32,
      errors: { amount: ['Given amount is less than min amount 0.00001'] },
    });
    expect(await errorsOf(m, { market: 'BTC_USDT', side: 'buy', amount: '5' })).toMatchObject({
      code: 30,
      errors: { total: ['Total(amount * price) is less than 5.05'] },
    });
    expect(await errorsOf(s, { market: 'BTC_USDT', side: 'sell', amount: '3' })).toEqual({
      code: 32,
      message: 'Validation failed',
      errors: { amount: ['Not enough balance.'] },
    });
    expect(bench.sim.state.trades('BTC_USDT')).toEqual([]);
  });

  it('answers an empty opposite side with 400 code 12', async () => {
    const r = await stockMarket({ side: 'buy', amount: '0.1' });
    expect(r.status).toBe(400);
    expect(body(r)).toMatchObject({ code: 12 });
  });
});
