import { describe, expect, it } from 'vitest';
import type { WbDepthUpdate, WbWsUpdate } from '../../../src/adapters/whitebit/codec/ws-frames.js';
import { FrameRouter, type MarketUpdate } from '../../../src/machines/connection/frame-router.js';

const depth = (market: string, full: boolean, update_id: number, past_update_id?: number): WbDepthUpdate => ({
  kind: 'depth_update',
  market,
  full_reload: full,
  timestamp: 1,
  update_id,
  past_update_id,
  event_time: undefined,
  asks: [],
  bids: [],
});

const deal = (market: string, id: number): WbWsUpdate => ({
  kind: 'deals_update',
  deal_id: id,
  time: 1,
  market,
  order_id: 7,
  price: '100',
  amount: '1',
  fee: '0',
  client_order_id: '',
  side: 'buy',
  role: 'maker',
  fee_asset: undefined,
});

function collect(router: FrameRouter, market: string): MarketUpdate[] {
  const seen: MarketUpdate[] = [];
  router.market(market).subscribe((u) => seen.push(u));
  return seen;
}

describe('frame router', () => {
  it('delivers each update to its own market only, synchronously', () => {
    const router = new FrameRouter(() => {});
    const btc = collect(router, 'BTC_USDT');
    const eth = collect(router, 'ETH_USDT');
    router.route(deal('BTC_USDT', 1));
    expect(btc).toHaveLength(1); // no tick passed: the same call delivered it
    router.route(deal('ETH_USDT', 2));
    router.route({
      kind: 'ordersPending_update',
      event: 1,
      order: {
        id: 9,
        market: 'ETH_USDT',
        side: 'sell',
        price: '1',
        amount: '1',
        left: '1',
        deal_stock: '0',
        deal_money: '0',
        client_order_id: '',
        type: 1,
        deal_fee: '0',
        post_only: true,
        ioc: false,
        ctime: 1,
        mtime: 1,
        status: 'OPEN',
        stp: 'no',
      },
    });
    expect(btc.map((u) => u.kind)).toEqual(['deals_update']);
    expect(eth.map((u) => u.kind)).toEqual(['deals_update', 'ordersPending_update']);
    expect(router.stats.routed).toBe(3);
  });

  it('counts updates for markets nobody follows', () => {
    const router = new FrameRouter(() => {});
    router.route(deal('XRP_USDT', 1));
    expect(router.stats.unrouted).toBe(1);
  });

  it('passes a chained depth stream and reports a gap once, dropping deltas until the next snapshot', () => {
    const gaps: string[] = [];
    const router = new FrameRouter((m) => gaps.push(m));
    const seen = collect(router, 'BTC_USDT');
    router.route(depth('BTC_USDT', true, 100));
    router.route(depth('BTC_USDT', false, 105, 100));
    router.route(depth('BTC_USDT', false, 111, 105));
    expect(gaps).toEqual([]);
    router.route(depth('BTC_USDT', false, 130, 120)); // 111 → 120 was lost
    router.route(depth('BTC_USDT', false, 131, 130));
    expect(gaps).toEqual(['BTC_USDT']);
    expect(seen).toHaveLength(3);
    router.route(depth('BTC_USDT', true, 200));
    router.route(depth('BTC_USDT', false, 201, 200));
    expect(seen.map((u) => (u as WbDepthUpdate).update_id)).toEqual([100, 105, 111, 200, 201]);
    expect(router.stats.depthGaps).toBe(1);
  });

  it('treats a delta before any snapshot as a gap', () => {
    const gaps: string[] = [];
    const router = new FrameRouter((m) => gaps.push(m));
    collect(router, 'ETH_USDT');
    router.route(depth('ETH_USDT', false, 5, 4));
    expect(gaps).toEqual(['ETH_USDT']);
  });

  it('completes a released market stream', () => {
    const router = new FrameRouter(() => {});
    let done = false;
    router.market('BTC_USDT').subscribe({ complete: () => (done = true) });
    router.release('BTC_USDT');
    expect(done).toBe(true);
    router.route(deal('BTC_USDT', 1));
    expect(router.stats.unrouted).toBe(1);
  });
});
