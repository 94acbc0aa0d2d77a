/**
 * The paper exchange's trade-driven fills and its stale-feed guard, against a scripted upstream
 * WebSocket (fake-upstream.ts; the REST side is a local simulator): a live trade fills a resting paper
 * order only after the live queue ahead of it, the trades snapshot never fills, and an upstream that
 * stops talking takes the exchange down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/sim/index.js';
import { startPaperExchange, type PaperExchange } from '../../../src/sim/paper/index.js';
import { WsClient, get, post } from '../helpers.js';
import { FakeUpstream } from './fake-upstream.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

const NOW_S = Date.now() / 1000;
// A sell far through any bid, printed before we subscribed: history, never a fill.
const PAST = [{ id: 500, time: NOW_S - 5, price: '60000', amount: '10', type: 'sell', rpi: false }];

async function start(options: { staleMs?: number } = {}): Promise<{ fake: FakeUpstream; paper: PaperExchange }> {
  const rest = await startSimulator({ tickMs: 0, rateLimits: false, priceProcess: false });
  open.push(rest);
  const fake = await FakeUpstream.start({ asks: [['64100', '1']], bids: [['63900', '1.5']] }, PAST);
  open.push(fake);
  const paper = await startPaperExchange({
    markets: ['BTC_USDT'],
    upstream: { rest: rest.restUrl, ws: fake.url },
    reconnectMs: 60_000,
    ...(options.staleMs === undefined ? {} : { staleMs: options.staleMs, pingMs: options.staleMs / 4 }),
    simulator: { rateLimits: false },
  });
  open.push(paper);
  return { fake, paper };
}

describe('paper exchange: fills from live trades', () => {
  it('fills a resting bid from a live sell at its price only after the live queue ahead of it', async () => {
    const { fake, paper } = await start();
    const creds = { apiKey: paper.apiKey, apiSecret: paper.apiSecret };
    expect(paper.state.fills('demo')).toEqual([]);
    expect(paper.state.trades('BTC_USDT').map((t) => t.id)).toEqual([500]);
    const placed = await post(paper.restUrl, '/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '1', price: '63900' }, creds);
    expect(placed.status).toBe(200);

    // 1 of the 1.5 live BTC queued ahead of us at 63900 trades: still ahead of us.
    let trade = paper.waitFor((e) => e.type === 'trade' && e.trade.id === 501);
    fake.trades('BTC_USDT', [{ id: 501, time: NOW_S, price: '63900', amount: '1', type: 'sell', rpi: false }]);
    await trade;
    expect(paper.state.fills('demo')).toEqual([]);

    // 0.7 more: 0.5 finishes the queue, 0.2 is ours.
    const deal = paper.waitFor((e) => e.type === 'deal' && e.accountId === 'demo');
    fake.trades('BTC_USDT', [{ id: 502, time: NOW_S, price: '63900', amount: '0.7', type: 'sell', rpi: false }]);
    const got = await deal;
    expect(got.type === 'deal' && [got.deal.price, got.deal.amount.toFixed(), got.deal.role]).toEqual(['63900', '0.2', 1]);

    // A sell through our price fills the rest at our price; a repeated id is ignored.
    trade = paper.waitFor((e) => e.type === 'trade' && e.trade.id === 503);
    fake.trades('BTC_USDT', [
      { id: 503, time: NOW_S, price: '63800', amount: '5', type: 'sell', rpi: false },
      { id: 502, time: NOW_S, price: '63900', amount: '0.7', type: 'sell', rpi: false },
    ]);
    await trade;
    expect(paper.state.fills('demo').map((d) => [d.price, d.amount.toFixed()])).toEqual([
      ['63900', '0.8'],
      ['63900', '0.2'],
    ]);
    expect(paper.state.orders('demo')).toEqual([]);
  });

  it('goes down when the upstream stops talking: clients disconnected, REST 503', async () => {
    const { fake, paper } = await start({ staleMs: 400 });
    const client = await WsClient.connect(paper.wsUrl);
    const down = new Promise<void>((resolve) => paper.onFeedState((s) => s === 'down' && resolve()));
    fake.answering = false;
    await down;
    expect(paper.lastLoss()).toBe('no frame for 400 ms');
    expect((await client.closed).code).toBe(1012);
    expect((await get(paper.restUrl, '/api/v4/public/markets')).status).toBe(503);
  });
});
