/**
 * POST /api/v4/order/modify (ccxt editOrder): the bare replacement object, events 3 then 1, ids,
 * amount / price / total / stp, the activation-price hook, and the 422 / 400 answers (protocol-2
 * §2.6, part 1 §4.7).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUpdate } from '../helpers.js';
import { A, Bench, body } from './support.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.start();
});
afterEach(() => bench.close());

const modify = (params: Record<string, unknown>) => bench.rest(A, '/api/v4/order/modify', { market: 'BTC_USDT', ...params });
const resting = async (params: Record<string, unknown> = {}) =>
  body(await bench.restPlace(A, { side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'g-1', ...params }));

describe('order/modify', () => {
  it('replaces the order: new id, same client id, the bare object, event 3 then event 1', async () => {
    const ws = await bench.authorized(A, true);
    const old = await resting();
    await ws.next(isUpdate('ordersPending_update'));
    // ccxt sends the caller's id string.
    const r = await modify({ orderId: String(old.orderId), amount: '0.02', price: '60500' });
    expect(r.status).toBe(200);
    const next = body(r);
    expect(Array.isArray(r.body)).toBe(false);
    expect(next).toMatchObject({
      clientOrderId: 'g-1',
      market: 'BTC_USDT',
      side: 'buy',
      type: 'limit',
      amount: '0.02',
      left: '0.02',
      price: '60500',
      status: 'NEW',
    });
    expect(next.orderId).not.toBe(old.orderId);
    const first = await ws.next(isUpdate('ordersPending_update'));
    const second = await ws.next(isUpdate('ordersPending_update'));
    expect([first.params?.[0], (first.params?.[1] as { id: number }).id]).toEqual([3, old.orderId]);
    expect([second.params?.[0], (second.params?.[1] as { id: number }).id]).toEqual([1, next.orderId]);
    expect(bench.sim.state.balances('alice').USDT).toEqual({ available: '98790', freeze: '1210' });
  });

  it('finds the order by clientOrderId, turns total into an amount at the price, and takes stp', async () => {
    await resting({ price: '60500' });
    const r = body(await modify({ clientOrderId: 'g-1', total: '1000', stp: 'cancel_new' }));
    // 1000 / 60500 = 0.0165289…, rounded down to the 6-decimal step.
    expect(r).toMatchObject({ clientOrderId: 'g-1', amount: '0.016528', price: '60500', stp: 'cn' });
    expect(bench.sim.state.orders('alice')).toHaveLength(1);
  });

  it('refuses an activation price (either spelling) for a limit order and leaves it resting', async () => {
    const old = await resting();
    for (const field of ['activation_price', 'activationPrice']) {
      const r = await modify({ orderId: old.orderId, [field]: '61000' });
      // Unconfirmed code and text (protocol-2 §2.6 lists no exact one): the engine's choice, exchange.ts modifyOrder.
      expect(r.status).toBe(422);
      expect(body(r)).toMatchObject({ code: 156, message: 'Validation failed' });
    }
    expect(bench.sim.state.orders('alice').map((o) => o.id)).toEqual([old.orderId]);
  });

  it('validates the request with 422 and WhiteBIT codes', async () => {
    const old = await resting();
    const errorsOf = async (params: Record<string, unknown>) => {
      const r = await bench.rest(A, '/api/v4/order/modify', params);
      expect(r.status).toBe(422);
      return body(r);
    };
    expect(await errorsOf({ price: '1' })).toEqual({
      code: 30,
      message: 'Validation failed',
      errors: { market: ['Market field is required.'], orderId: ['OrderId field is required.'] },
    });
    expect(await errorsOf({ market: 'NOPE_USDT', orderId: old.orderId, price: '1' })).toMatchObject({
      code: 31,
      errors: { market: ['Market is not available.'] },
    });
    expect(await errorsOf({ market: 'BTC_USDT', orderId: old.orderId, clientOrderId: 'g-1', price: '1' })).toMatchObject({ code: 30 });
    expect(await errorsOf({ market: 'BTC_USDT', orderId: 'x1', price: '1' })).toMatchObject({
      code: 30,
      errors: { orderId: ['OrderId field should be an integer.'] },
    });
    expect(await errorsOf({ market: 'BTC_USDT', orderId: old.orderId })).toMatchObject({ code: 30 });
    expect(await errorsOf({ market: 'BTC_USDT', orderId: old.orderId, amount: '0.01', total: '100' })).toMatchObject({ code: 30 });
    expect(await errorsOf({ market: 'BTC_USDT', orderId: old.orderId, amount: 'lots' })).toMatchObject({
      code: 32,
      errors: { amount: ['Amount field should be numeric string or number.'] },
    });
    expect(await errorsOf({ market: 'BTC_USDT', orderId: old.orderId, price: '0' })).toMatchObject({
      code: 33,
      errors: { price: ['Price should be greater than 0.'] },
    });
    expect(await errorsOf({ market: 'BTC_USDT', orderId: old.orderId, price: '61000', stp: 'maybe' })).toMatchObject({ code: 30 });
    // The replacement is validated as a new order: here below the minimum amount.
    expect(await errorsOf({ market: 'BTC_USDT', orderId: old.orderId, amount: '0.000001' })).toMatchObject({ code: 32 });
    expect(bench.sim.state.orders('alice').map((o) => o.price)).toEqual(['60000']);
  });

  it('answers an order that is not open with 400 code 2 and a shortfall with 422 code 10', async () => {
    const old = await resting();
    const missing = await modify({ orderId: 1, price: '61000' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ code: 2, message: 'Inner validation failed', errors: { orderId: ['Unexecuted order was not found.'] } });
    const poor = await modify({ orderId: old.orderId, amount: '2' });
    expect(poor.status).toBe(422);
    expect(poor.body).toEqual({ code: 10, message: 'Validation failed', errors: { amount: ['Not enough balance.'] } });
    expect(bench.sim.state.orders('alice').map((o) => o.id)).toEqual([old.orderId]);
  });
});
