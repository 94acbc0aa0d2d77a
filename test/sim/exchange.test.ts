/**
 * Exchange core and price process, without sockets: self-trade prevention, event rules,
 * determinism of a seeded run, and house flow that really fills resting orders.
 */
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/sim/events.js';
import { Exchange } from '../../src/sim/exchange.js';
import { resolveMarkets } from '../../src/sim/markets.js';
import { HOUSE_ACCOUNT, PriceProcess } from '../../src/sim/price-process.js';
import { deriveSeed, mulberry32 } from '../../src/sim/prng.js';
import { toOrderResponse } from '../../src/sim/wire-format.js';

const T0 = 1_700_000_000_000;

function exchange(withHouse = false): Exchange {
  const markets = resolveMarkets();
  return new Exchange({
    markets,
    accounts: [
      { id: 'u', balances: { BTC: '10', USDT: '1000000' } },
      { id: 'v', balances: { BTC: '10', USDT: '1000000' } },
      ...(withHouse ? [{ id: HOUSE_ACCOUNT, balances: PriceProcess.houseBalances(markets.values()), keepHistory: false }] : []),
    ],
  });
}
const buy = (price: string, amount: string, extra: Record<string, unknown> = {}) => ({ market: 'BTC_USDT', side: 'buy', price, amount, ...extra });
const sell = (price: string, amount: string, extra: Record<string, unknown> = {}) => ({ market: 'BTC_USDT', side: 'sell', price, amount, ...extra });

describe('exchange core', () => {
  it('applies self-trade prevention: cn cancels the new order, co the old one, cb both', () => {
    const ex = exchange();
    const old = ex.placeOrder('u', sell('64000', '1'), T0);
    expect(old.ok).toBe(true);
    const cn = ex.placeOrder('u', buy('64000', '1', { stp: 'cn' }), T0);
    expect(cn.ok && cn.value.ftimeMs !== null && cn.value.dealStock.isZero()).toBe(true);
    expect(ex.activeOrders('u')).toHaveLength(1);

    const co = ex.placeOrder('u', buy('64000', '0.5', { stp: 'co' }), T0);
    expect(co.ok && co.value.ftimeMs === null).toBe(true); // rests: the old sell was cancelled
    expect(ex.activeOrders('u').map((o) => o.side)).toEqual(['buy']);

    ex.placeOrder('u', sell('64000', '0.2', { stp: 'cb' }), T0);
    expect(ex.activeOrders('u')).toEqual([]);
    expect(ex.dealsOf('u')).toEqual([]);
    // Legacy names are accepted.
    expect(ex.placeOrder('u', buy('60000', '0.1', { stp: 'cancel_new' }), T0).ok).toBe(true);
  });

  it('trades with itself when stp is "no" (the exchange default), conserving funds', () => {
    const ex = exchange();
    const before = ex.ledger.totals();
    ex.placeOrder('u', sell('64000', '1'), T0);
    ex.placeOrder('u', buy('64000', '1'), T0);
    expect(
      ex
        .dealsOf('u')
        .map((d) => d.role)
        .sort(),
    ).toEqual([1, 2]);
    for (const [asset, total] of ex.ledger.totals()) expect(total.toFixed()).toBe(before.get(asset)?.toFixed());
  });

  it('emits no events for a rejected order and one depth update per engine step', () => {
    const ex = exchange();
    const events: SimEvent[] = [];
    ex.on((e) => events.push(e));
    ex.placeOrder('u', buy('64000', '1000'), T0); // not enough balance
    ex.placeOrder('u', buy('64000', '0.1', { postOnly: true }), T0); // book is empty: fine
    ex.placeOrder('v', sell('63000', '0.1', { postOnly: true }), T0); // would take: 13
    expect(events.filter((e) => e.type === 'order').map((e) => e.type === 'order' && e.event)).toEqual([1]);
    expect(events.filter((e) => e.type === 'depth')).toHaveLength(1);
    const before = ex.updateId('BTC_USDT');
    ex.placeBulk('v', [sell('65000', '0.1'), sell('65001', '0.1'), sell('65002', '0.1')], false, T0);
    expect(ex.updateId('BTC_USDT')).toBe(before + 1);
  });

  it('formats the legacy order shape with fee ratios and no status', () => {
    const ex = exchange();
    const r = ex.placeOrder('u', buy('60000', '0.1'), T0);
    if (!r.ok) throw new Error('placement failed');
    const legacy = toOrderResponse(r.value, ex.market('BTC_USDT'), true);
    expect(legacy).toMatchObject({ takerFee: '0.001', makerFee: '0.001' });
    expect(legacy.status).toBeUndefined();
  });
});

describe('price process', () => {
  function run(seed: number, ticks: number) {
    const ex = exchange(true);
    const pp = new PriceProcess(ex, { seed });
    pp.seed(T0);
    ex.placeOrder('u', buy('63900', '0.05'), T0);
    ex.placeOrder('u', sell('64100', '0.05'), T0);
    for (let i = 1; i <= ticks; i++) pp.tick(T0 + i * 1000);
    return ex;
  }

  it('repeats exactly under the same seed and differs under another', () => {
    const summary = (ex: Exchange) => ({
      trades: ex.publicTrades('BTC_USDT').map((t) => [t.price, t.amount.toFixed(), t.takerSide]),
      book: ex.depth('BTC_USDT', 20),
      last: ex.lastPrice('ETH_USDT').toFixed(),
    });
    expect(summary(run(42, 200))).toEqual(summary(run(42, 200)));
    expect(summary(run(43, 200))).not.toEqual(summary(run(42, 200)));
  });

  it('keeps liquidity on both sides and fills resting user orders, partially and fully', () => {
    const ex = run(5, 600);
    const depth = ex.depth('BTC_USDT', 5);
    expect(depth.asks.length).toBeGreaterThan(0);
    expect(depth.bids.length).toBeGreaterThan(0);
    expect(ex.bookOf('BTC_USDT').isCrossed()).toBe(false);
    const deals = ex.dealsOf('u');
    expect(deals.length).toBeGreaterThan(0);
    expect(deals.every((d) => d.role === 1)).toBe(true);
    const finished = ex.finishedOrders('u');
    expect(finished.some((o) => o.left.isZero())).toBe(true);
  });

  it('derives independent streams per label', () => {
    const a = mulberry32(deriveSeed(1, 'price:BTC_USDT'));
    const b = mulberry32(deriveSeed(1, 'price:ETH_USDT'));
    expect(a.next()).not.toBe(b.next());
    const again = mulberry32(deriveSeed(1, 'price:BTC_USDT'));
    const first = mulberry32(deriveSeed(1, 'price:BTC_USDT')).next();
    expect(again.next()).toBe(first);
  });
});
