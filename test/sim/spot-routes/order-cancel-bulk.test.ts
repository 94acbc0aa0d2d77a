/**
 * POST /api/v4/order/cancel/bulk: every item processed, answers aligned with the request, per-item
 * errors in the spec's words, request-level 422 (part 1 §4.5, openapi cancelBulkOrders).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { A, Bench, body } from './support.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.start();
});
afterEach(() => bench.close());

const cancelBulk = (params: Record<string, unknown>) => bench.rest(A, '/api/v4/order/cancel/bulk', params);
const invalid = (errors: Record<string, string[]>) => ({ result: null, error: { code: 30, message: 'Validation failed', errors } });

describe('order/cancel/bulk', () => {
  it('cancels across markets and answers each item in request order', async () => {
    const btc = body(await bench.restPlace(A, { side: 'buy', amount: '0.01', price: '60000' }));
    const kept = body(await bench.restPlace(A, { side: 'buy', amount: '0.01', price: '59000' }));
    await bench.restPlace(A, { market: 'ETH_USDT', side: 'buy', amount: '0.1', price: '3000', clientOrderId: 'eth-1' });
    const r = await cancelBulk({
      orders: [
        { market: 'BTC_USDT', orderId: btc.orderId },
        { market: 'ETH_USDT', clientOrderId: 'eth-1' },
        { market: 'BTC_USDT', orderId: btc.orderId },
        { market: 'NOPE_USDT', orderId: 1 },
        { orderId: kept.orderId },
        { market: 'BTC_USDT' },
        { market: 'BTC_USDT', orderId: kept.orderId, clientOrderId: 'x' },
        'not an object',
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { result: { orderId: btc.orderId, clientOrderId: '', market: 'BTC_USDT' }, error: null },
      { result: { orderId: expect.any(Number) as number, clientOrderId: 'eth-1', market: 'ETH_USDT' }, error: null },
      { result: null, error: { code: 404, message: 'Order not found', errors: { orderId: ['Order does not exist or already cancelled'] } } },
      invalid({ market: ['validation.market_not_exist'] }),
      invalid({ market: ['validation.required'] }),
      invalid({ request: ['validation.required'] }),
      invalid({ request: ['api.validation.order.chooseOneId'] }),
      invalid({ request: ['Invalid order format'] }),
    ]);
    expect(bench.sim.state.orders('alice').map((o) => o.id)).toEqual([kept.orderId]);
  });

  it('rejects a missing, empty or oversized list with 422', async () => {
    const required = { code: 30, message: 'Validation failed', errors: { orders: ['validation.required'] } };
    for (const params of [{}, { orders: [] }, { orders: 'all' }]) {
      const r = await cancelBulk(params);
      expect(r.status).toBe(422);
      expect(r.body).toEqual(required);
    }
    const many = Array.from({ length: 101 }, (_, i) => ({ market: 'BTC_USDT', orderId: i + 1 }));
    expect((await cancelBulk({ orders: many })).body).toEqual({ code: 30, message: 'Validation failed', errors: { orders: ['validation.between'] } });
  });
});
