/**
 * The simulator's WebSocket API over real sockets with a raw `ws` client, under a manual clock.
 * A `ping` round trip is the barrier that proves no frame is still in flight: the server sends on
 * one socket in order, so everything it sent before the pong has arrived when the pong has.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { isUpdate, post, WsClient, type Frame } from './helpers.js';

const A = { id: 'alice', apiKey: 'key-a', apiSecret: 'secret-a', balances: { BTC: '2', USDT: '100000', ETH: '10' } };
const B = { id: 'bob', apiKey: 'key-b', apiSecret: 'secret-b', balances: { BTC: '2', USDT: '100000', ETH: '10' } };

let sim: Simulator;
const clients: WsClient[] = [];
async function start(extra: SimulatorOptions = {}): Promise<void> {
  sim = await startSimulator({ port: 0, seed: 3, priceProcess: false, clock: 'manual', accounts: [A, B], ...extra });
}
async function connect(): Promise<WsClient> {
  const c = await WsClient.connect(sim.wsUrl);
  clients.push(c);
  return c;
}
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
const place = (who: typeof alice, params: Record<string, unknown>) => who('/api/v4/order/new', { market: 'BTC_USDT', ...params });

async function authorized(acct: typeof A = A): Promise<WsClient> {
  const c = await connect();
  const token = ((await rest(acct)('/api/v4/profile/websocket_token')).body as { websocket_token: string }).websocket_token;
  expect(await c.request('authorize', [token, 'public'])).toEqual({ id: expect.any(Number), result: { status: 'success' }, error: null });
  return c;
}
const barrier = async (c: WsClient) => expect((await c.request('ping')).result).toBe('pong');

describe('WS basics', () => {
  beforeEach(() => start());

  it('answers ping, time and unknown methods', async () => {
    const c = await connect();
    expect(await c.request('ping')).toEqual({ id: 1, result: 'pong', error: null });
    expect((await c.request('time')).result).toBe(Math.floor(sim.clock.now() / 1000));
    expect((await c.request('nope')).error).toEqual({ code: 4, message: 'method not found' });
  });

  it('closes the socket on invalid JSON', async () => {
    const c = await connect();
    c.send('{not json');
    expect((await c.closed).code).toBe(1007);
  });

  it('closes an idle socket after the timeout, and a ping keeps it open', async () => {
    const c = await connect();
    sim.advance(59_000);
    await c.request('ping');
    sim.advance(59_000);
    await c.request('ping');
    expect(sim.connections()).toHaveLength(1);
    sim.advance(60_000);
    await c.closed;
    expect(sim.connections()).toHaveLength(0);
  });

  it('answers error 7 beyond the per-minute request budget', async () => {
    await sim.close();
    await start({ wsRequestsPerMinute: 3, idleTimeoutMs: 120_000 });
    const c = await connect();
    for (let i = 0; i < 3; i++) expect((await c.request('ping')).error).toBeNull();
    expect((await c.request('ping')).error).toEqual({ code: 7, message: 'too many requests' });
    sim.advance(60_000);
    expect((await c.request('ping')).error).toBeNull();
  });

  it('requires authorize for private channels (error 6) and rejects a bad token (error 1)', async () => {
    const c = await connect();
    for (const [method, params] of [
      ['ordersPending_subscribe', ['BTC_USDT']],
      ['deals_subscribe', [['BTC_USDT']]],
      ['balanceSpot_subscribe', []],
      ['ordersPending_request', ['BTC_USDT', 0, 10]],
    ] as const) {
      expect((await c.request(method, [...params])).error).toEqual({ code: 6, message: 'require authentication' });
    }
    expect((await c.request('authorize', ['bogus', 'public'])).error).toEqual({ code: 1, message: 'invalid argument' });
  });

  it('answers error 9 for an unknown market', async () => {
    const c = await connect();
    expect((await c.request('lastprice_subscribe', ['BTC_USDT', 'NOPE_X'])).error).toEqual({ code: 9, message: 'market NOPE_X does not exist' });
    expect((await c.request('depth_subscribe', ['NOPE_X', 10, '0', true])).error).toEqual({ code: 9, message: 'market NOPE_X does not exist' });
  });
});

describe('WS public channels', () => {
  beforeEach(() => start());

  it('lastprice: pushes every second, and a resubscribe replaces the market list', async () => {
    const c = await connect();
    expect((await c.request('lastprice_subscribe', ['BTC_USDT'])).result).toEqual({ status: 'success' });
    expect((await c.next(isUpdate('lastprice_update'))).params).toEqual(['BTC_USDT', '64000']);
    await c.request('lastprice_subscribe', ['ETH_USDT']);
    expect((await c.next(isUpdate('lastprice_update'))).params).toEqual(['ETH_USDT', '3200']);
    sim.advance(1_000);
    await barrier(c);
    expect(c.queued('lastprice_update').map((f) => f.params?.[0])).toEqual(['ETH_USDT']);
    expect((await c.request('lastprice_request', ['ETH_USDT'])).result).toBe('3200');
    await c.request('lastprice_unsubscribe', []);
    c.drain();
    sim.advance(3_000);
    await barrier(c);
    expect(c.queued('lastprice_update')).toEqual([]);
  });

  it('depth: snapshot first, then coalesced deltas chained by past_update_id, and a keepalive snapshot', async () => {
    await place(bob, { side: 'sell', amount: '0.5', price: '64100' });
    const c = await connect();
    await c.request('depth_subscribe', ['BTC_USDT', 10, '0', true]);
    const snap = await c.next(isUpdate('depth_update'));
    const [full, data, market] = snap.params as [boolean, Record<string, unknown>, string];
    expect(full).toBe(true);
    expect(market).toBe('BTC_USDT');
    expect(data).toMatchObject({ asks: [['64100', '0.5']], bids: [] });
    expect(data.past_update_id).toBeUndefined();
    expect(typeof data.timestamp).toBe('number');
    expect(typeof data.event_time).toBe('number');

    // Two changes inside one 100 ms window arrive as one delta.
    sim.advance(50);
    await place(bob, { side: 'buy', amount: '0.1', price: '63000' });
    await place(bob, { side: 'sell', amount: '0.2', price: '64100' });
    await barrier(c);
    expect(c.queued('depth_update')).toEqual([]);
    sim.advance(100);
    const delta = await c.next(isUpdate('depth_update'));
    const [isFull, d] = delta.params as [boolean, Record<string, unknown>];
    expect(isFull).toBe(false);
    expect(d.past_update_id).toBe(data.update_id);
    expect(d.update_id as number).toBeGreaterThan(data.update_id as number);
    expect(d.asks).toEqual([['64100', '0.7']]);
    expect(d.bids).toEqual([['63000', '0.1']]);

    // A level leaving the book is sent with amount "0".
    await bob('/api/v4/order/cancel/all', { market: 'BTC_USDT' });
    sim.advance(100);
    const removal = (await c.next(isUpdate('depth_update'))).params as [boolean, Record<string, unknown>];
    expect(removal[1].past_update_id).toBe(d.update_id);
    expect(removal[1]).toMatchObject({ asks: [['64100', '0']], bids: [['63000', '0']] });

    // Ten quiet seconds bring a full snapshot again.
    sim.advance(10_000);
    const keepalive = (await c.next(isUpdate('depth_update'))).params as [boolean, Record<string, unknown>];
    expect(keepalive[0]).toBe(true);
    expect(keepalive[1]).toMatchObject({ asks: [], bids: [] });
  });

  it('depth: true adds a market, false drops the others, unsubscribe by market or all', async () => {
    const c = await connect();
    await c.request('depth_subscribe', ['BTC_USDT', 5, '0', true]);
    await c.request('depth_subscribe', ['ETH_USDT', 5, '0', true]);
    await c.next((f) => f.method === 'depth_update' && f.params?.[2] === 'BTC_USDT');
    await c.next((f) => f.method === 'depth_update' && f.params?.[2] === 'ETH_USDT');
    sim.advance(200);
    await place(bob, { side: 'sell', amount: '0.1', price: '65000' });
    await place(bob, { market: 'ETH_USDT', side: 'sell', amount: '1', price: '3300' });
    await c.next((f) => f.method === 'depth_update' && f.params?.[2] === 'BTC_USDT');
    await c.next((f) => f.method === 'depth_update' && f.params?.[2] === 'ETH_USDT');

    await c.request('depth_subscribe', ['ETH_USDT', 5, '0', false]); // drops BTC_USDT
    await c.next((f) => f.method === 'depth_update' && f.params?.[2] === 'ETH_USDT');
    sim.advance(200);
    await place(bob, { side: 'sell', amount: '0.1', price: '65001' });
    await barrier(c);
    expect(c.queued('depth_update')).toEqual([]);

    await c.request('depth_subscribe', ['BTC_USDT', 5, '0', true]);
    await c.next((f) => f.method === 'depth_update' && f.params?.[2] === 'BTC_USDT');
    await c.request('depth_unsubscribe', ['ETH_USDT']);
    sim.advance(200);
    await place(bob, { market: 'ETH_USDT', side: 'sell', amount: '1', price: '3301' });
    await barrier(c);
    expect(c.queued('depth_update')).toEqual([]);
    await c.request('depth_unsubscribe', []);
    sim.advance(200);
    await place(bob, { side: 'sell', amount: '0.1', price: '65002' });
    sim.advance(20_000);
    await barrier(c);
    expect(c.queued('depth_update')).toEqual([]);

    const one = await c.request('depth_request', ['BTC_USDT', 2, '0']);
    expect(one.result).toMatchObject({
      asks: [
        ['65000', '0.1'],
        ['65001', '0.1'],
      ],
      bids: [],
    });
  });
});

describe('WS private channels', () => {
  beforeEach(() => start());

  it('ordersPending: event 1 on rest, 2 on partial fill, 3 on full fill; an instant fill is only event 3', async () => {
    const c = await authorized();
    await c.request('ordersPending_subscribe', ['BTC_USDT']);
    const placed = (await place(alice, { side: 'sell', amount: '0.3', price: '64000', clientOrderId: 'op-1' })).body as Record<string, unknown>;
    const e1 = await c.next(isUpdate('ordersPending_update'));
    expect(e1.params?.[0]).toBe(1);
    expect(e1.params?.[1]).toMatchObject({
      id: placed.orderId,
      market: 'BTC_USDT',
      type: 1,
      side: 1,
      left: '0.3',
      deal_stock: '0',
      client_order_id: 'op-1',
      status: 'OPEN',
    });

    await place(bob, { side: 'buy', amount: '0.1', price: '64000' });
    const e2 = await c.next(isUpdate('ordersPending_update'));
    expect(e2.params?.[0]).toBe(2);
    expect(e2.params?.[1]).toMatchObject({ left: '0.2', deal_stock: '0.1', deal_money: '6400', deal_fee: '6.4', status: 'PARTIALLY_FILLED' });

    await place(bob, { side: 'buy', amount: '0.2', price: '64000' });
    const e3 = await c.next(isUpdate('ordersPending_update'));
    expect(e3.params?.[0]).toBe(3);
    expect(e3.params?.[1]).toMatchObject({ left: '0', status: 'FILLED' });

    // Alice's own order that fills completely on arrival: one event 3, no event 1.
    await place(bob, { side: 'sell', amount: '0.1', price: '64000' });
    await place(alice, { side: 'buy', amount: '0.1', price: '64000' });
    await barrier(c);
    expect(c.queued('ordersPending_update').map((f) => f.params?.[0])).toEqual([3]);

    const snapshot = await c.request('ordersPending_request', ['BTC_USDT', 0, 10]);
    expect(snapshot.result).toEqual({ limit: 10, offset: 0, total: 0, records: [] });
  });

  it('ordersPending: a resubscribe replaces the market list', async () => {
    const c = await authorized();
    await c.request('ordersPending_subscribe', ['BTC_USDT']);
    await c.request('ordersPending_subscribe', ['ETH_USDT']);
    await place(alice, { side: 'buy', amount: '0.01', price: '60000' });
    await place(alice, { market: 'ETH_USDT', side: 'buy', amount: '0.1', price: '3000' });
    await barrier(c);
    expect(c.queued('ordersPending_update').map((f) => (f.params?.[1] as { market: string }).market)).toEqual(['ETH_USDT']);
    await c.request('ordersPending_unsubscribe', []);
    c.drain();
    await place(alice, { market: 'ETH_USDT', side: 'buy', amount: '0.1', price: '3001' });
    await barrier(c);
    expect(c.queued('ordersPending_update')).toEqual([]);
  });

  it('deals: one 11-tuple per fill, nested market list, [[]] for all, replace on resubscribe', async () => {
    const c = await authorized();
    await c.request('deals_subscribe', [['ETH_USDT']]);
    await c.request('deals_subscribe', [['BTC_USDT']]);
    await place(bob, { side: 'sell', amount: '0.1', price: '64000' });
    await place(bob, { side: 'sell', amount: '0.1', price: '64010' });
    await place(bob, { market: 'ETH_USDT', side: 'sell', amount: '1', price: '3200' });
    const taker = (await place(alice, { side: 'buy', amount: '0.15', price: '64010', clientOrderId: 'd-1' })).body as Record<string, unknown>;
    await alice('/api/v4/order/new', { market: 'ETH_USDT', side: 'buy', amount: '1', price: '3200' });
    await barrier(c);
    const deals = c.queued('deals_update').map((f) => f.params as unknown[]);
    expect(deals).toHaveLength(2); // two partial fills of one order; ETH is not subscribed any more
    expect(deals[0]).toEqual([expect.any(Number), expect.any(Number), 'BTC_USDT', taker.orderId, '64000', '0.1', '0.0001', 'd-1', 2, 2, 'BTC']);
    expect(deals[1]).toEqual([expect.any(Number), expect.any(Number), 'BTC_USDT', taker.orderId, '64010', '0.05', '0.00005', 'd-1', 2, 2, 'BTC']);

    const history = await c.request('deals_request', ['BTC_USDT', 0, 10]);
    expect((history.result as { records: Record<string, unknown>[] }).records[0]).toMatchObject({
      price: '64010',
      amount: '0.05',
      role: 2,
      order_id: taker.orderId,
      fee_asset: 'BTC',
    });

    await c.request('deals_subscribe', [[]]);
    c.drain();
    await place(bob, { market: 'ETH_USDT', side: 'sell', amount: '1', price: '3200' });
    await alice('/api/v4/order/new', { market: 'ETH_USDT', side: 'buy', amount: '1', price: '3200' });
    expect((await c.next(isUpdate('deals_update'))).params?.[2]).toBe('ETH_USDT');
  });

  it('balanceSpot: only changed subscribed assets, at most once per second', async () => {
    const c = await authorized();
    expect((await c.request('balanceSpot_request', ['USDT'])).result).toEqual({ USDT: { available: '100000', freeze: '0' } });
    await c.request('balanceSpot_subscribe', ['USDT']);
    await place(alice, { side: 'buy', amount: '0.01', price: '60000' });
    expect((await c.next(isUpdate('balanceSpot_update'))).params).toEqual([{ USDT: { available: '99400', freeze: '600' } }]);
    await place(alice, { side: 'buy', amount: '0.01', price: '50000' });
    await place(alice, { side: 'sell', amount: '0.01', price: '70000' }); // BTC only: not subscribed
    await barrier(c);
    expect(c.queued('balanceSpot_update')).toEqual([]);
    sim.advance(1_000);
    expect((await c.next(isUpdate('balanceSpot_update'))).params).toEqual([{ USDT: { available: '98900', freeze: '1100' } }]);

    await c.request('balanceSpot_subscribe', []); // replaces: all assets now
    sim.advance(1_000);
    await place(alice, { side: 'sell', amount: '0.01', price: '70001' });
    expect((await c.next(isUpdate('balanceSpot_update'))).params).toEqual([{ BTC: { available: '1.98', freeze: '0.02' } }]);
  });

  it('kill-switch expiry cancels with ordersPending event 3', async () => {
    const c = await authorized();
    await c.request('ordersPending_subscribe', ['BTC_USDT']);
    await place(alice, { side: 'buy', amount: '0.01', price: '60000' });
    expect((await c.next(isUpdate('ordersPending_update'))).params?.[0]).toBe(1);
    await alice('/api/v4/order/kill-switch', { market: 'BTC_USDT', timeout: '5' });
    sim.advance(5_000);
    const e = await c.next(isUpdate('ordersPending_update'));
    expect(e.params?.[0]).toBe(3);
    expect(e.params?.[1]).toMatchObject({ status: 'CANCELED', left: '0.01' });
    expect(sim.state.killSwitches('alice')).toEqual([]);
  });
});

describe('WS depth against the live price process', () => {
  beforeEach(() => start({ priceProcess: {}, tickMs: 250 }));

  /** Applies depth frames to a local book and checks the update_id chain; returns the gaps found. */
  function follow(frames: Frame[]): { gaps: number; book: Map<string, string> } {
    let last: number | null = null;
    let gaps = 0;
    const book = new Map<string, string>();
    for (const f of frames) {
      const [full, data] = f.params as [boolean, { update_id: number; past_update_id?: number; asks?: [string, string][]; bids?: [string, string][] }];
      if (full) book.clear();
      else if (data.past_update_id !== last) gaps++;
      for (const [p, a] of [...(data.asks ?? []), ...(data.bids ?? [])]) {
        if (a === '0') book.delete(p);
        else book.set(p, a);
      }
      last = data.update_id;
    }
    return { gaps, book };
  }

  it('chains every delta while the house trades, and the local book matches the server', async () => {
    const c = await connect();
    await c.request('depth_subscribe', ['BTC_USDT', 100, '0', true]);
    for (let i = 0; i < 40; i++) sim.advance(250);
    await barrier(c);
    const frames = c.queued('depth_update');
    expect(frames.length).toBeGreaterThan(20);
    const { gaps, book } = follow(frames);
    expect(gaps).toBe(0);
    const server = sim.state.book('BTC_USDT', 100);
    expect(new Map([...server.asks, ...server.bids])).toEqual(book);
    expect(sim.state.trades('BTC_USDT').length).toBeGreaterThan(0);
  });

  it('a dropped depth frame shows up as a past_update_id mismatch', async () => {
    const c = await connect();
    await c.request('depth_subscribe', ['BTC_USDT', 20, '0', true]);
    sim.advance(1_000);
    sim.faults.dropFrames('depth', { next: 1 });
    for (let i = 0; i < 8; i++) sim.advance(250);
    await barrier(c);
    expect(follow(c.queued('depth_update')).gaps).toBe(1);
    expect(sim.faults.stats.framesDropped).toBe(1);
  });
});
