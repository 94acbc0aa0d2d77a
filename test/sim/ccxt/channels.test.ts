/**
 * ccxt conformance, candles and the public WS channels (v1 kline, `market_*`, `trades_*`,
 * `candles_*`). Trades are printed first, then the watch subscribes, so what it
 * sees does not depend on whether a channel pushes at once or on its next period.
 * @see whitebit-protocol-2.md §2.4, §2.9, §2.10
 */
import type { Exchange, Ticker } from 'ccxt';
import { Decimal } from 'decimal.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { FrameSpy, alignToMinute, dec, ccxtPerTest, subscribed, until, within } from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

const h = ccxtPerTest();
let ex: Exchange;
beforeEach(async () => {
  ex = await h.pro();
});

/** Buys `amount` from the best ask of `market` (which must hold it); returns the trade price. */
async function buyAtBestAsk(symbol: string, amount: string): Promise<Decimal> {
  const [[price, size]] = h.sim.state.book(symbol.replace('/', '_'), 1).asks as [[string, string]];
  expect(dec(size).greaterThanOrEqualTo(amount)).toBe(true);
  await ex.createOrder(symbol, 'limit', 'buy', Number(amount), Number(price));
  return new Decimal(price);
}

/** Two buys at the start of a fresh minute; returns that minute and the 1m candle they make in ccxt's row order. */
async function twoTradesInOneMinute(): Promise<{ minute: number; candle: number[] }> {
  alignToMinute(h.sim);
  const minute = h.sim.clock.now();
  const p1 = (await buyAtBestAsk(BTC, '0.01')).toNumber();
  const p2 = (await buyAtBestAsk(BTC, '0.005')).toNumber();
  return { minute, candle: [minute, p1, Math.max(p1, p2), Math.min(p1, p2), p2, 0.015] };
}

/** Opens ccxt's socket (a first book snapshot) and listens on it. */
async function spyOnSocket(): Promise<FrameSpy> {
  await within(ex.watchOrderBook(BTC, 5), 'the first book snapshot');
  return FrameSpy.attach(ex, h.sim);
}

describe('fetchOHLCV (REST v1 kline)', () => {
  it('one candle per minute from the simulator trades: open, high, low, close, base volume', async () => {
    const { minute, candle } = await twoTradesInOneMinute();
    const candles = await ex.fetchOHLCV(BTC, '1m', minute - 60_000);
    expect(candles.find(([t]) => t === minute)).toEqual(candle);
  });
});

describe('watchTicker / watchTickers (market_*)', () => {
  it('watchTicker: last price and 24 h volumes after a trade', async () => {
    const price = await buyAtBestAsk(BTC, '0.01');
    const spy = await spyOnSocket();
    const watched = await subscribed(spy, () => ex.watchTicker(BTC), 'market_subscribe');
    h.sim.advance(1_000); // market_update goes out once a second
    const t = await within(watched.next, 'a market_update');
    expect(t).toMatchObject({ symbol: BTC, last: price.toNumber(), close: price.toNumber(), baseVolume: 0.01 });
    expect(dec(t.quoteVolume).eq(price.times('0.01'))).toBe(true);
  });

  it('watchTickers: one ticker per market asked for', async () => {
    const btc = await buyAtBestAsk(BTC, '0.01');
    const eth = await buyAtBestAsk(ETH, '0.1');
    const spy = await spyOnSocket();
    const watched = await subscribed(spy, () => ex.watchTickers([BTC, ETH]), 'market_subscribe');
    h.sim.advance(1_000);
    await within(watched.next, 'a market_update');
    const tickers = (): Record<string, Ticker> => ex.tickers ?? {};
    await until(() => tickers()[BTC] !== undefined && tickers()[ETH] !== undefined, 'both tickers');
    expect(tickers()[BTC]?.last).toBe(btc.toNumber());
    expect(tickers()[ETH]?.last).toBe(eth.toNumber());
  });
});

describe('watchTrades (trades_*)', () => {
  it('the snapshot first, then each new trade: amounts in base, the taker side', async () => {
    const p1 = await buyAtBestAsk(BTC, '0.01');
    const spy = await spyOnSocket();
    const watched = await subscribed(spy, () => ex.watchTrades(BTC), 'trades_subscribe');
    const snapshot = await within(watched.next, 'the trades snapshot');
    expect(snapshot.at(-1)).toMatchObject({ symbol: BTC, price: p1.toNumber(), amount: 0.01, side: 'buy' });

    const live = ex.watchTrades(BTC);
    const p2 = await buyAtBestAsk(BTC, '0.005');
    const [trade] = (await within(live, 'a live trade')).slice(-1);
    expect(trade).toMatchObject({ price: p2.toNumber(), amount: 0.005, side: 'buy' });
  });
});

describe('watchOHLCV (candles_*)', () => {
  it('the current 1m candle of the simulator trades', async () => {
    const { minute, candle } = await twoTradesInOneMinute();
    const spy = await spyOnSocket();
    const watched = await subscribed(spy, () => ex.watchOHLCV(BTC, '1m'), 'candles_subscribe');
    h.sim.advance(500); // candles_update goes out every 0.5 s
    const candles = await within(watched.next, 'a candles_update');
    expect(candles.find(([t]) => t === minute)).toEqual(candle);
  });
});
