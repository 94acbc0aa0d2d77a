/**
 * Conformance: the edges both halves must agree on beyond the happy paths: clientOrderId reuse,
 * IOC remainders, the legacy order shape, history lookups that miss, per-call idempotency under
 * 5xx, token expiry and the WS request budget (issue 3).
 * @see whitebit-protocol.md §4.2, §4.4, §4.10, §7.3, §7.4, §8.3
 */
import { afterEach, describe, expect, it } from 'vitest';
import { authorizeCall, encodeRequest, pingCall, retryClass } from '../../../src/adapters/whitebit/index.js';
import { type Conformance, type ConformanceOptions, WsProbe, rejection, startConformance } from './harness.js';

const BTC = 'BTC_USDT';

let h: Conformance | undefined;
let probe: WsProbe | undefined;
const start = async (options?: ConformanceOptions): Promise<Conformance> => {
  h = await startConformance(options);
  return h;
};
afterEach(async () => {
  probe?.close();
  probe = undefined;
  await h?.close();
  h = undefined;
});

describe('orders', () => {
  it('a clientOrderId open on the market is duplicateClientOrderId; once finished it is free again', async () => {
    const { client } = await start();
    const first = await client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000', clientOrderId: 'dup-1' });
    const e = await rejection(client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '59000', clientOrderId: 'dup-1' }));
    expect(e).toMatchObject({ kind: 'duplicateClientOrderId', status: 422, code: 36 });
    // Unique per market only: the same id may be open on another market.
    await client.orderNew({ market: 'ETH_USDT', side: 'buy', amount: '0.01', price: '3000', clientOrderId: 'dup-1' });
    await client.orderCancel({ market: BTC, orderId: first.orderId });
    const again = await client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '59000', clientOrderId: 'dup-1' });
    expect(again.orderId).not.toBe(first.orderId);
  });

  it('an IOC order comes back with its unfilled remainder cancelled', async () => {
    const { client, sim } = await start();
    const bestAsk = sim.state.book(BTC, 1).asks[0] as [string, string];
    const amount = (Number(bestAsk[1]) + 0.5).toFixed(6);
    const o = await client.orderNew({ market: BTC, side: 'buy', amount, price: bestAsk[0], ioc: true });
    expect(o).toMatchObject({ ioc: true, dealStock: bestAsk[1], amount });
    expect(Number(o.left)).toBeCloseTo(0.5, 9);
    expect(await client.orders({ market: BTC })).toEqual([]);
    expect(sim.state.book(BTC, 1).asks[0]?.[0]).not.toBe(bestAsk[0]);
  });

  it('the legacy order shape (fee ratios, no status) decodes the same way', async () => {
    const { client } = await start({ sim: { legacyOrderShape: true } });
    const o = await client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000', clientOrderId: 'lg-1' });
    expect(o).toMatchObject({ clientOrderId: 'lg-1', left: '0.001', takerFee: '0.001', makerFee: '0.001' });
    expect(o.status).toBeUndefined();
    expect((await client.orders({ market: BTC })).map((x) => x.orderId)).toEqual([o.orderId]);
    const c = await client.orderCancel({ market: BTC, clientOrderId: 'lg-1' });
    expect(c.orderId).toBe(o.orderId);
  });

  it('executed-history for an unknown clientOrderId is a rejection (code 30, errors.orderHistory)', async () => {
    const { client } = await start();
    const e = await rejection(client.executedHistory({ market: BTC, clientOrderId: 'never-placed' }));
    expect(e).toMatchObject({ kind: 'rejected', status: 422, code: 30, errors: { orderHistory: ['OrderHistory was not found.'] } });
  });

  it('orderbook aggregates by level', async () => {
    const { client, sim } = await start();
    const raw = sim.state.book(BTC, 100);
    const grouped = await client.publicOrderbook(BTC, { level: 2 });
    // Two fewer price decimals: whole USDT. Amounts are preserved in total.
    for (const [p] of [...grouped.asks, ...grouped.bids]) expect(p).toMatch(/^\d+$/);
    const sum = (ls: readonly (readonly [string, string])[]): number => ls.reduce((s, [, a]) => s + Number(a), 0);
    expect(sum(grouped.asks)).toBeCloseTo(sum(raw.asks), 9);
    expect(sum(grouped.bids)).toBeCloseTo(sum(raw.bids), 9);
  });
});

describe('idempotency per call under a 503 after execution', () => {
  const after503 = (path: string): void => h?.sim.faults.failRequests({ status: 503, count: 1, path, after: true });

  it('cancel by orderId is retried; the retry meets orderNotFound because the first one worked', async () => {
    const { client, requests } = await start();
    const o = await client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000' });
    after503('/api/v4/order/cancel');
    const e = await rejection(client.orderCancel({ market: BTC, orderId: o.orderId }));
    // The first attempt cancelled the order; the retry proves it is gone.
    expect(e.kind).toBe('orderNotFound');
    expect(requests.count('/api/v4/order/cancel')).toBe(2);
  });

  it('cancel by clientOrderId is not retried: unknownOutcome', async () => {
    const { client, requests } = await start();
    await client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000', clientOrderId: 'cc-1' });
    after503('/api/v4/order/cancel');
    const e = await rejection(client.orderCancel({ market: BTC, clientOrderId: 'cc-1' }));
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(requests.count('/api/v4/order/cancel')).toBe(1);
  });

  it('cancel/all and kill-switch are retried and succeed', async () => {
    const { client, requests } = await start();
    await client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000' });
    after503('/api/v4/order/cancel/all');
    await client.orderCancelAll({ market: BTC, type: ['spot'] });
    expect(await client.orders({ market: BTC })).toEqual([]);
    after503('/api/v4/order/kill-switch');
    await expect(client.killSwitchArm({ market: BTC, timeout: '60' })).resolves.toMatchObject({ market: BTC });
    expect(requests.count('/api/v4/order/cancel/all')).toBe(2);
    expect(requests.count('/api/v4/order/kill-switch')).toBe(2);
  });
});

describe('websocket edges', () => {
  it('an expired websocket token is refused with code 1', async () => {
    const { client, sim } = await start({ sim: { tokenTtlMs: 60_000 } });
    const token = await client.websocketToken();
    sim.advance(60_001);
    probe = await WsProbe.open(sim);
    expect(await probe.call(authorizeCall(token))).toMatchObject({ kind: 'replyError', code: 1 });
    await probe.ok(authorizeCall(await client.websocketToken()));
  });

  it('more requests than the per-connection budget answer code 7', async () => {
    const { sim } = await start({ sim: { wsRequestsPerMinute: 3, idleTimeoutMs: 120_000 } });
    probe = await WsProbe.open(sim);
    const replies = await Promise.all([1, 2, 3, 4].map(() => probe?.call(pingCall())));
    expect(replies.map((r) => r?.kind)).toEqual(['pong', 'pong', 'pong', 'replyError']);
    expect(replies[3]).toMatchObject({ code: 7 });
    sim.advance(60_000);
    expect(await probe.call(pingCall())).toMatchObject({ kind: 'pong' });
  });

  it('answers the time query in seconds', async () => {
    const { sim } = await start();
    probe = await WsProbe.open(sim);
    probe.transport.send(encodeRequest(5, 'time', []));
    expect(await probe.next((m) => m.kind === 'reply' && m.id === 5)).toEqual({
      kind: 'reply',
      id: 5,
      result: Math.floor(sim.clock.now() / 1000),
    });
  });
});
