/**
 * Conformance: how injected gateway faults surface through WhitebitRestClient (issue 3). A 5xx or
 * a timeout on order/new is an unknown outcome (the order may exist: reconcile by clientOrderId),
 * never retried; on a read it is retried with backoff.
 * @see whitebit-protocol.md §5, §8.6; STYLE.md example 6
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryClass } from '../../../src/adapters/whitebit/index.js';
import { type Conformance, rejection, startConformance } from './harness.js';

const NEW = '/api/v4/order/new';
const ORDERS = '/api/v4/orders';
const BTC = 'BTC_USDT';
const order = (clientOrderId: string) => ({ market: BTC, side: 'buy', amount: '0.001', price: '60000', clientOrderId }) as const;

let h: Conformance;
beforeEach(async () => {
  h = await startConformance();
});
afterEach(async () => {
  await h.close();
});

describe('5xx', () => {
  it('a 503 after order/new executed is unknownOutcome, not retried, and the order is there', async () => {
    h.sim.faults.failRequests({ status: 503, count: 1, path: NEW, after: true });
    const e = await rejection(h.client.orderNew(order('u-1')));
    expect(e).toMatchObject({ kind: 'server', status: 503, idempotent: false, sent: true });
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(h.requests.count(NEW)).toBe(1);
    expect(h.clock.delays).toEqual([]);
    // Reconciliation by clientOrderId finds the order the gateway's answer lost.
    const found = await h.client.orders({ market: BTC, clientOrderId: 'u-1' });
    expect(found.map((o) => o.clientOrderId)).toEqual(['u-1']);
  });

  it('a 503 before order/new executed is still unknownOutcome to the client (it cannot tell)', async () => {
    h.sim.faults.failRequests({ status: 503, count: 1, path: NEW });
    const e = await rejection(h.client.orderNew(order('u-2')));
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(h.requests.count(NEW)).toBe(1);
    expect(await h.client.orders({ market: BTC, clientOrderId: 'u-2' })).toEqual([]);
  });

  it('a gateway 429 on order/new is retried (nothing executed) and the order is placed once', async () => {
    h.sim.faults.failRequests({ status: 429, count: 1, path: NEW });
    const o = await h.client.orderNew(order('u-3'));
    expect(o.clientOrderId).toBe('u-3');
    expect(h.requests.count(NEW)).toBe(2);
    expect(h.clock.delays).toEqual([1000]);
    expect(h.sim.state.orders(h.sim.accountId)).toHaveLength(1);
  });

  it('a 503 on a read (orders) is retried with backoff and succeeds', async () => {
    await h.client.orderNew(order('r-1'));
    h.sim.faults.failRequests({ status: 503, count: 1, path: ORDERS, after: true });
    const list = await h.client.orders({ market: BTC });
    expect(list.map((o) => o.clientOrderId)).toEqual(['r-1']);
    expect(h.requests.count(ORDERS)).toBe(2);
    expect(h.clock.delays).toEqual([1000]);
  });
});

describe('latency', () => {
  it('latency beyond the client timeout makes order/new unknownOutcome; the order lands later', async () => {
    const slow = h.newClient({ timeoutMs: 50 });
    h.sim.faults.setRestLatency(1_000); // simulated ms: nothing is answered until the clock moves
    const e = await rejection(slow.orderNew(order('t-1')));
    expect(e).toMatchObject({ kind: 'unknownOutcome', sent: true, idempotent: false });
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(h.requests.count(NEW)).toBe(1);

    const placed = h.sim.waitFor((ev) => ev.type === 'order' && ev.event === 1 && ev.order.clientOrderId === 't-1');
    h.sim.advance(1_000); // the exchange processes the request the client gave up on
    await placed;
    h.sim.faults.setRestLatency(0);
    expect((await h.client.orders({ market: BTC, clientOrderId: 't-1' })).map((o) => o.clientOrderId)).toEqual(['t-1']);
  });
});
