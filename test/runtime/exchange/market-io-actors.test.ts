/**
 * The market IO actors over the real WhitebitRestClient against a node:http stub on 127.0.0.1:0:
 * what goes on the wire (market and spot type always named) and how answers and errors map.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnyActorLogic, createActor, toPromise } from 'xstate';
import { WhitebitRestClient } from '../../../src/adapters/whitebit/index.js';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import {
  createArmKillSwitch,
  createCancelAll,
  createCancelOrders,
  createDisarmKillSwitch,
  createFetchExchange,
  createLoadMarket,
  createPlaceBatch,
} from '../../../src/runtime/exchange/market-io-actors.js';
import { createOrderRouter } from '../../../src/runtime/exchange/order-router.js';
import { fixture } from '../../adapters/whitebit/support/fixtures.js';
import { HttpStub, type RecordedRequest } from '../../adapters/whitebit/support/http-stub.js';
import { InstantClock } from '../../adapters/whitebit/support/manual-clock.js';
import { intentsOf } from './support/stub-rest.js';

let stub: HttpStub;
let rest: WhitebitRestClient;
type Handler = (req: RecordedRequest) => { status: number; json?: unknown; body?: string };
let routes: Record<string, Handler>;

beforeEach(async () => {
  stub = await new HttpStub().start();
  routes = {};
  stub.setFallback((req, _raw, res) => {
    const path = req.url.split('?')[0] ?? '';
    const handler = routes[path] ?? routes[path.replace(/\/[A-Z_]+$/, '/{market}')];
    const r = handler ? handler(req) : { status: 404, body: '' };
    res.writeHead(r.status, { 'content-type': r.json === undefined ? 'text/html' : 'application/json' });
    res.end(r.json === undefined ? (r.body ?? '') : JSON.stringify(r.json));
  });
  rest = new WhitebitRestClient({
    baseUrl: stub.url,
    apiKey: 'k',
    apiSecret: 's',
    clock: new InstantClock(),
    random: () => 0.5,
    retry: { maxAttempts: 2 },
  });
});

afterEach(async () => {
  await rest.close();
  await stub.close();
});

function run<T>(logic: AnyActorLogic, input: unknown): Promise<T> {
  const actor = createActor(logic, { input });
  actor.start();
  return toPromise(actor) as Promise<T>;
}

const bodyOf = (req: RecordedRequest | undefined) => JSON.parse(req?.body ?? '{}') as Record<string, unknown>;
const ticker = (last: string) => ({
  BTC_USDT: { base_id: 1, quote_id: 825, last_price: last, quote_volume: '1', base_volume: '1', isFrozen: false, change: '0' },
});
const markets = () => [
  ...(fixture('rest_get_public_markets.json') as object[]),
  {
    name: 'BTC_USDT',
    stock: 'BTC',
    money: 'USDT',
    stockPrec: '6',
    moneyPrec: '2',
    feePrec: '6',
    makerFee: '0.1',
    takerFee: '0.1',
    minAmount: '0.00001',
    minTotal: '5.05',
    maxTotal: '0',
    tradesEnabled: true,
    type: 'futures',
  },
  {
    name: 'BTC_USDT',
    stock: 'BTC',
    money: 'USDT',
    stockPrec: '6',
    moneyPrec: '2',
    feePrec: '6',
    makerFee: '0.1',
    takerFee: '0.1',
    minAmount: '0.00001',
    minTotal: '5.05',
    maxTotal: '0',
    tradesEnabled: true,
    type: 'spot',
  },
];

describe('loadMarket', () => {
  it('builds the spot market rules and takes the ticker last price', async () => {
    routes['/api/v4/public/markets'] = () => ({ status: 200, json: markets() });
    routes['/api/v4/public/ticker'] = () => ({ status: 200, json: ticker('64010.5') });
    const loaded = await run<{ rules: { pricePrecision: number; amountPrecision: number; maxTotal: unknown; quoteAsset: string }; lastPrice: string }>(
      createLoadMarket(rest),
      { market: 'BTC_USDT' },
    );
    expect(loaded.lastPrice).toBe('64010.5');
    expect(loaded.rules).toMatchObject({ pricePrecision: 2, amountPrecision: 6, maxTotal: null, quoteAsset: 'USDT' });
  });

  it('falls back to the order book mid when the ticker has no price', async () => {
    routes['/api/v4/public/markets'] = () => ({ status: 200, json: markets() });
    routes['/api/v4/public/ticker'] = () => ({ status: 200, json: {} });
    routes['/api/v4/public/orderbook/{market}'] = () => ({
      status: 200,
      json: { ticker_id: 'BTC_USDT', timestamp: 1, asks: [['64011.11', '1']], bids: [['64010.50', '1']] },
    });
    const loaded = await run<{ lastPrice: string }>(createLoadMarket(rest), { market: 'BTC_USDT' });
    expect(loaded.lastPrice).toBe('64010.81');
    expect(stub.requests.find((r) => r.url.startsWith('/api/v4/public/orderbook/'))?.url).toBe('/api/v4/public/orderbook/BTC_USDT?limit=1');
  });

  it('rejects an unknown market with a clear message', async () => {
    routes['/api/v4/public/markets'] = () => ({ status: 200, json: markets() });
    routes['/api/v4/public/ticker'] = () => ({ status: 200, json: ticker('1') });
    const e = await run(createLoadMarket(rest), { market: 'NOPE_USDT' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MarketIoError);
    expect(e).toMatchObject({ kind: 'rejected', message: expect.stringContaining('NOPE_USDT is not a tradeable spot market') });
  });

  it('maps a 503 that outlasted the client retries to retry', async () => {
    routes['/api/v4/public/markets'] = () => ({ status: 503, body: 'maintenance' });
    routes['/api/v4/public/ticker'] = () => ({ status: 200, json: ticker('1') });
    await expect(run(createLoadMarket(rest), { market: 'BTC_USDT' })).rejects.toMatchObject({ kind: 'retry' });
  });
});

describe('cancelAll and the kill-switch', () => {
  it('cancel-all always names the market and the spot type', async () => {
    routes['/api/v4/order/cancel/all'] = () => ({ status: 200, json: [] });
    await run(createCancelAll(rest), { market: 'BTC_USDT' });
    expect(bodyOf(stub.requests[0])).toMatchObject({ market: 'BTC_USDT', type: ['spot'] });
  });

  it('arms with a string timeout and spot type, and returns the deadline in ms', async () => {
    routes['/api/v4/order/kill-switch'] = () => ({
      status: 200,
      json: { market: 'BTC_USDT', startTime: 1_700_000_000, cancellationTime: 1_700_000_060, types: ['spot'] },
    });
    const armed = await run<{ cancellationTimeMs: number }>(createArmKillSwitch(rest), { market: 'BTC_USDT', timeoutSec: 60 });
    expect(armed).toEqual({ cancellationTimeMs: 1_700_000_060_000 });
    expect(bodyOf(stub.requests[0])).toMatchObject({ market: 'BTC_USDT', timeout: '60', types: ['spot'] });
  });

  it('disarms with timeout null', async () => {
    routes['/api/v4/order/kill-switch'] = () => ({ status: 200, json: [] });
    await run(createDisarmKillSwitch(rest), { market: 'BTC_USDT' });
    expect(bodyOf(stub.requests[0])).toMatchObject({ market: 'BTC_USDT', timeout: null });
  });

  it('a 401 is fatal', async () => {
    routes['/api/v4/order/cancel/all'] = () => ({ status: 401, json: { code: 10, message: 'Unauthorized request.' } });
    await expect(run(createCancelAll(rest), { market: 'BTC_USDT' })).rejects.toMatchObject({ kind: 'fatal' });
  });
});

describe('placeBatch', () => {
  it('sends order/bulk with postOnly and maps each item (the doc example: balance refusal, then placed)', async () => {
    routes['/api/v4/order/bulk'] = () => ({ status: 200, json: fixture('rest_post_order_bulk.json') });
    const outcomes = await run<{ kind: string; clientOrderId: string; via: string }[]>(createPlaceBatch(rest), { market: 'BTC_USDT', intents: intentsOf(2) });
    expect(outcomes.map((o) => [o.clientOrderId, o.kind, o.via])).toEqual([
      ['g-0', 'rejected', 'rest'],
      ['g-1', 'placed', 'rest'],
    ]);
    const body = bodyOf(stub.requests[0]);
    expect(body['orders']).toEqual([
      { market: 'BTC_USDT', side: 'buy', amount: '0.5', price: '100', clientOrderId: 'g-0', postOnly: true },
      { market: 'BTC_USDT', side: 'sell', amount: '0.5', price: '101', clientOrderId: 'g-1', postOnly: true },
    ]);
  });

  it('a post-only item refusal is a rejected outcome naming the crossed price', async () => {
    routes['/api/v4/order/bulk'] = () => ({
      status: 200,
      json: [
        { result: null, error: { code: 13, message: 'Inner validation failed', errors: { postOnly: ['This order will execute as taker.'] } } },
        { result: null, error: { code: 13, message: 'Inner validation failed', errors: {} } },
      ],
    });
    const outcomes = await run<{ kind: string; reason: string }[]>(createPlaceBatch(rest), { market: 'BTC_USDT', intents: intentsOf(2) });
    expect(outcomes.every((o) => o.kind === 'rejected' && /crossed/.test(o.reason))).toBe(true);
  });

  it('a 5xx after sending gives every intent an unknown outcome (never a rejection)', async () => {
    routes['/api/v4/order/bulk'] = () => ({ status: 502, body: 'bad gateway' });
    const outcomes = await run<{ kind: string }[]>(createPlaceBatch(rest), { market: 'BTC_USDT', intents: intentsOf(3) });
    expect(outcomes.map((o) => o.kind)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(stub.requests).toHaveLength(1); // a placement is never retried after a 5xx
  });

  it('a gateway 429 that outlasted the retries rejects with retry (nothing was sent)', async () => {
    routes['/api/v4/order/bulk'] = () => ({ status: 429, body: 'Too Many Requests' });
    await expect(run(createPlaceBatch(rest), { market: 'BTC_USDT', intents: intentsOf(2) })).rejects.toMatchObject({ kind: 'retry' });
  });

  it('a 401 rejects with fatal', async () => {
    routes['/api/v4/order/bulk'] = () => ({ status: 401, json: { code: 10, message: 'Unauthorized request.' } });
    await expect(run(createPlaceBatch(rest), { market: 'BTC_USDT', intents: intentsOf(2) })).rejects.toMatchObject({ kind: 'fatal' });
  });
});

describe('fetchExchange', () => {
  const order = (id: number) => ({
    orderId: id,
    clientOrderId: `g-${id}`,
    market: 'BTC_USDT',
    side: 'buy',
    type: 'limit',
    timestamp: 1.5,
    dealMoney: '0',
    dealStock: '0',
    amount: '1',
    left: '1',
    dealFee: '0',
    price: '100',
  });
  const deal = (id: number) => ({
    id,
    clientOrderId: `g-${id}`,
    time: 1_700_000_100.25,
    side: 'sell',
    role: 1,
    amount: '0.1',
    price: '101',
    deal: '10.1',
    fee: '0.01',
    orderId: id + 1,
    feeAsset: 'USDT',
  });

  it('reads every page of open orders and executed deals since the given second', async () => {
    routes['/api/v4/orders'] = (req) => {
      const { offset } = bodyOf(req) as { offset: number };
      const n = offset === 0 ? 100 : 3;
      return { status: 200, json: Array.from({ length: n }, (_, i) => order(offset + i + 1)) };
    };
    routes['/api/v4/trade-account/executed-history'] = (req) => {
      const { offset } = bodyOf(req) as { offset: number };
      // The second page repeats the last deal of the first: a new deal arrived between the pages.
      return { status: 200, json: offset === 0 ? Array.from({ length: 100 }, (_, i) => deal(i + 1)) : [deal(100), deal(101)] };
    };
    const snap = await run<{ openOrders: { orderId: number }[]; deals: { dealId: number; side: string; feeAsset: string }[] }>(createFetchExchange(rest), {
      market: 'BTC_USDT',
      sinceSec: 1_700_000_000.9,
    });
    expect(snap.openOrders).toHaveLength(103);
    expect(snap.deals).toHaveLength(101);
    expect(snap.deals[0]).toMatchObject({ dealId: 1, side: 'sell', feeAsset: 'USDT' });
    const orderBodies = stub.requests.filter((r) => r.url === '/api/v4/orders').map(bodyOf);
    expect(orderBodies.map((b) => [b['market'], b['limit'], b['offset']])).toEqual([
      ['BTC_USDT', 100, 0],
      ['BTC_USDT', 100, 100],
    ]);
    const dealBodies = stub.requests.filter((r) => r.url === '/api/v4/trade-account/executed-history').map(bodyOf);
    expect(dealBodies.map((b) => [b['market'], b['startDate'], b['offset']])).toEqual([
      ['BTC_USDT', 1_700_000_000, 0],
      ['BTC_USDT', 1_700_000_000, 100],
    ]);
  });

  it('omits startDate when there is no last deal', async () => {
    routes['/api/v4/orders'] = () => ({ status: 200, json: [] });
    routes['/api/v4/trade-account/executed-history'] = () => ({ status: 200, json: [] });
    await run(createFetchExchange(rest), { market: 'BTC_USDT', sinceSec: null });
    const b = bodyOf(stub.requests.find((r) => r.url === '/api/v4/trade-account/executed-history'));
    expect('startDate' in b).toBe(false);
  });

  it('stops paging after maxPages', async () => {
    routes['/api/v4/orders'] = (req) => ({ status: 200, json: Array.from({ length: 100 }, (_, i) => order((bodyOf(req)['offset'] as number) + i)) });
    routes['/api/v4/trade-account/executed-history'] = () => ({ status: 200, json: [] });
    await expect(run(createFetchExchange(rest, { maxPages: 2 }), { market: 'BTC_USDT', sinceSec: null })).rejects.toMatchObject({
      kind: 'rejected',
      message: expect.stringContaining('more than 2 pages'),
    });
  });
});

describe('cancelOrders', () => {
  it('cancels each id with the market; "not found" counts as done', async () => {
    routes['/api/v4/order/cancel'] = (req) =>
      bodyOf(req)['orderId'] === 2
        ? { status: 400, json: { code: 2, message: 'Inner validation failed', errors: { orderId: ['Unexecuted order was not found.'] } } }
        : { status: 200, json: { ...(fixture('rest_post_order_new.json') as object), orderId: bodyOf(req)['orderId'] } };
    const out = await run<{ orderId: number; ok: boolean; via: string }[]>(createCancelOrders(createOrderRouter({ rest, socket: null })), {
      market: 'BTC_USDT',
      orderIds: [1, 2],
    });
    expect(out.map((o) => [o.orderId, o.ok, o.via])).toEqual([
      [1, true, 'rest'],
      [2, true, 'rest'],
    ]);
    expect(stub.requests.map((r) => bodyOf(r)['market'])).toEqual(['BTC_USDT', 'BTC_USDT']);
  });

  it('reports other refusals per order and a 401 as fatal', async () => {
    routes['/api/v4/order/cancel'] = () => ({
      status: 422,
      json: { code: 31, message: 'Validation failed', errors: { market: ['Market is not available.'] } },
    });
    const out = await run<{ ok: boolean; reason: string }[]>(createCancelOrders(createOrderRouter({ rest, socket: null })), {
      market: 'BTC_USDT',
      orderIds: [7],
    });
    expect(out[0]).toMatchObject({ ok: false, reason: expect.stringContaining('unknownMarket') });
    routes['/api/v4/order/cancel'] = () => ({ status: 401, json: { code: 10, message: 'Unauthorized request.' } });
    await expect(run(createCancelOrders(createOrderRouter({ rest, socket: null })), { market: 'BTC_USDT', orderIds: [7] })).rejects.toMatchObject({
      kind: 'fatal',
    });
  });
});
