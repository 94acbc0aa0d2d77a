/**
 * Fault injection over real sockets: closing sockets, dropping/duplicating/reordering/delaying
 * frames, failing requests before or after they execute, REST latency, pausing prices.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type ManualClock, type Simulator } from '../../src/sim/index.js';
import { get, isUpdate, post, WsClient } from './helpers.js';

const A = { id: 'alice', apiKey: 'key-a', apiSecret: 'secret-a', balances: { BTC: '2', USDT: '100000' } };
const B = { id: 'bob', apiKey: 'key-b', apiSecret: 'secret-b', balances: { BTC: '2', USDT: '100000' } };

let sim: Simulator;
const clients: WsClient[] = [];
beforeEach(async () => {
  sim = await startSimulator({ port: 0, seed: 11, priceProcess: false, clock: 'manual', accounts: [A, B] });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim.close();
});

const rest =
  (acct: typeof A) =>
  (path: string, params: Record<string, unknown> = {}) =>
    post(sim.restUrl, path, params, { apiKey: acct.apiKey, apiSecret: acct.apiSecret });
const alice = rest(A);
const bob = rest(B);

async function connect(): Promise<WsClient> {
  const c = await WsClient.connect(sim.wsUrl);
  clients.push(c);
  return c;
}
async function subscribedOrders(): Promise<WsClient> {
  const c = await connect();
  const token = ((await alice('/api/v4/profile/websocket_token')).body as { websocket_token: string }).websocket_token;
  await c.request('authorize', [token, 'public']);
  await c.request('ordersPending_subscribe', ['BTC_USDT']);
  return c;
}
const eventIds = (c: WsClient) => c.queued('ordersPending_update').map((f) => f.params?.[0]);

describe('socket faults', () => {
  it('closes all sockets or one by index', async () => {
    const c0 = await connect();
    const c1 = await connect();
    const c2 = await connect();
    expect(sim.faults.closeSockets(1)).toBe(1);
    expect((await c1.closed).code).toBe(1012);
    expect(sim.connections().map((x) => x.serial)).toEqual([0, 2]);
    expect(sim.faults.closeSockets()).toBe(2);
    await c0.closed;
    await c2.closed;
    expect(sim.faults.stats.socketsClosed).toBe(3);
  });
});

describe('frame faults', () => {
  it('duplicates the next ordersPending frame', async () => {
    const c = await subscribedOrders();
    sim.faults.duplicateFrames('ordersPending', { next: 1 });
    await alice('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '60000' });
    await alice('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '60001' });
    await c.request('ping');
    expect(eventIds(c)).toEqual([1, 1, 1]);
    const ids = c.queued('ordersPending_update').map((f) => (f.params?.[1] as { id: number }).id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('reorders: the held frame follows the next one on its channel', async () => {
    const c = await subscribedOrders();
    sim.faults.reorderFrames('ordersPending', { next: 1 });
    await alice('/api/v4/order/new', { market: 'BTC_USDT', side: 'sell', amount: '0.2', price: '64000' });
    await bob('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.1', price: '64000' });
    await c.request('ping');
    expect(eventIds(c)).toEqual([2, 1]);
  });

  it('drops by probability with a seeded die', async () => {
    const c = await subscribedOrders();
    sim.faults.dropFrames('ordersPending', { probability: 0.5 });
    for (let i = 0; i < 20; i++) await alice('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: String(60000 + i) });
    await c.request('ping');
    const got = c.queued('ordersPending_update').length;
    expect(got + sim.faults.stats.framesDropped).toBe(20);
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(20);
  });

  it('delays a reply on the simulator clock', async () => {
    const c = await connect();
    sim.faults.delayFrames('reply', { next: 1, delayMs: 500 });
    const first = c.request('ping');
    expect((await c.request('time')).error).toBeNull();
    expect(c.log.map((f) => f.id)).toEqual([2]);
    sim.advance(500);
    await first;
    expect(c.log.map((f) => f.id)).toEqual([2, 1]);
  });
});

describe('request faults', () => {
  it('fails the next N requests on a path before they execute (gateway 503, non-JSON)', async () => {
    sim.faults.failRequests({ status: 503, count: 2, path: '/api/v4/order/new' });
    const order = { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '60000' };
    expect((await get(sim.restUrl, '/api/v4/public/ping')).status).toBe(200); // other paths untouched
    for (let i = 0; i < 2; i++) {
      const r = await alice('/api/v4/order/new', order);
      expect(r.status).toBe(503);
      expect(r.contentType).toBe('text/html');
    }
    expect(sim.state.orders('alice')).toEqual([]);
    expect((await alice('/api/v4/order/new', order)).status).toBe(200);
  });

  it('with after: true executes the request and loses the answer (unknown outcome)', async () => {
    sim.faults.failRequests({ status: 500, path: '/api/v4/order/new', after: true });
    const r = await alice('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'lost-1' });
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: ['Internal server error.'] });
    const found = (await alice('/api/v4/orders', { market: 'BTC_USDT', clientOrderId: 'lost-1' })).body as unknown[];
    expect(found).toHaveLength(1);
  });

  it('answers a gateway 429 burst', async () => {
    sim.faults.failRequests({ status: 429, count: 1 });
    const r = await get(sim.restUrl, '/api/v4/public/markets');
    expect(r.status).toBe(429);
    expect(r.body).toBeUndefined();
    expect((await get(sim.restUrl, '/api/v4/public/markets')).status).toBe(200);
  });

  it('adds REST latency on the simulator clock', async () => {
    sim.faults.setRestLatency(300);
    const clock = sim.clock as ManualClock;
    const before = clock.pending;
    let settled = false;
    const pending = get(sim.restUrl, '/api/v4/public/time').then((r) => {
      settled = true;
      return r;
    });
    // Yield (not sleep) until the request has reached the server and parked on the clock.
    for (let i = 0; i < 1_000 && clock.pending === before; i++) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    sim.advance(300);
    expect((await pending).status).toBe(200);
  });
});

describe('trickled answers', () => {
  it('executes the request, then sends its body one byte per interval of the simulator clock', async () => {
    sim.faults.trickleResponses({ path: '/api/v4/order/new', byteEveryMs: 1_000 });
    let settled = false;
    const pending = alice('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'slow-1' }).then((r) => {
      settled = true;
      return r;
    });
    // Yield (not sleep) until the order exists: the request took effect before its answer went out.
    for (let i = 0; i < 1_000 && sim.state.orders('alice').length === 0; i++) await new Promise((r) => setImmediate(r));
    expect(sim.state.orders('alice')).toHaveLength(1);
    // One byte is out; the clock has not moved, so the answer is not complete.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    for (let i = 0; i < 2_000 && !settled; i++) {
      sim.advance(1_000);
      await new Promise((r) => setImmediate(r));
    }
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ clientOrderId: 'slow-1' });
    expect(sim.faults.stats.requestsTrickled).toBe(1);
    // Only the next request was trickled.
    expect((await get(sim.restUrl, '/api/v4/public/time')).status).toBe(200);
  });
});

describe('price faults', () => {
  it('pauses and resumes the price process', async () => {
    await sim.close();
    sim = await startSimulator({ port: 0, seed: 11, clock: 'manual', tickMs: 100, accounts: [A] });
    const id0 = sim.state.updateId('BTC_USDT');
    sim.faults.pausePrices();
    sim.advance(1_000);
    expect(sim.state.updateId('BTC_USDT')).toBe(id0);
    sim.faults.resumePrices();
    sim.advance(1_000);
    expect(sim.state.updateId('BTC_USDT')).toBeGreaterThan(id0);
  });

  it('a WS client sees its subscription frames stop after closeSockets and can reconnect', async () => {
    const c = await subscribedOrders();
    sim.faults.closeSockets('all');
    await c.closed;
    const again = await subscribedOrders();
    await alice('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '60000' });
    expect((await again.next(isUpdate('ordersPending_update'))).params?.[0]).toBe(1);
  });
});
