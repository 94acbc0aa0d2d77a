/**
 * Conformance of OUR WS order entry with the simulator (issue 15): the codec's call builders and
 * reply decoders, WsRequests' correlation and WsSocketOrders' gating, over a real WsTransport
 * authorized with a token from the sim's REST, against a started simulator (127.0.0.1, port 0), for
 * every order method the codec offers. The methods the SocketOrders port lacks (market, modify,
 * cancel all) go through WsRequests on the same socket with the codec's builders.
 *
 * What a grid relies on: a reply decodes into the REST model, and each refusal arrives as the REST
 * kind the router and io-errors.ts branch on.
 * @see whitebit-protocol-2.md §1, src/runtime/exchange/socket-orders.ts
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type WbOrder,
  type WbWsCall,
  cancelAllCall,
  decodeWsCancelAllResult,
  decodeWsOrderResult,
  marketPlaceCall,
  marketStockPlaceCall,
  modifyCall,
  retryClass,
  wsOrderEntryRefused,
} from '../../../src/adapters/whitebit/index.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/sim/index.js';
import { A, B } from '../../sim/ws-orders/support.js';
import { SimSocket } from './support/sim-socket.js';
import { rejection } from './support/ws-orders.js';

const BTC = 'BTC_USDT';
let sim: Simulator;
const sockets: SimSocket[] = [];

async function start(extra: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ port: 0, seed: 5, priceProcess: false, clock: 'manual', accounts: [A, B], ...extra });
  return sim;
}

async function open(acct: typeof A = A, o: Parameters<typeof SimSocket.open>[2] = {}): Promise<SimSocket> {
  const s = await SimSocket.open(sim, acct, { markets: [BTC], ...o });
  sockets.push(s);
  return s;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await sim.close();
});

/** A resting order of Bob's, placed over his own socket, for Alice's orders to meet. */
async function bobRests(side: 'buy' | 'sell', amount: string, price: string): Promise<WbOrder> {
  const bob = await open(B, { markets: [] });
  return bob.orders.placeLimit({ market: BTC, side, amount, price });
}

/** One order request the port does not offer, through WsRequests on the socket. */
function request(s: SimSocket, call: WbWsCall): Promise<WbOrder> {
  return s.orders.requests.issue({ call, idempotent: false, decode: decodeWsOrderResult }, s.write);
}

describe('order_limit_place (SocketOrders.placeLimit)', () => {
  it('places a resting order and reads the reply as the REST model', async () => {
    await start();
    const s = await open();
    const o = await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.0100', price: '60000.00', clientOrderId: 'c-1', postOnly: true });
    expect(o).toMatchObject({
      market: BTC,
      side: 'buy',
      type: 'limit',
      amount: '0.01',
      left: '0.01',
      price: '60000',
      clientOrderId: 'c-1',
      postOnly: true,
      status: 'OPEN',
    });
    expect(sim.state.orders(A.id).map((x) => [x.id, x.clientOrderId])).toEqual([[o.orderId, 'c-1']]);
    await s.barrier();
    expect(s.pending.map((p) => [p.event, p.order.id])).toEqual([[1, o.orderId]]);
  });

  it('refuses a post-only order that would cross as postOnlyRejected (code 13), placing nothing', async () => {
    await start();
    await bobRests('sell', '0.1', '60000');
    const s = await open();
    const e = await rejection(s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000', postOnly: true }));
    expect(e).toMatchObject({ kind: 'postOnlyRejected', code: 13, sent: true });
    expect(retryClass(e)).toBe('never');
    expect(sim.state.orders(A.id)).toEqual([]);
  });

  it('refuses a second active order with the same client id as duplicateClientOrderId (code 43)', async () => {
    await start();
    const s = await open();
    await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'dup' });
    const e = await rejection(s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '59000', clientOrderId: 'dup' }));
    expect(e).toMatchObject({ kind: 'duplicateClientOrderId', code: 43, sent: true });
    expect(sim.state.orders(A.id)).toHaveLength(1);
  });

  it('refuses an order beyond the balance as notEnoughBalance (code 10)', async () => {
    await start();
    const s = await open();
    const e = await rejection(s.orders.placeLimit({ market: BTC, side: 'buy', amount: '1.7', price: '60000' }));
    expect(e).toMatchObject({ kind: 'notEnoughBalance', code: 10 });
    expect(sim.state.orders(A.id)).toEqual([]);
  });

  it('refuses an order below the minimum total as rejected (code 11), nothing placed', async () => {
    await start();
    const s = await open();
    const e = await rejection(s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.00001', price: '60000' }));
    expect(e).toMatchObject({ kind: 'rejected', code: 11 });
    expect(retryClass(e)).toBe('never');
    expect(e.message).toContain('amount too small');
    expect(sim.state.orders(A.id)).toEqual([]);
  });
});

describe('order_market_place and order_market_stock_place (WsRequests + codec)', () => {
  it('buys for an amount of quote: type market, FILLED, base bought', async () => {
    await start();
    await bobRests('sell', '0.1', '60000');
    const s = await open();
    const o = await request(s, marketPlaceCall({ market: BTC, side: 'buy', amount: '600', clientOrderId: 'm-1' }));
    expect(o).toMatchObject({ type: 'market', side: 'buy', price: '0', status: 'FILLED', clientOrderId: 'm-1', dealStock: '0.01', dealMoney: '600' });
    expect(sim.state.orders(A.id)).toEqual([]);
  });

  it('sells an amount of base', async () => {
    await start();
    await bobRests('buy', '0.1', '60000');
    const s = await open();
    const o = await request(s, marketPlaceCall({ market: BTC, side: 'sell', amount: '0.02' }));
    expect(o).toMatchObject({ type: 'market', side: 'sell', status: 'FILLED', dealStock: '0.02', dealMoney: '1200', left: '0' });
  });

  it('buys an amount of base with order_market_stock_place: type "stock market"', async () => {
    await start();
    await bobRests('sell', '0.1', '60000');
    const s = await open();
    const o = await request(s, marketStockPlaceCall({ market: BTC, side: 'buy', amount: '0.03' }));
    expect(o).toMatchObject({ type: 'stock market', side: 'buy', status: 'FILLED', dealStock: '0.03', dealMoney: '1800' });
  });
});

describe('order_modify (WsRequests + codec)', () => {
  it('answers with the replacement (new id, same client id) and pushes 3 for the old id, then 1 for the new', async () => {
    await start();
    const s = await open();
    const old = await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'mod-1' });
    const next = await request(s, modifyCall({ market: BTC, clientOrderId: 'mod-1', price: '59000', amount: '0.02' }));
    expect(next).toMatchObject({ clientOrderId: 'mod-1', price: '59000', amount: '0.02', left: '0.02', status: 'OPEN' });
    expect(next.orderId).not.toBe(old.orderId);
    await s.barrier();
    expect(s.pending.map((p) => [p.event, p.order.id])).toEqual([
      [1, old.orderId],
      [3, old.orderId],
      [1, next.orderId],
    ]);
    expect(sim.state.orders(A.id).map((x) => x.id)).toEqual([next.orderId]);
  });

  it('modifies by order id with a total in quote (the amount follows from the price)', async () => {
    await start();
    const s = await open();
    const old = await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000' });
    const next = await request(s, modifyCall({ market: BTC, orderId: old.orderId, total: '1200' }));
    expect(next).toMatchObject({ price: '60000', amount: '0.02', status: 'OPEN' });
    expect(sim.state.orders(A.id).map((x) => x.id)).toEqual([next.orderId]);
  });

  it('refuses an unknown order as orderNotFound (code 6)', async () => {
    await start();
    const s = await open();
    const e = await rejection(request(s, modifyCall({ market: BTC, orderId: 123456, price: '59000' })));
    expect(e).toMatchObject({ kind: 'orderNotFound', code: 6 });
  });
});

describe('order_cancel (SocketOrders.cancel)', () => {
  it('cancels by order id and by client id; the reply is the cancelled order', async () => {
    await start();
    const s = await open();
    const a = await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'k-1' });
    const b = await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '59000', clientOrderId: 'k-2' });
    expect(await s.orders.cancel({ market: BTC, orderId: a.orderId })).toMatchObject({ orderId: a.orderId, status: 'CANCELED', left: '0.01' });
    expect(await s.orders.cancel({ market: BTC, clientOrderId: 'k-2' })).toMatchObject({ orderId: b.orderId, clientOrderId: 'k-2', status: 'CANCELED' });
    expect(sim.state.orders(A.id)).toEqual([]);
  });

  it('refuses an unknown order as orderNotFound (code 6), with the retry class of its id kind', async () => {
    await start();
    const s = await open();
    expect(await rejection(s.orders.cancel({ market: BTC, orderId: 987654 }))).toMatchObject({ kind: 'orderNotFound', code: 6, idempotent: true });
    expect(await rejection(s.orders.cancel({ market: BTC, clientOrderId: 'nope' }))).toMatchObject({ kind: 'orderNotFound', code: 6, idempotent: false });
  });
});

describe('order_cancel_all (WsRequests + codec)', () => {
  it('answers {} and cancels every spot order of the market (one event 3 each); nothing to cancel is success too', async () => {
    await start();
    const s = await open();
    await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000' });
    await s.orders.placeLimit({ market: BTC, side: 'sell', amount: '0.01', price: '70000' });
    const all = (): Promise<true> =>
      s.orders.requests.issue({ call: cancelAllCall({ market: BTC }), idempotent: true, decode: decodeWsCancelAllResult }, s.write);
    await expect(all()).resolves.toBe(true);
    expect(sim.state.orders(A.id)).toEqual([]);
    await s.barrier();
    expect(s.pending.filter((p) => p.event === 3)).toHaveLength(2);
    await expect(all()).resolves.toBe(true);
  });

  it('accepts every order type on a spot market (§1.8: all three is safe)', async () => {
    await start();
    const s = await open();
    await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000' });
    const call = cancelAllCall({ market: BTC, type: ['spot', 'margin', 'futures'] });
    await expect(s.orders.requests.issue({ call, idempotent: true, decode: decodeWsCancelAllResult }, s.write)).resolves.toBe(true);
    expect(sim.state.orders(A.id)).toEqual([]);
  });
});

describe('budgets and authorization', () => {
  it('reads the sim budget spent (code 7) as rateLimited, nothing placed; after the window on the sim clock it places again', async () => {
    await start({ wsPlaceBudget: { limit: 2, windowMs: 10_000 } });
    const s = await open();
    const place = (price: string): Promise<WbOrder> => s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price });
    await place('50000');
    await place('50001');
    const e = await rejection(place('50002'));
    expect(e).toMatchObject({ kind: 'rateLimited', code: 7, sent: true });
    expect(sim.state.orders(A.id)).toHaveLength(2);
    // The other budget is separate: a cancel still goes through.
    await expect(s.orders.cancel({ market: BTC, clientOrderId: 'absent' })).rejects.toMatchObject({ kind: 'orderNotFound' });
    sim.advance(10_000);
    expect(s.orders.ready('place')).toBe(true);
    await expect(place('50002')).resolves.toMatchObject({ status: 'OPEN' });
    expect(sim.state.orders(A.id)).toHaveLength(3);
  });

  it('is not ready while its own budget is spent (nothing written), and ready again after the window on the same clock', async () => {
    await start();
    const s = await open(A, { orders: { budgets: { place: { limit: 2, windowMs: 10_000 } }, safety: 1, burst: 1 } });
    const place = (price: string): Promise<WbOrder> => s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price });
    await place('50000');
    await place('50001');
    expect(s.orders.ready('place')).toBe(false);
    expect(s.orders.ready('other')).toBe(true);
    expect(await rejection(place('50002'))).toMatchObject({ kind: 'transport', sent: false });
    sim.advance(10_000);
    expect(s.orders.ready('place')).toBe(true);
    await expect(place('50002')).resolves.toMatchObject({ status: 'OPEN' });
  });

  it('is not ready on a socket that is not authorized and writes nothing; the sim answers an unauthorized request unauthorized (code 6)', async () => {
    await start();
    const s = await open(A, { authorize: false, markets: [] });
    expect(s.orders.ready('place')).toBe(false);
    expect(s.orders.ready('other')).toBe(false);
    expect(await rejection(s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000' }))).toMatchObject({
      kind: 'transport',
      sent: false,
    });
    // Past the port's gate, the sim's own answer: require authentication.
    const e = await rejection(request(s, marketPlaceCall({ market: BTC, side: 'buy', amount: '100' })));
    expect(e).toMatchObject({ kind: 'unauthorized', code: 6 });
    expect(sim.state.orders(A.id)).toEqual([]);
    await s.authorize();
    expect(s.orders.ready('place')).toBe(true);
  });

  it('reads a region refusal (WhiteBIT EU, code 10009) as the socket refusing order entry: nothing placed or cancelled, and an unauthorized socket still gets 6 first', async () => {
    await start();
    const s = await open();
    const placed = await s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'r-1' });
    sim.faults.refuseOrderRegion({ probability: 1 });
    const e = await rejection(s.orders.placeLimit({ market: BTC, side: 'buy', amount: '0.01', price: '59000', clientOrderId: 'r-2' }));
    expect(e).toMatchObject({ code: 10009, sent: true, endpoint: 'order_limit_place' });
    expect(wsOrderEntryRefused(e)).toBe(true);
    const c = await rejection(s.orders.cancel({ market: BTC, orderId: placed.orderId }));
    expect(wsOrderEntryRefused(c)).toBe(true);
    expect(sim.state.orders(A.id).map((o) => o.clientOrderId)).toEqual(['r-1']);
    const anon = await open(A, { authorize: false, markets: [] });
    expect(await rejection(request(anon, marketPlaceCall({ market: BTC, side: 'buy', amount: '100' })))).toMatchObject({ kind: 'unauthorized', code: 6 });
    expect(sim.faults.stats.regionRefusals).toBe(2);
  });

  it('is not ready once the socket closed', async () => {
    await start();
    const s = await open();
    s.close();
    await new Promise<void>((resolve) => s.transport.closed$.subscribe({ complete: resolve }));
    expect(s.orders.ready('place')).toBe(false);
  });
});

describe('order-reply faults (a reply that never comes is an unknown outcome)', () => {
  const limit = { market: BTC, side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'f-1' } as const;

  it('a lost reply: the order rests, the call is unknownOutcome at the deadline on the sim clock, and the pending map is empty', async () => {
    await start();
    const s = await open(A, { orders: { deadlineMs: 5_000 } });
    sim.faults.dropOrderReplies({ next: 1 });
    const p = rejection(s.orders.placeLimit(limit));
    await s.barrier();
    expect(sim.state.orders(A.id).map((o) => o.clientOrderId)).toEqual(['f-1']);
    expect(s.orders.requests.size).toBe(1);
    sim.advance(5_000);
    expect(await p).toMatchObject({ kind: 'unknownOutcome', sent: true });
    expect(s.orders.requests.size).toBe(0);
  });

  it('a duplicated reply settles the call once; the second is counted stray', async () => {
    await start();
    const s = await open();
    sim.faults.duplicateOrderReplies({ next: 1 });
    await expect(s.orders.placeLimit(limit)).resolves.toMatchObject({ clientOrderId: 'f-1', status: 'OPEN' });
    await s.barrier();
    expect(s.orders.requests.stats).toMatchObject({ replies: 1, stray: 1 });
  });

  it('pushes before the reply: the ordersPending event arrives first, the reply still decodes', async () => {
    await start();
    const s = await open();
    sim.faults.pushesBeforeReply({ next: 1 });
    let seenAtReply = -1;
    const o = await s.orders.placeLimit(limit).then((x) => ((seenAtReply = s.pending.length), x));
    expect(seenAtReply).toBe(1);
    expect(s.pending[0]).toMatchObject({ event: 1, order: { id: o.orderId, client_order_id: 'f-1' } });
  });

  it('the connection drops after the order executed: the call is unknownOutcome at once, and the port is not ready', async () => {
    await start();
    const s = await open();
    sim.faults.dropConnectionAfterOrder({ next: 1 });
    expect(await rejection(s.orders.placeLimit(limit))).toMatchObject({ kind: 'unknownOutcome', sent: true });
    expect(sim.state.orders(A.id).map((o) => o.clientOrderId)).toEqual(['f-1']);
    expect(s.orders.ready('place')).toBe(false);
  });
});
