/**
 * Conformance, REST: balances, deal and order history, kill-switch (with real expiry on the
 * simulator's manual clock) and the websocket token, through WhitebitRestClient (issue 3).
 * @see whitebit-protocol.md §4.1, §4.8, §4.10–§4.13
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Conformance, startConformance } from './harness.js';

let h: Conformance;
beforeEach(async () => {
  h = await startConformance();
});
afterEach(async () => {
  await h.close();
});

const BTC = 'BTC_USDT';
const ETH = 'ETH_USDT';

describe('trade-account/balance', () => {
  it('lists every non-zero asset, or one asset flat', async () => {
    const all = await h.client.tradeAccountBalance();
    expect(all).toMatchObject({ BTC: { available: '1', freeze: '0' }, USDT: { available: '100000', freeze: '0' } });
    expect(Object.keys(all).sort()).toEqual(Object.keys(h.sim.state.balances(h.sim.accountId)).sort());
    expect(await h.client.tradeAccountBalance({ ticker: 'ETH' })).toEqual({ available: '10', freeze: '0' });
  });

  it('moves funds to freeze on place and back on cancel', async () => {
    const o = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000' });
    expect(await h.client.tradeAccountBalance({ ticker: 'USDT' })).toEqual({ available: '99940', freeze: '60' });
    const sell = await h.client.orderNew({ market: BTC, side: 'sell', amount: '0.25', price: '70000' });
    expect(await h.client.tradeAccountBalance({ ticker: 'BTC' })).toEqual({ available: '0.75', freeze: '0.25' });
    await h.client.orderCancel({ market: BTC, orderId: o.orderId });
    await h.client.orderCancel({ market: BTC, orderId: sell.orderId });
    const all = await h.client.tradeAccountBalance();
    expect(all.USDT).toEqual({ available: '100000', freeze: '0' });
    expect(all.BTC).toEqual({ available: '1', freeze: '0' });
  });
});

describe('deal and order history', () => {
  it('executed-history is a flat list with market and keyed by market without it', async () => {
    const btc = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '64100', clientOrderId: 'eh-btc' });
    const eth = await h.client.orderNew({ market: ETH, side: 'sell', amount: '0.01', price: '3100', clientOrderId: 'eh-eth' });
    const flat = await h.client.executedHistory({ market: BTC });
    expect(Array.isArray(flat)).toBe(true);
    expect(flat).toHaveLength(1);
    expect(flat[0]).toMatchObject({ orderId: btc.orderId, clientOrderId: 'eh-btc', side: 'buy', role: 2, amount: '0.001' });
    expect(flat[0]?.feeAsset).toBe('BTC'); // a buy pays its fee in the asset it receives (§8.5)

    const byMarket = await h.client.executedHistory();
    expect(Array.isArray(byMarket)).toBe(false);
    expect(Object.keys(byMarket).sort()).toEqual([BTC, ETH]);
    expect(byMarket[ETH]?.map((d) => [d.orderId, d.side, d.feeAsset])).toEqual([[eth.orderId, 'sell', 'USDT']]);
  });

  it('trade-account/order lists the deals of one order; an unknown order has none', async () => {
    // Big enough to sweep several house levels: one deal per maker order.
    const o = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.08', price: '64200' });
    const deals = await h.client.tradeAccountOrder({ orderId: o.orderId });
    const fills = h.sim.state.fills(h.sim.accountId).filter((d) => d.orderId === o.orderId);
    expect(deals.records.length).toBe(fills.length);
    expect(deals.records.length).toBeGreaterThan(1);
    const total = deals.records.reduce((s, d) => s + Number(d.amount), 0);
    expect(total).toBeCloseTo(Number(o.dealStock), 9);
    for (const d of deals.records) expect(d.role).toBe(2);
    const makers = new Set(deals.records.map((d) => d.dealOrderId));
    expect(makers.has(o.orderId)).toBe(false);
    expect(await h.client.tradeAccountOrder({ orderId: 999_999_999 })).toMatchObject({ records: [] });
  });

  it('order/history finds a finished order by clientOrderId', async () => {
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '64100', clientOrderId: 'oh-filled' });
    const rest = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000', clientOrderId: 'oh-cancel' });
    expect(await h.client.orderHistory({ market: BTC, clientOrderId: 'oh-cancel' })).toEqual({});
    await h.client.orderCancel({ market: BTC, orderId: rest.orderId });

    const filled = await h.client.orderHistory({ market: BTC, clientOrderId: 'oh-filled' });
    expect(Object.keys(filled)).toEqual([BTC]);
    expect(filled[BTC]).toHaveLength(1);
    expect(filled[BTC]?.[0]).toMatchObject({ clientOrderId: 'oh-filled', dealStock: '0.001', status: 'FILLED' });
    const cancelled = await h.client.orderHistory({ market: BTC, clientOrderId: 'oh-cancel' });
    expect(cancelled[BTC]?.[0]).toMatchObject({ id: rest.orderId, dealStock: '0', status: 'CANCELED' });
  });
});

describe('kill-switch', () => {
  it('arms, reports status and disarms', async () => {
    const armed = await h.client.killSwitchArm({ market: BTC, timeout: '30', types: ['spot'] });
    expect(armed).toMatchObject({ market: BTC, types: ['spot'] });
    expect(armed.cancellationTime - armed.startTime).toBe(30);
    expect(armed.startTime).toBe(Math.floor(h.sim.clock.now() / 1000));
    expect(await h.client.killSwitchStatus({ market: BTC })).toEqual([armed]);
    await h.client.killSwitchArm({ market: ETH, timeout: '60' });
    expect((await h.client.killSwitchStatus()).map((k) => [k.market, k.types])).toEqual([
      [BTC, ['spot']],
      [ETH, null],
    ]);
    await h.client.killSwitchDisarm(BTC);
    expect(await h.client.killSwitchStatus({ market: BTC })).toEqual([]);
    expect(await h.client.killSwitchStatus()).toHaveLength(1);
  });

  it("expiry cancels the market's spot orders and nothing else", async () => {
    const btc = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000', clientOrderId: 'ks-1' });
    const eth = await h.client.orderNew({ market: ETH, side: 'buy', amount: '0.01', price: '3000' });
    await h.client.killSwitchArm({ market: BTC, timeout: '5', types: ['spot'] });

    h.sim.advance(4_999);
    expect((await h.client.orders({ market: BTC })).map((o) => o.orderId)).toEqual([btc.orderId]);
    // A refresh re-arms from now: the old deadline passes without effect.
    await h.client.killSwitchArm({ market: BTC, timeout: '5', types: ['spot'] });
    h.sim.advance(4_999);
    expect(await h.client.orders({ market: BTC })).toHaveLength(1);

    const fired = h.sim.waitFor((e) => e.type === 'killSwitch' && e.action === 'fired');
    h.sim.advance(1);
    await fired;
    expect(await h.client.orders({ market: BTC })).toEqual([]);
    expect((await h.client.orders({ market: ETH })).map((o) => o.orderId)).toEqual([eth.orderId]);
    expect(await h.client.killSwitchStatus()).toEqual([]);
    const hist = await h.client.orderHistory({ market: BTC, clientOrderId: 'ks-1' });
    expect(hist[BTC]?.[0]).toMatchObject({ id: btc.orderId, status: 'CANCELED' });
    expect(await h.client.tradeAccountBalance({ ticker: 'USDT' })).toEqual({ available: '99970', freeze: '30' });
  });
});

describe('profile/websocket_token', () => {
  it('returns a non-empty token, fresh per call', async () => {
    const a = await h.client.websocketToken();
    const b = await h.client.websocketToken();
    expect(a).toMatch(/^\S+$/);
    expect(b).not.toBe(a);
  });
});
