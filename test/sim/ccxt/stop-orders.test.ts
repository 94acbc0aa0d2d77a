/**
 * ccxt conformance, stop orders: `createOrder` with `triggerPrice` (REST order/stop_limit and
 * order/stop_market). A stop waits untriggered until a trade prints at or through its
 * activation price, then trades as a limit (stop-limit) or market (stop-market) order.
 * @see whitebit-protocol-2.md §2.5
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { START_BALANCES, dec, idOf, info, ccxtPerTest } from './support.js';

const BTC = 'BTC/USDT';

const h = ccxtPerTest();

/** Moves the house book to `mid`, then prints one small trade there by taking its best `side`. */
async function printTradeNear(mid: string, take: 'buy' | 'sell'): Promise<Decimal> {
  h.sim.setPrice('BTC_USDT', mid);
  const book = h.sim.state.book('BTC_USDT', 1);
  const [[price]] = (take === 'buy' ? book.asks : book.bids) as [[string, string]];
  await h.rest.createOrder(BTC, 'limit', take, 0.001, Number(price));
  return new Decimal(price);
}

describe('stop-limit (triggerPrice with a limit price)', () => {
  it('waits untriggered, listed with its trigger; a trade through the trigger turns it into a limit that fills', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 66000, { triggerPrice: 65000 });
    expect(info(o).type).toBe('stop limit');
    expect(o).toMatchObject({ type: 'limit', side: 'buy', price: 66000, amount: 0.01, triggerPrice: 65000, filled: 0 });
    expect((await h.rest.fetchOpenOrders(BTC)).map((x) => [x.id, x.triggerPrice])).toEqual([[o.id, 65000]]);

    // A trade below the trigger leaves it waiting.
    await printTradeNear('64500', 'buy');
    expect((await h.rest.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([o.id]);

    // A trade at or above 65000 activates it; its limit 66000 is above the ask, so it takes at once.
    await printTradeNear('65500', 'buy');
    const done = await h.rest.fetchOrder(idOf(o), BTC);
    expect(done).toMatchObject({ status: 'closed', filled: 0.01 });
    const fills = await h.rest.fetchOrderTrades(idOf(o), BTC);
    expect(fills.every((t) => dec(t.price).lessThanOrEqualTo(66000) && dec(t.price).greaterThanOrEqualTo(65000))).toBe(true);
    expect(fills.reduce((s, t) => s.plus(dec(t.amount)), new Decimal(0)).eq('0.01')).toBe(true);
  });
});

describe('stop-market (triggerPrice without a price)', () => {
  it('a sell stop fires when a trade prints at or below the trigger and sells its amount in base', async () => {
    const o = await h.rest.createOrder(BTC, 'market', 'sell', 0.01, undefined, { triggerPrice: 63000 });
    expect(info(o).type).toBe('stop market');
    expect(o).toMatchObject({ type: 'market', side: 'sell', triggerPrice: 63000 });
    expect((await h.rest.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([o.id]);

    await printTradeNear('62900', 'sell');
    expect(await h.rest.fetchOpenOrders(BTC)).toEqual([]);
    const done = await h.rest.fetchOrder(idOf(o), BTC);
    expect(done).toMatchObject({ status: 'closed', filled: 0.01 });
    // 0.001 sold by the trade that printed the trigger, 0.01 by the stop.
    const btc = await h.rest.fetchBalance();
    expect(dec(btc.BTC?.total).eq(dec(START_BALANCES.BTC).minus('0.011'))).toBe(true);
  });
});
