/**
 * The paper exchange against a second local simulator playing live WhiteBIT (its public REST and
 * WS only): the live book is mirrored, a paper order fills when the upstream price moves through it,
 * and a lost feed stops trading (clients' sockets closed, REST 503) until the books are resynced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { D } from '../../../src/sim/decimal.js';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { startPaperExchange, type PaperExchange } from '../../../src/sim/paper/index.js';
import { WsClient, get, post } from '../helpers.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

async function pair(): Promise<{ upstream: Simulator; paper: PaperExchange }> {
  const upstream = await startSimulator({ tickMs: 0, rateLimits: false, depthIntervalMs: 0 });
  open.push(upstream);
  const paper = await startPaperExchange({
    markets: ['BTC_USDT'],
    upstream: { rest: upstream.restUrl, ws: upstream.wsUrl },
    reconnectMs: 50,
    simulator: { rateLimits: false },
  });
  open.push(paper);
  return { upstream, paper };
}

const sameBook = async (paper: PaperExchange, upstream: Simulator): Promise<void> => {
  const want = upstream.state.book('BTC_USDT', 100);
  for (let i = 0; i < 200 && JSON.stringify(paper.state.book('BTC_USDT', 100)) !== JSON.stringify(want); i++) {
    await paper.waitFor((e) => e.type === 'depth');
  }
  expect(paper.state.book('BTC_USDT', 100)).toEqual(want);
};

describe('paper exchange on a live feed', () => {
  it('serves the upstream markets, book and last price, and none of the upstream accounts', async () => {
    const { upstream, paper } = await pair();
    expect(paper.feedState()).toBe('live');
    const markets = (await get(paper.restUrl, '/api/v4/public/markets')).body as { name: string; minTotal: string }[];
    expect(markets.map((m) => [m.name, m.minTotal])).toEqual([['BTC_USDT', '5.05']]);
    await sameBook(paper, upstream);
    expect(paper.state.lastPrice('BTC_USDT')).toBe(upstream.state.lastPrice('BTC_USDT'));
    expect(paper.state.balances('demo').BTC).toEqual({ available: '1', freeze: '0' });
  });

  it('fills a resting paper order at its own price, as maker, when the upstream book moves through it', async () => {
    const { upstream, paper } = await pair();
    const creds = { apiKey: paper.apiKey, apiSecret: paper.apiSecret };
    const placed = await post(paper.restUrl, '/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '63000' }, creds);
    expect(placed.status).toBe(200);
    const filled = paper.waitFor((e) => e.type === 'order' && e.accountId === 'demo' && e.event === 3);
    upstream.setPrice('BTC_USDT', '62000');
    await filled;
    // Whether the book or (once the upstream prints public trades) a trade filled it: at its own price, as maker, in full.
    const deals = paper.state.fills('demo');
    expect(new Set(deals.map((d) => `${d.price} ${d.role}`))).toEqual(new Set(['63000 1']));
    expect(deals.reduce((sum, d) => sum.plus(d.amount), new D(0)).toFixed()).toBe('0.01');
    // Nothing happened upstream to anyone's account: the paper fill is local.
    expect(upstream.state.fills('demo')).toEqual([]);
  });

  it('stops trading when the feed is lost (clients disconnected, REST 503) and resyncs the book when it is back', async () => {
    const { upstream, paper } = await pair();
    const client = await WsClient.connect(paper.wsUrl);
    expect((await get(paper.restUrl, '/api/v4/public/ping')).status).toBe(200);

    const down = new Promise<void>((resolve) => paper.onFeedState((s) => s === 'down' && resolve()));
    upstream.faults.closeSockets('all');
    await down;
    expect((await client.closed).code).toBe(1012);
    expect(paper.state.book('BTC_USDT')).toEqual({ asks: [], bids: [] });
    expect((await get(paper.restUrl, '/api/v4/public/ping')).status).toBe(503);
    const refused = await WsClient.connect(paper.wsUrl);
    expect((await refused.closed).code).toBe(1013);

    upstream.setPrice('BTC_USDT', '65000');
    await paper.whenLive();
    expect((await get(paper.restUrl, '/api/v4/public/ping')).status).toBe(200);
    await sameBook(paper, upstream);
    expect(paper.lastLoss()).toMatch(/upstream closed the socket \(1012/);
  });
});
