/**
 * Every endpoint of WhitebitRestClient against a local node:http server: method, path, headers,
 * signature (recomputed here with node:crypto), body = base64-decoded payload, and the typed result.
 */
import { createHmac } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhitebitError } from '../../../src/adapters/whitebit/codec/errors.js';
import { WhitebitRestClient } from '../../../src/adapters/whitebit/index.js';
import { fixture } from './support/fixtures.js';
import { HttpStub, type RecordedRequest } from './support/http-stub.js';
import { InstantClock, ManualClock } from './support/manual-clock.js';

const KEY = 'test-api-key';
const SECRET = 'test-api-secret';

let stub: HttpStub;
let client: WhitebitRestClient;

beforeEach(async () => {
  stub = await new HttpStub().start();
  client = new WhitebitRestClient({ baseUrl: stub.url, apiKey: KEY, apiSecret: SECRET, clock: new InstantClock(), random: () => 0.5 });
});

afterEach(async () => {
  await client.close();
  await stub.close();
});

/** Checks a signed request independently of the signer and returns its parsed body. */
function verifySigned(req: RecordedRequest, path: string): Record<string, unknown> {
  expect(req.method).toBe('POST');
  expect(req.url).toBe(path);
  expect(req.headers['content-type']).toBe('application/json');
  expect(req.headers['x-txc-apikey']).toBe(KEY);
  const payload = req.headers['x-txc-payload'];
  expect(typeof payload).toBe('string');
  expect(Buffer.from(payload as string, 'base64').toString('utf8')).toBe(req.body);
  expect(req.headers['x-txc-signature']).toBe(
    createHmac('sha512', SECRET)
      .update(payload as string)
      .digest('hex'),
  );
  const body = JSON.parse(req.body) as Record<string, unknown>;
  expect(body['request']).toBe(path);
  expect(body['nonce']).toMatch(/^\d{13,}$/);
  expect(body['nonceWindow']).toBe(true);
  return body;
}

function paramsOf(body: Record<string, unknown>): Record<string, unknown> {
  const { request: _r, nonce: _n, nonceWindow: _w, ...rest } = body;
  return rest;
}

describe('public endpoints (GET, unsigned)', () => {
  it('publicMarkets', async () => {
    stub.json(200, fixture('rest_get_public_markets.json'));
    const markets = await client.publicMarkets();
    const req = stub.requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.url).toBe('/api/v4/public/markets');
    expect(req.headers['x-txc-apikey']).toBeUndefined();
    expect(req.body).toBe('');
    expect(markets[1]).toMatchObject({ name: 'BTC_USD', stockPrec: '6', moneyPrec: '2', minTotal: '1', delistedAt: null });
  });

  it('publicTicker', async () => {
    stub.json(200, fixture('rest_get_public_ticker.json'));
    const t = await client.publicTicker();
    expect(stub.requests[0]?.url).toBe('/api/v4/public/ticker');
    expect(t['BTC_USDT']?.last_price).toBe('64010.5');
  });

  it('publicOrderbook with limit and level in the query', async () => {
    stub.json(200, fixture('rest_get_public_orderbook.json'));
    const book = await client.publicOrderbook('BTC_USDT', { limit: 5, level: 2 });
    expect(stub.requests[0]?.url).toBe('/api/v4/public/orderbook/BTC_USDT?limit=5&level=2');
    expect(book.asks[0]).toEqual(['64011.1', '0.412']);
    expect(book.bids[1]).toEqual(['64009.9', '0.77']);
  });

  it('publicOrderbook refuses a market that would change the path, before sending', async () => {
    await expect(client.publicOrderbook('../private')).rejects.toMatchObject({ kind: 'invalidRequest' });
    await expect(client.publicOrderbook('BTC_USDT', { limit: 101 })).rejects.toMatchObject({ kind: 'invalidRequest' });
    expect(stub.requests).toHaveLength(0);
  });

  it('publicTime and publicPing', async () => {
    stub.json(200, { time: 1631451591 }).json(200, ['pong']);
    expect(await client.publicTime()).toEqual({ time: 1631451591 });
    expect(await client.publicPing()).toEqual(['pong']);
    expect(stub.requests.map((r) => r.url)).toEqual(['/api/v4/public/time', '/api/v4/public/ping']);
  });

  it('syncTime corrects the nonce for a skewed local clock', async () => {
    // InstantClock starts at 1_700_000_000_000; the server says 100 s later.
    stub.json(200, { time: 1_700_000_100 }).json(200, fixture('rest_post_orders.json'));
    const offset = await client.syncTime();
    expect(offset).toBe(100_000);
    await client.orders({ market: 'BTC_USDT' });
    expect(Number(JSON.parse(stub.requests[1]!.body).nonce)).toBe(1_700_000_100_000);
  });

  it('public calls work without credentials; private ones fail fatally without sending', async () => {
    const anon = new WhitebitRestClient({ baseUrl: stub.url });
    try {
      stub.json(200, ['pong']);
      expect(await anon.publicPing()).toEqual(['pong']);
      const e = await anon.orders().catch((x: unknown) => x);
      expect(WhitebitError.is(e) && e.kind).toBe('unauthorized');
      expect(stub.requests).toHaveLength(1);
    } finally {
      await anon.close();
    }
  });
});

describe('private endpoints (POST, signed)', () => {
  const order = fixture('rest_post_order_new.json');

  const cases: {
    name: string;
    path: string;
    reply: unknown;
    call: (c: WhitebitRestClient) => Promise<unknown>;
    params: Record<string, unknown>;
    result: unknown;
  }[] = [
    {
      name: 'tradeAccountBalance (all assets)',
      path: '/api/v4/trade-account/balance',
      reply: { BTC: { available: '0.5', freeze: '0.01' } },
      call: (c) => c.tradeAccountBalance(),
      params: {},
      result: { BTC: { available: '0.5', freeze: '0.01' } },
    },
    {
      name: 'tradeAccountBalance (one ticker, flat)',
      path: '/api/v4/trade-account/balance',
      reply: { available: '128999.065109', freeze: '0' },
      call: (c) => c.tradeAccountBalance({ ticker: 'USDT' }),
      params: { ticker: 'USDT' },
      result: { available: '128999.065109', freeze: '0' },
    },
    {
      name: 'orderNew with clientOrderId and postOnly',
      path: '/api/v4/order/new',
      reply: order,
      call: (c) => c.orderNew({ market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '40000', clientOrderId: 'grid-btc-b-0007', postOnly: true }),
      params: { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '40000', clientOrderId: 'grid-btc-b-0007', postOnly: true },
      result: expect.objectContaining({ orderId: 4180284841, clientOrderId: 'grid-btc-b-0007', left: '0.01' }),
    },
    {
      name: 'orderCancel by orderId',
      path: '/api/v4/order/cancel',
      reply: { ...(order as object), status: 'CANCELED' },
      call: (c) => c.orderCancel({ market: 'BTC_USDT', orderId: 4180284841 }),
      params: { market: 'BTC_USDT', orderId: 4180284841 },
      result: expect.objectContaining({ status: 'CANCELED' }),
    },
    {
      name: 'orderCancel by clientOrderId',
      path: '/api/v4/order/cancel',
      reply: order,
      call: (c) => c.orderCancel({ market: 'BTC_USDT', clientOrderId: 'grid-btc-b-0007' }),
      params: { market: 'BTC_USDT', clientOrderId: 'grid-btc-b-0007' },
      result: expect.objectContaining({ orderId: 4180284841 }),
    },
    {
      name: 'orderCancelAll (one market, spot)',
      path: '/api/v4/order/cancel/all',
      reply: [],
      call: (c) => c.orderCancelAll({ market: 'BTC_USDT', type: ['spot'] }),
      params: { market: 'BTC_USDT', type: ['spot'] },
      result: undefined,
    },
    {
      name: 'orders (paged)',
      path: '/api/v4/orders',
      reply: fixture('rest_post_orders.json'),
      call: (c) => c.orders({ market: 'BTC_USDT', offset: 100, limit: 100 }),
      params: { market: 'BTC_USDT', offset: 100, limit: 100 },
      result: [expect.objectContaining({ orderId: 3686033640, amount: '2.241379' })],
    },
    {
      name: 'executedHistory with market (flat list)',
      path: '/api/v4/trade-account/executed-history',
      reply: fixture('rest_post_trade_account_executed_history.json'),
      call: (c) => c.executedHistory({ market: 'SUI_USDT', limit: 100 }),
      params: { market: 'SUI_USDT', limit: 100 },
      result: [expect.objectContaining({ id: 8846967538, feeAsset: 'SUI', price: '3.3419' })],
    },
    {
      name: 'executedHistory without market (keyed by market)',
      path: '/api/v4/trade-account/executed-history',
      reply: { SUI_USDT: fixture('rest_post_trade_account_executed_history.json') },
      call: (c) => c.executedHistory({ startDate: 1739310000 }),
      params: { startDate: 1739310000 },
      result: { SUI_USDT: [expect.objectContaining({ orderId: 1164603916051 })] },
    },
    {
      name: 'tradeAccountOrder (deals of one order)',
      path: '/api/v4/trade-account/order',
      reply: fixture('rest_post_trade_account_order.json'),
      call: (c) => c.tradeAccountOrder({ orderId: 3134995325, limit: 50 }),
      params: { orderId: 3134995325, limit: 50 },
      result: expect.objectContaining({ offset: 0, records: [expect.objectContaining({ dealOrderId: 3134995325 })] }),
    },
    {
      name: 'orderHistory by clientOrderId',
      path: '/api/v4/trade-account/order/history',
      reply: fixture('rest_post_trade_account_order_history.json'),
      call: (c) => c.orderHistory({ market: 'BTC_USDT', clientOrderId: 'grid-btc-b-0007' }),
      params: { market: 'BTC_USDT', clientOrderId: 'grid-btc-b-0007' },
      result: { BTC_USDT: [expect.objectContaining({ status: 'FILLED', dealStock: '0.01' })] },
    },
    {
      name: 'killSwitchArm (string timeout, types)',
      path: '/api/v4/order/kill-switch',
      reply: fixture('rest_post_order_kill_switch.json'),
      call: (c) => c.killSwitchArm({ market: 'BTC_USDT', timeout: '60', types: ['spot'] }),
      params: { market: 'BTC_USDT', timeout: '60', types: ['spot'] },
      result: { market: 'BTC_USDT', startTime: 1662478154, cancellationTime: 1662478214, types: ['spot'] },
    },
    {
      name: 'killSwitchDisarm (timeout null)',
      path: '/api/v4/order/kill-switch',
      reply: [],
      call: (c) => c.killSwitchDisarm('BTC_USDT'),
      params: { market: 'BTC_USDT', timeout: null },
      result: undefined,
    },
    {
      name: 'killSwitchStatus',
      path: '/api/v4/order/kill-switch/status',
      reply: fixture('rest_post_order_kill_switch_status.json'),
      call: (c) => c.killSwitchStatus({ market: 'BTC_USDT' }),
      params: { market: 'BTC_USDT' },
      result: [expect.objectContaining({ types: ['spot', 'margin'] })],
    },
    {
      name: 'websocketToken',
      path: '/api/v4/profile/websocket_token',
      reply: { websocket_token: 'opaque.token' },
      call: (c) => c.websocketToken(),
      params: {},
      result: 'opaque.token',
    },
  ];

  it.each(cases)('$name', async ({ path, reply, call, params, result }) => {
    stub.json(200, reply);
    const got = await call(client);
    expect(stub.requests).toHaveLength(1);
    const body = verifySigned(stub.requests[0]!, path);
    expect(paramsOf(body)).toEqual(params);
    expect(got).toEqual(result);
  });

  it('orderBulk: one result per item, rejections as values with named kinds', async () => {
    stub.json(200, fixture('rest_post_order_bulk.json'));
    const orders = [
      { market: 'BTC_USDT', side: 'buy', amount: '0.001', price: '59900', postOnly: true, clientOrderId: 'g-b-1' },
      { market: 'BTC_USDT', side: 'sell', amount: '0.001', price: '60100', postOnly: true, clientOrderId: 'g-s-1' },
    ] as const;
    const res = await client.orderBulk({ orders, stopOnFail: false });
    const body = verifySigned(stub.requests[0]!, '/api/v4/order/bulk');
    expect(paramsOf(body)).toEqual({ orders, stopOnFail: false });
    expect(res[0]).toMatchObject({ status: 'rejected', error: { kind: 'notEnoughBalance', code: 10 } });
    expect(res[1]).toMatchObject({ status: 'placed', order: { orderId: 4330889006, clientOrderId: 'g-s-1' } });
  });

  it('orderBulk with stopOnFail marks unprocessed items as skipped', async () => {
    stub.json(200, [{ result: null, error: { code: 13, message: 'Inner validation failed', errors: {} } }]);
    const o = { market: 'BTC_USDT', side: 'buy', amount: '1', price: '1' } as const;
    const res = await client.orderBulk({ orders: [o, o, o], stopOnFail: true });
    expect(res.map((r) => r.status)).toEqual(['rejected', 'skipped', 'skipped']);
  });

  it('orderBulk: a short answer without stopOnFail is an unknown outcome', async () => {
    stub.json(200, []);
    const o = { market: 'BTC_USDT', side: 'buy', amount: '1', price: '1' } as const;
    const e = (await client.orderBulk({ orders: [o] }).catch((x: unknown) => x)) as WhitebitError;
    expect(e.kind).toBe('decode');
    expect(e.idempotent).toBe(false);
  });

  it('sends the request synchronously when a token is available (no await hop)', () => {
    const created: unknown[] = [];
    const onCreate = (m: unknown): void => void created.push(m);
    diagnostics.subscribe('undici:request:create', onCreate);
    try {
      stub.json(200, order);
      const p = client.orderNew({ market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '40000' });
      expect(created).toHaveLength(1);
      return p;
    } finally {
      diagnostics.unsubscribe('undici:request:create', onCreate);
    }
  });

  it('gives concurrent callers unique, increasing nonces', async () => {
    stub.setFallback({ status: 200, json: order });
    const created: string[] = [];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.orderNew({ market: 'BTC_USDT', side: 'buy', amount: '1', price: String(100 + i) }).then(() => undefined)),
    );
    for (const r of stub.requests) created.push(String(JSON.parse(r.body).nonce));
    expect(new Set(created).size).toBe(60);
    // In price order = call order, the nonces increase strictly.
    const byCall = [...stub.requests]
      .sort((a, b) => Number(JSON.parse(a.body).price) - Number(JSON.parse(b.body).price))
      .map((r) => BigInt(JSON.parse(r.body).nonce as string));
    for (let i = 1; i < byCall.length; i++) expect(byCall[i]! > byCall[i - 1]!).toBe(true);
  });
});

describe('client-side validation (typed error, nothing sent)', () => {
  const o = { market: 'BTC_USDT', side: 'buy', amount: '1', price: '1' } as const;
  it.each([
    ['bulk with 0 items', (c: WhitebitRestClient) => c.orderBulk({ orders: [] })],
    ['bulk with 21 items', (c: WhitebitRestClient) => c.orderBulk({ orders: Array.from({ length: 21 }, () => o) })],
    ['bulk across markets', (c: WhitebitRestClient) => c.orderBulk({ orders: [o, { ...o, market: 'ETH_USDT' }] })],
    ['kill-switch timeout 4', (c: WhitebitRestClient) => c.killSwitchArm({ market: 'BTC_USDT', timeout: '4' })],
    ['kill-switch timeout 601', (c: WhitebitRestClient) => c.killSwitchArm({ market: 'BTC_USDT', timeout: '601' })],
    ['kill-switch timeout not integer', (c: WhitebitRestClient) => c.killSwitchArm({ market: 'BTC_USDT', timeout: '5.5' })],
    ['kill-switch numeric timeout', (c: WhitebitRestClient) => c.killSwitchArm({ market: 'BTC_USDT', timeout: 60 as unknown as string })],
    ['kill-switch unknown type', (c: WhitebitRestClient) => c.killSwitchArm({ market: 'BTC_USDT', timeout: '60', types: ['options' as 'spot'] })],
    ['cancel with both ids', (c: WhitebitRestClient) => c.orderCancel({ market: 'BTC_USDT', orderId: 1, clientOrderId: 'a' } as never)],
    ['cancel with neither id', (c: WhitebitRestClient) => c.orderCancel({ market: 'BTC_USDT' } as never)],
    ['cancel without market', (c: WhitebitRestClient) => c.orderCancel({ market: '', orderId: 1 })],
    ['cancel-all without market', (c: WhitebitRestClient) => c.orderCancelAll({ market: '' })],
    ['order with numeric amount', (c: WhitebitRestClient) => c.orderNew({ ...o, amount: 1 as unknown as string })],
    ['order with exponent price', (c: WhitebitRestClient) => c.orderNew({ ...o, price: '1e-8' })],
    ['order with zero amount', (c: WhitebitRestClient) => c.orderNew({ ...o, amount: '0.000' })],
    ['order with bad clientOrderId', (c: WhitebitRestClient) => c.orderNew({ ...o, clientOrderId: 'has space' })],
    ['order with 65-char clientOrderId', (c: WhitebitRestClient) => c.orderNew({ ...o, clientOrderId: 'a'.repeat(65) })],
    ['order with ioc and postOnly', (c: WhitebitRestClient) => c.orderNew({ ...o, ioc: true, postOnly: true })],
    ['orders limit 101', (c: WhitebitRestClient) => c.orders({ limit: 101 })],
  ])('%s', async (_name, call) => {
    const e = await call(client).catch((x: unknown) => x);
    expect(WhitebitError.is(e) && e.kind).toBe('invalidRequest');
    expect(stub.requests).toHaveLength(0);
  });

  it('accepts the bounds: 20 items, timeouts "5" and "600"', async () => {
    stub.json(
      200,
      Array.from({ length: 20 }, () => ({ result: fixture('rest_post_order_new.json'), error: null })),
    );
    stub.json(200, fixture('rest_post_order_kill_switch.json')).json(200, fixture('rest_post_order_kill_switch.json'));
    await expect(client.orderBulk({ orders: Array.from({ length: 20 }, () => o) })).resolves.toHaveLength(20);
    await client.killSwitchArm({ market: 'BTC_USDT', timeout: '5' });
    await client.killSwitchArm({ market: 'BTC_USDT', timeout: '600' });
    expect(stub.requests).toHaveLength(3);
  });
});

describe('rate limiting inside the client', () => {
  it('queues a call over budget until a token refills, and an aborted waiter sends nothing', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const c = new WhitebitRestClient({
      baseUrl: stub.url,
      apiKey: KEY,
      apiSecret: SECRET,
      clock,
      rateLimits: { 'profile/websocket_token': { limit: 3, windowMs: 60_000 } },
    });
    try {
      stub.setFallback({ status: 200, json: { websocket_token: 't' } });
      await c.websocketToken();
      const ac = new AbortController();
      const aborted = c.websocketToken({ signal: ac.signal }).catch((e: unknown) => e);
      const queued = c.websocketToken();
      ac.abort();
      expect(await aborted).toMatchObject({ kind: 'aborted', sent: false });
      await clock.advance(59_999);
      expect(stub.requests).toHaveLength(1);
      await clock.advance(1);
      await expect(queued).resolves.toBe('t');
      expect(stub.requests).toHaveLength(2);
    } finally {
      await c.close();
    }
  });
});
