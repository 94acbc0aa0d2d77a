/**
 * ccxt conformance, public REST: ccxt's `whitebit` class, pointed at the simulator by URL only,
 * loads markets and currencies, reads time, status, tickers and the book, and maps a symbol the
 * simulator does not list to the exception class a trader catches (issue 16).
 * @see whitebit-protocol-2.md §2.2
 */
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { dec, ccxtPerTest } from './support.js';

const BTC = 'BTC/USDT';

const h = ccxtPerTest();

describe('markets and currencies', () => {
  it('loadMarkets reads every spot market with its precision, limits and fees', async () => {
    const markets = await h.rest.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'DBTC/DUSDT', 'ETH/USDT']);
    expect(markets[BTC]).toMatchObject({
      id: 'BTC_USDT',
      base: 'BTC',
      quote: 'USDT',
      type: 'spot',
      spot: true,
      active: true,
      precision: { amount: 0.000001, price: 0.01 },
      limits: { amount: { min: 0.00001 }, cost: { min: 5.05, max: 10000000 } },
      maker: 0.001,
      taker: 0.001,
    });
  });

  it('fetchCurrencies lists every asset of every market', async () => {
    const currencies = await h.rest.fetchCurrencies();
    expect(Object.keys(currencies).sort()).toEqual(['BTC', 'DBTC', 'DUSDT', 'ETH', 'USDT']);
    expect(currencies.BTC).toMatchObject({ id: 'BTC', code: 'BTC' });
  });
});

describe('time and status', () => {
  it("fetchTime is the simulator's clock, not the client's", async () => {
    h.sim.advance(3_600_000);
    expect(await h.rest.fetchTime()).toBe(Math.floor(h.sim.clock.now() / 1000) * 1000);
  });

  it('fetchStatus reports ok', async () => {
    expect(await h.rest.fetchStatus()).toMatchObject({ status: 'ok' });
  });
});

describe('tickers and the book', () => {
  it('fetchOrderBook is the simulator book, best first, cut at the limit', async () => {
    const book = await h.rest.fetchOrderBook(BTC, 5);
    const sim = h.sim.state.book('BTC_USDT', 5);
    expect(book.symbol).toBe(BTC);
    expect(book.asks).toEqual(sim.asks.map(([p, a]) => [Number(p), Number(a)]));
    expect(book.bids).toEqual(sim.bids.map(([p, a]) => [Number(p), Number(a)]));
    expect(book.asks).toHaveLength(5);
    expect(book.timestamp).toBe(Math.floor(h.sim.clock.now() / 1000) * 1000);
  });

  it('fetchTickers follows a trade: last price and 24 h volumes in base and quote', async () => {
    const [[askPrice, askAmount]] = h.sim.state.book('BTC_USDT', 1).asks as [[string, string]];
    expect(dec(askAmount).greaterThan('0.01')).toBe(true);
    await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 64100);
    const tickers = await h.rest.fetchTickers();
    expect(Object.keys(tickers).sort()).toEqual(['BTC/USDT', 'DBTC/DUSDT', 'ETH/USDT']);
    const t = tickers[BTC];
    expect(t?.last).toBe(Number(askPrice));
    expect(t?.baseVolume).toBe(0.01);
    expect(dec(t?.quoteVolume).eq(dec(askPrice).times('0.01'))).toBe(true);
  });
});

describe('a symbol the simulator does not list', () => {
  it('a symbol outside the loaded markets is BadSymbol before anything is sent', async () => {
    await expect(h.rest.fetchOrderBook('DOGE/USDT')).rejects.toBeInstanceOf(ccxt.BadSymbol);
    await expect(h.rest.createOrder('DOGE/USDT', 'limit', 'buy', 1, 1)).rejects.toBeInstanceOf(ccxt.BadSymbol);
  });

  it("a market id the simulator does not list reaches it and comes back as WhiteBIT's code 31", async () => {
    // ccxt maps only the v1 form "Market is not available" (no period) to BadSymbol; v4's 422 code 31
    // carries the period, as WhiteBIT's docs show it, so ccxt raises its generic ExchangeError.
    const err: unknown = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000, { market: 'DOGE_USDT' }).catch((e: unknown) => e);
    expect((err as Error).constructor).toBe(ccxt.ExchangeError);
    expect((err as Error).message).toContain('"code":31');
    expect((err as Error).message).toContain('Market is not available.');
    expect(h.sim.state.orders('trader')).toEqual([]);
  });
});
