/**
 * WS order entry around the engine (issue 15): the two per-connection budgets (error 7, refilled
 * on the simulator clock), the reply-before-pushes default and its reversing fault, pushes identical
 * to a REST-placed order's, the frame faults on order replies, and the order faults the chaos suite
 * uses (reply lost, reply duplicated, connection dropped after the order executed).
 * @see whitebit-protocol-2.md §1.13, §1.14
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorOptions } from '../../../src/sim/index.js';
import { isUpdate, type Frame, type WsClient } from '../helpers.js';
import { A, B, barrier, Bench, order, withoutIds } from './support.js';

let b: Bench;
const start = async (extra: SimulatorOptions = {}): Promise<void> => {
  b = await Bench.start(extra);
};
afterEach(() => b.close());

const BTC = 'BTC_USDT';
const buy = (params: Record<string, unknown> = {}) => ({ market: BTC, side: 'buy', amount: '0.01', price: '60000', ...params });
const tooMany = { code: 7, message: 'too many requests' };

describe('per-connection budgets', () => {
  it('refuses the place beyond its budget with 7 (not executed), leaves other requests alone, refills on the sim clock', async () => {
    await start({ wsPlaceBudget: { limit: 2, windowMs: 1_000 } });
    const c = await b.authorized();
    expect((await order(c, 'order_limit_place', buy())).error).toBeNull();
    expect((await order(c, 'order_market_place', { market: BTC, side: 'buy', amount: '100' })).error).toEqual({ code: 12, message: 'not enough traders' });
    expect(await order(c, 'order_limit_place', buy())).toEqual({ id: expect.any(Number), result: null, error: tooMany });
    expect(b.sim.state.orders(A.id)).toHaveLength(1);
    // Cancels and pings draw on the other budget.
    expect((await order(c, 'order_cancel_all', { market: BTC, type: ['spot'] })).error).toBeNull();
    await barrier(c);
    b.sim.advance(499);
    expect((await order(c, 'order_limit_place', buy())).error).toEqual(tooMany);
    b.sim.advance(501);
    expect((await order(c, 'order_limit_place', buy())).error).toBeNull();
    // The budget is per connection: a second socket starts full.
    const other = await b.authorized();
    expect((await order(other, 'order_limit_place', buy())).error).toBeNull();
  });

  it('refuses other requests beyond theirs with 7 while placements still go through', async () => {
    await start({ wsRequestBudget: { limit: 3, windowMs: 10_000 } });
    const c = await b.authorized(); // authorize is the first of the 3
    expect((await order(c, 'order_limit_place', buy({ client_order_id: 'k' }))).error).toBeNull();
    await barrier(c);
    expect((await order(c, 'order_cancel', { market: BTC, client_order_id: 'k' })).error).toBeNull();
    expect((await order(c, 'order_cancel', { market: BTC, client_order_id: 'k' })).error).toEqual(tooMany);
    expect((await c.request('ping')).error).toEqual(tooMany);
    expect((await order(c, 'order_limit_place', buy())).error).toBeNull();
    b.sim.advance(10_000);
    expect((await c.request('ping')).result).toBe('pong');
  });

  it('exhaustPlaceBudget refuses the next placements with 7 unexecuted, mid-run; cancels still go through', async () => {
    await start();
    const c = await b.authorized();
    expect((await order(c, 'order_limit_place', buy({ client_order_id: 'kept' }))).error).toBeNull();
    b.sim.faults.exhaustPlaceBudget({ next: 2 });
    expect((await order(c, 'order_cancel', { market: BTC, client_order_id: 'kept' })).error).toBeNull();
    expect((await order(c, 'order_limit_place', buy())).error).toEqual(tooMany);
    expect((await order(c, 'order_market_place', { market: BTC, side: 'buy', amount: '100' })).error).toEqual(tooMany);
    expect(b.sim.state.orders(A.id)).toEqual([]);
    expect(b.sim.faults.stats.placementsRefused).toBe(2);
    expect((await order(c, 'order_limit_place', buy())).error).toBeNull();
  });

  it('keeps the legacy single per-minute budget when wsRequestsPerMinute is set', async () => {
    await start({ wsRequestsPerMinute: 3, idleTimeoutMs: 120_000 });
    const c = await b.authorized();
    expect((await order(c, 'order_limit_place', buy())).error).toBeNull();
    expect((await c.request('ping')).error).toBeNull();
    expect((await order(c, 'order_limit_place', buy())).error).toEqual(tooMany);
  });
});

/** The frames of `c` from index `from` on, named: reply of request `id`, or the push method. */
const sequence = (c: WsClient, from: number, id: number | undefined): string[] =>
  c.log.slice(from).map((f) => (f.id === id && f.id !== undefined ? 'reply' : (f.method ?? `reply ${String(f.id)}`)));

/** Places a crossing buy over WS after bob rested the sell it fills; returns the frame sequence up to the barrier. */
async function fillOverWs(c: WsClient): Promise<string[]> {
  await b.restPlace(B, { side: 'sell', amount: '0.01', price: '60000' });
  b.sim.advance(1_000); // a quiet balance window, so the balance push goes out at once
  await barrier(c);
  const from = c.log.length;
  const f = await order(c, 'order_limit_place', buy());
  expect(f.result).toMatchObject({ status: 'FILLED' });
  await barrier(c);
  return sequence(c, from, f.id ?? undefined).filter((n) => n !== 'reply undefined' && !n.startsWith('reply ') && n !== 'ping');
}

describe('reply and pushes', () => {
  it('sends the reply before the pushes the order causes, by default', async () => {
    await start();
    const c = await b.authorized(A, true);
    expect(await fillOverWs(c)).toEqual(['reply', 'deals_update', 'ordersPending_update', 'balanceSpot_update']);
  });

  it('sends the pushes first under pushesBeforeReply, for the next order only', async () => {
    await start();
    const c = await b.authorized(A, true);
    b.sim.faults.pushesBeforeReply({ next: 1 });
    expect(await fillOverWs(c)).toEqual(['deals_update', 'ordersPending_update', 'balanceSpot_update', 'reply']);
    expect(b.sim.faults.stats.pushesBeforeReply).toBe(1);
    expect(await fillOverWs(c)).toEqual(['reply', 'deals_update', 'ordersPending_update', 'balanceSpot_update']);
  });

  it('pushes exactly what a REST-placed order pushes: ordersPending and deals field by field, ids aside; the same balance assets', async () => {
    await start();
    const c = await b.authorized(A, true);
    const pushes = async (place: () => Promise<unknown>): Promise<Frame[]> => {
      b.sim.advance(1_000);
      await barrier(c);
      c.drain();
      await place();
      b.sim.advance(1_000);
      await barrier(c);
      return c.queued().filter((f) => f.method !== undefined);
    };
    const scrub = (frames: Frame[]): unknown[] =>
      frames.map((f) => {
        if (f.method === 'deals_update') {
          const t = [...(f.params as unknown[])];
          for (const i of [0, 1, 3]) t[i] = '<id>';
          return { method: f.method, params: t };
        }
        if (f.method === 'balanceSpot_update') return { method: f.method, assets: Object.keys((f.params as [Record<string, unknown>])[0]) };
        return { method: f.method, params: withoutIds(f.params) };
      });
    const restFill = async (): Promise<unknown> => b.restPlace(A, { side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'same' });
    const wsFill = async (): Promise<unknown> => order(c, 'order_limit_place', buy({ client_order_id: 'same' }));
    // A resting order (event 1), its cancellation (event 3), then a partial fill on arrival.
    const rest = [
      ...(await pushes(restFill)),
      ...(await pushes(() => b.rest(A, '/api/v4/order/cancel', { market: BTC, clientOrderId: 'same' }))),
      ...(await pushes(async () => {
        await b.restPlace(B, { side: 'sell', amount: '0.004', price: '60000' });
        await restFill();
      })),
      ...(await pushes(() => b.rest(A, '/api/v4/order/cancel/all', { market: BTC }))),
    ];
    const ws = [
      ...(await pushes(wsFill)),
      ...(await pushes(() => order(c, 'order_cancel', { market: BTC, client_order_id: 'same' }))),
      ...(await pushes(async () => {
        await b.restPlace(B, { side: 'sell', amount: '0.004', price: '60000' });
        await wsFill();
      })),
      ...(await pushes(() => order(c, 'order_cancel_all', { market: BTC, type: ['spot'] }))),
    ];
    expect(rest.map((f) => f.method)).toEqual([
      'ordersPending_update',
      'balanceSpot_update',
      'ordersPending_update',
      'balanceSpot_update',
      'deals_update',
      'ordersPending_update',
      'balanceSpot_update',
      'ordersPending_update',
      'balanceSpot_update',
    ]);
    expect(scrub(ws)).toEqual(scrub(rest));
  });
});

describe('faults on order replies', () => {
  it('a reply-channel drop loses the order reply while the order executes', async () => {
    await start();
    const c = await b.authorized();
    b.sim.faults.dropFrames('reply', { next: 1 });
    c.send({ id: 41, method: 'order_limit_place', params: [buy({ client_order_id: 'lost' })] });
    await barrier(c);
    expect(c.log.some((f) => f.id === 41)).toBe(false);
    expect(b.sim.state.orders(A.id).map((o) => o.clientOrderId)).toEqual(['lost']);
  });

  it('a reply-channel delay holds the order reply on the sim clock', async () => {
    await start();
    const c = await b.authorized();
    b.sim.faults.delayFrames('reply', { next: 1, delayMs: 500 });
    c.send({ id: 42, method: 'order_limit_place', params: [buy()] });
    await barrier(c);
    expect(c.log.some((f) => f.id === 42)).toBe(false);
    b.sim.advance(500);
    expect((await c.next((f) => f.id === 42)).result).toMatchObject({ status: 'OPEN' });
  });

  it('dropOrderReplies loses order replies only; pings are still answered', async () => {
    await start();
    const c = await b.authorized(A, true);
    b.sim.faults.dropOrderReplies({ next: 2 });
    c.send({ id: 43, method: 'order_limit_place', params: [buy({ client_order_id: 'r1' })] });
    await barrier(c);
    c.send({ id: 44, method: 'order_cancel', params: [{ market: BTC, client_order_id: 'r1' }] });
    await barrier(c);
    expect(c.log.filter((f) => f.id === 43 || f.id === 44)).toEqual([]);
    // The pushes still tell what happened.
    expect(c.log.filter(isUpdate('ordersPending_update')).map((f) => (f.params as [number])[0])).toEqual([1, 3]);
    expect((await order(c, 'order_limit_place', buy())).error).toBeNull();
  });

  it('duplicateOrderReplies sends the same reply twice', async () => {
    await start();
    const c = await b.authorized();
    b.sim.faults.duplicateOrderReplies({ next: 1 });
    c.send({ id: 45, method: 'order_limit_place', params: [buy()] });
    await barrier(c);
    const replies = c.log.filter((f) => f.id === 45);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toEqual(replies[0]);
    expect(b.sim.state.orders(A.id)).toHaveLength(1);
  });

  it('dropConnectionAfterOrder executes the order, then drops the socket without reply or push', async () => {
    await start();
    const c = await b.authorized(A, true);
    b.sim.faults.dropConnectionAfterOrder({ next: 1 });
    c.send({ id: 46, method: 'order_limit_place', params: [buy({ client_order_id: 'dropped' })] });
    expect((await c.closed).code).toBe(1006);
    expect(c.log.filter((f) => f.id === 46 || f.method === 'ordersPending_update')).toEqual([]);
    expect(b.sim.state.orders(A.id).map((o) => o.clientOrderId)).toEqual(['dropped']);
    expect(b.sim.faults.stats.socketsDroppedAfterOrder).toBe(1);
    // Only the next order: a new connection places normally.
    const again = await b.authorized();
    expect((await order(again, 'order_limit_place', buy())).error).toBeNull();
  });
});
