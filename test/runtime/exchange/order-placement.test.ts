import { describe, expect, it } from 'vitest';
import { type WbBulkOrderRequest, type WbNewOrderRequest, WhitebitError } from '../../../src/adapters/whitebit/index.js';
import { fatalReason, placeIntents } from '../../../src/runtime/exchange/order-placement.js';
import { intentsOf, restingOrder, stubPlacementRest } from './support/stub-rest.js';

const bulkOk = (body: WbBulkOrderRequest) => body.orders.map((o) => ({ status: 'placed' as const, order: restingOrder(o) }));

describe('placeIntents', () => {
  it('sends one intent as a post-only order/new, started before the call returns', async () => {
    const rest = stubPlacementRest((c) => Promise.resolve(restingOrder(c.body as WbNewOrderRequest)));
    const p = placeIntents(rest, intentsOf(1));
    expect(rest.calls).toHaveLength(1); // dispatched synchronously: no await before the request
    expect(rest.calls[0]).toEqual({
      method: 'orderNew',
      body: { market: 'BTC_USDT', side: 'buy', amount: '0.5', price: '100', clientOrderId: 'g-0', postOnly: true },
    });
    const r = await p;
    expect(r.outcomes).toEqual([{ kind: 'placed', clientOrderId: 'g-0', orderId: expect.any(Number), dealStock: '0', left: '0.5' }]);
    expect(r.failures).toEqual([]);
  });

  it('sends several intents as order/bulk chunks of 20, all started at once, outcomes in order', async () => {
    const rest = stubPlacementRest((c) => Promise.resolve(bulkOk(c.body as WbBulkOrderRequest)));
    const p = placeIntents(rest, intentsOf(45));
    expect(rest.calls.map((c) => [c.method, (c.body as WbBulkOrderRequest).orders.length])).toEqual([
      ['orderBulk', 20],
      ['orderBulk', 20],
      ['orderBulk', 5],
    ]);
    expect(rest.calls.every((c) => (c.body as WbBulkOrderRequest).orders.every((o) => o.postOnly === true))).toBe(true);
    const r = await p;
    expect(r.outcomes.map((o) => o.clientOrderId)).toEqual(intentsOf(45).map((i) => i.clientOrderId));
    expect(r.outcomes.every((o) => o.kind === 'placed')).toBe(true);
  });

  it('turns a bulk item refusal (post-only would cross) into that intent’s rejected outcome', async () => {
    const crossed = new WhitebitError({ kind: 'postOnlyRejected', code: 13, message: 'bulk item postOnlyRejected', idempotent: false, sent: true });
    const rest = stubPlacementRest((c) => {
      const b = (c.body as WbBulkOrderRequest).orders[1] as WbNewOrderRequest;
      return Promise.resolve([{ status: 'rejected', error: crossed }, { status: 'placed', order: restingOrder(b) }, { status: 'skipped' }]);
    });
    const r = await placeIntents(rest, intentsOf(3));
    expect(r.outcomes.map((o) => o.kind)).toEqual(['rejected', 'placed', 'notSent']);
    // Issue 14: marked as post-only, so its level waits for price rather than being lost.
    expect(r.outcomes[0]).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/post-only.*crossed/), wouldTake: true });
    expect(r.failures).toEqual([]);
  });

  it('a refused single order is its outcome, not a failed request', async () => {
    const e = new WhitebitError({ kind: 'postOnlyRejected', status: 400, code: 13, message: 'HTTP 400', idempotent: false, sent: true });
    const rest = stubPlacementRest(() => Promise.reject(e));
    const r = await placeIntents(rest, intentsOf(1));
    expect(r.outcomes[0]).toMatchObject({ kind: 'rejected', wouldTake: true });
    expect(r.failures).toEqual([]);
  });

  it('marks only a post-only refusal as one that waits for price (a balance refusal is not)', async () => {
    const e = new WhitebitError({ kind: 'notEnoughBalance', status: 400, code: 10, message: 'HTTP 400', idempotent: false, sent: true });
    const r = await placeIntents(
      stubPlacementRest(() => Promise.reject(e)),
      intentsOf(1),
    );
    expect(r.outcomes[0]?.kind).toBe('rejected');
    expect(r.outcomes[0]).not.toHaveProperty('wouldTake');
  });

  it('maps a failed chunk by retryClass and leaves the other chunks alone', async () => {
    const lost = new WhitebitError({ kind: 'server', status: 502, message: 'HTTP 502', idempotent: false, sent: true });
    let n = 0;
    const rest = stubPlacementRest((c) => (n++ === 0 ? Promise.reject(lost) : Promise.resolve(bulkOk(c.body as WbBulkOrderRequest))));
    const r = await placeIntents(rest, intentsOf(22));
    expect(r.outcomes.slice(0, 20).every((o) => o.kind === 'unknown')).toBe(true);
    expect(r.outcomes.slice(20).every((o) => o.kind === 'placed')).toBe(true);
    expect(r.failures.map((f) => f.retryClass)).toEqual(['unknownOutcome']);
    expect(fatalReason(r)).toBeNull();
  });

  it('reports an auth failure as fatal, with every intent not sent', async () => {
    const denied = new WhitebitError({ kind: 'unauthorized', status: 401, message: 'HTTP 401 unauthorized', idempotent: false, sent: true });
    const rest = stubPlacementRest(() => Promise.reject(denied));
    const r = await placeIntents(rest, intentsOf(2));
    expect(r.outcomes.map((o) => o.kind)).toEqual(['notSent', 'notSent']);
    expect(fatalReason(r)).toMatch(/unauthorized/);
  });

  it('maps a synchronous throw of the client like any failure (a bug is fatal)', async () => {
    const rest = stubPlacementRest(() => {
      throw new TypeError('boom');
    });
    const r = await placeIntents(rest, intentsOf(1));
    expect(r.outcomes[0]?.kind).toBe('notSent');
    expect(fatalReason(r)).toBe('boom');
  });

  it('sends nothing for no intents', async () => {
    const rest = stubPlacementRest(() => Promise.reject(new Error('unexpected')));
    expect(await placeIntents(rest, [])).toEqual({ outcomes: [], failures: [] });
    expect(rest.calls).toEqual([]);
  });
});
