/**
 * Conformance, WebSocket private side: authorize with a token from WhitebitRestClient, then
 * ordersPending, deals and balanceSpot through WsTransport + the codec (issue 3).
 * @see whitebit-protocol.md §7.4, §7.5, §7.8, §7.9, §7.11, §8.6
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type WbOrdersPendingUpdate,
  type WbWsMessage,
  authorizeCall,
  balanceSpotSubscribeCall,
  dealsSubscribeCall,
  ordersPendingSubscribeCall,
} from '../../../src/adapters/whitebit/index.js';
import { type Conformance, WsProbe, authorizedProbe, startConformance } from './harness.js';

const BTC = 'BTC_USDT';
const ETH = 'ETH_USDT';

let h: Conformance;
const probes: WsProbe[] = [];
beforeEach(async () => {
  h = await startConformance();
});
afterEach(async () => {
  for (const p of probes.splice(0)) p.close();
  await h.close();
});

const track = (p: WsProbe): WsProbe => {
  probes.push(p);
  return p;
};
const isPending = (m: WbWsMessage): m is WbOrdersPendingUpdate => m.kind === 'ordersPending_update';

describe('authorize', () => {
  it('private channels before authorize answer error 6', async () => {
    const ws = track(await WsProbe.open(h.sim));
    for (const call of [ordersPendingSubscribeCall([BTC]), dealsSubscribeCall([BTC]), balanceSpotSubscribeCall([])]) {
      expect(await ws.call(call)).toMatchObject({ kind: 'replyError', code: 6 });
    }
  });

  it('accepts a token from profile/websocket_token and rejects a made-up one with code 1', async () => {
    const ws = track(await WsProbe.open(h.sim));
    expect(await ws.call(authorizeCall('made-up'))).toMatchObject({ kind: 'replyError', code: 1 });
    expect(await ws.call(authorizeCall(await h.client.websocketToken()))).toMatchObject({ kind: 'reply', result: { status: 'success' } });
    expect(h.sim.connections()).toEqual([{ serial: 0, accountId: h.sim.accountId }]);
    await ws.ok(ordersPendingSubscribeCall([BTC]));
  });
});

describe('ordersPending', () => {
  it('reports placed (1), partially filled (2) and cancelled (3) with the order fields', async () => {
    const ws = track(await authorizedProbe(h));
    await ws.ok(ordersPendingSubscribeCall([BTC]));
    const o = await h.client.orderNew({ market: BTC, side: 'sell', amount: '1', price: '64100', clientOrderId: 'op-1' });
    const placed = await ws.next(isPending);
    expect(placed).toMatchObject({
      event: 1,
      order: {
        id: o.orderId,
        market: BTC,
        side: 'sell',
        price: '64100',
        amount: '1',
        left: '1',
        deal_stock: '0',
        client_order_id: 'op-1',
        type: 1,
        post_only: false,
      },
    });

    // The house requotes above our ask: its bids cross and take part of our order.
    h.sim.setPrice(BTC, '64500');
    const partial = await ws.next(isPending);
    expect(partial.event).toBe(2);
    expect(partial.order.id).toBe(o.orderId);
    expect(Number(partial.order.deal_stock)).toBeGreaterThan(0);
    expect(Number(partial.order.left)).toBeGreaterThan(0);
    await ws.barrier();
    const updates = [partial, ...ws.take('ordersPending_update')];
    const last = updates[updates.length - 1]?.order;

    await h.client.orderCancel({ market: BTC, orderId: o.orderId });
    const done = await ws.next(isPending);
    expect(done).toMatchObject({ event: 3, order: { id: o.orderId, left: last?.left, deal_stock: last?.deal_stock } });
    expect(Number(done.order.left)).toBeGreaterThan(0); // left > 0 on event 3: cancelled, not filled
  });

  it('an order that fills on arrival yields a single event 3 with left 0', async () => {
    const ws = track(await authorizedProbe(h));
    await ws.ok(ordersPendingSubscribeCall([BTC]));
    const o = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '64100', clientOrderId: 'op-fill' });
    await ws.barrier();
    const updates = ws.take('ordersPending_update');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ event: 3, order: { id: o.orderId, left: '0', deal_stock: '0.001', client_order_id: 'op-fill' } });
  });

  it('a second subscribe replaces the market set: [A] then [B] gives only B', async () => {
    const ws = track(await authorizedProbe(h));
    await ws.ok(ordersPendingSubscribeCall([BTC]));
    await ws.ok(ordersPendingSubscribeCall([ETH]));
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000' });
    const eth = await h.client.orderNew({ market: ETH, side: 'buy', amount: '0.01', price: '3000' });
    await ws.barrier();
    expect(ws.take('ordersPending_update').map((u) => [u.event, u.order.id, u.order.market])).toEqual([[1, eth.orderId, ETH]]);
  });

  it('a kill-switch expiry cancels with event 3', async () => {
    const ws = track(await authorizedProbe(h));
    await ws.ok(ordersPendingSubscribeCall([BTC]));
    const o = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000' });
    await h.client.killSwitchArm({ market: BTC, timeout: '5', types: ['spot'] });
    expect(await ws.next(isPending)).toMatchObject({ event: 1 });
    h.sim.advance(5_000);
    expect(await ws.next(isPending)).toMatchObject({ event: 3, order: { id: o.orderId, left: '0.001' } });
  });
});

describe('deals', () => {
  it('pushes one deals_update per fill with the 11-tuple decoded', async () => {
    const ws = track(await authorizedProbe(h));
    await ws.ok(dealsSubscribeCall([BTC]));
    const o = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.08', price: '64200', clientOrderId: 'dl-1' });
    await ws.barrier();
    const deals = ws.take('deals_update');
    const fills = h.sim.state.fills(h.sim.accountId).filter((d) => d.orderId === o.orderId);
    expect(deals.length).toBe(fills.length);
    expect(deals.length).toBeGreaterThan(1);
    for (const d of deals) {
      expect(d).toMatchObject({ market: BTC, order_id: o.orderId, client_order_id: 'dl-1', side: 'buy', role: 'taker', fee_asset: 'BTC' });
      expect(Number(d.fee)).toBeGreaterThan(0);
    }
    expect(new Set(deals.map((d) => d.deal_id)).size).toBe(deals.length);
    expect(deals.reduce((s, d) => s + Number(d.amount), 0)).toBeCloseTo(Number(o.dealStock), 9);
  });

  it('a second subscribe replaces the market set', async () => {
    const ws = track(await authorizedProbe(h));
    await ws.ok(dealsSubscribeCall([BTC]));
    await ws.ok(dealsSubscribeCall([ETH]));
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '64100' });
    await h.client.orderNew({ market: ETH, side: 'sell', amount: '0.01', price: '3100' });
    await ws.barrier();
    expect(ws.take('deals_update').map((d) => [d.market, d.side, d.role, d.fee_asset])).toEqual([[ETH, 'sell', 'taker', 'USDT']]);
  });
});

describe('balanceSpot', () => {
  it('pushes only the changed assets, coalesced to one push per second', async () => {
    const ws = track(await authorizedProbe(h));
    await ws.ok(balanceSpotSubscribeCall([]));
    const o = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000' });
    await ws.barrier();
    expect(ws.take('balanceSpot_update')).toEqual([{ kind: 'balanceSpot_update', balances: { USDT: { available: '99940', freeze: '60' } } }]);

    // Inside the second: held back, then sent together.
    await h.client.orderCancel({ market: BTC, orderId: o.orderId });
    await h.client.orderNew({ market: ETH, side: 'sell', amount: '0.5', price: '4000' });
    await ws.barrier();
    expect(ws.take('balanceSpot_update')).toEqual([]);
    h.sim.advance(1_000);
    await ws.barrier();
    expect(ws.take('balanceSpot_update')).toEqual([
      { kind: 'balanceSpot_update', balances: { ETH: { available: '9.5', freeze: '0.5' }, USDT: { available: '100000', freeze: '0' } } },
    ]);
  });

  it('an asset filter limits the pushes to those assets', async () => {
    const ws = track(await authorizedProbe(h));
    await ws.ok(balanceSpotSubscribeCall(['ETH']));
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '60000' });
    await h.client.orderNew({ market: ETH, side: 'sell', amount: '0.5', price: '4000' });
    h.sim.advance(1_000);
    await ws.barrier();
    expect(ws.take('balanceSpot_update')).toEqual([{ kind: 'balanceSpot_update', balances: { ETH: { available: '9.5', freeze: '0.5' } } }]);
  });
});
