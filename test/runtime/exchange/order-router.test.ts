/**
 * The order router (src/runtime/exchange/order-router.ts) over a fake SocketOrders and a stubbed
 * REST client: which way each placement and cancel goes, the REST fallback when the socket says the
 * exchange saw nothing, no resend after an unknown outcome, and the hold of a frame batch.
 */
import { describe, expect, it } from 'vitest';
import { type WbNewOrderRequest, type WbOrder, WhitebitError, wsOrderError } from '../../../src/adapters/whitebit/index.js';
import type { OrderWay } from '../../../src/grid/index.js';
import { createOrderRouter } from '../../../src/runtime/exchange/order-router.js';
import { type BatchJournal, TurnOrder } from '../../../src/runtime/turn/index.js';
import { type SocketCall, fakeSocketOrders } from './support/fake-socket-orders.js';
import { type StubCall, intentsOf, restingOrder, stubPlacementRest } from './support/stub-rest.js';

const orderOf = (c: StubCall | SocketCall): WbOrder =>
  c.method === 'orderNew' || c.method === 'placeLimit'
    ? restingOrder(c.body as WbNewOrderRequest)
    : restingOrder({ market: 'BTC_USDT', side: 'buy', amount: '1', price: '100', clientOrderId: 'c' });
const bulkAnswer = (c: StubCall) =>
  c.method === 'orderBulk'
    ? Promise.resolve((c.body as { orders: WbNewOrderRequest[] }).orders.map((o) => ({ status: 'placed', order: restingOrder(o) })))
    : Promise.resolve(orderOf(c));
const restOk = () => stubPlacementRest(bulkAnswer);
const ws =
  (entry: OrderWay = 'ws') =>
  () =>
    entry;
const wsError = (kind: WhitebitError['kind'], extra: { sent?: boolean; code?: number } = {}) =>
  new WhitebitError({ kind, message: `${kind} over the socket`, idempotent: false, ...extra });
/** A refusal of a WS order method with a WhiteBIT code, as ws-order-errors.ts builds it. */
const wsRefusal = (code: number, method = 'order_limit_place') => wsOrderError(code, `code ${code}`, { method, idempotent: method !== 'order_limit_place' });
const one = intentsOf(1);
const po = { postOnly: true };

describe('order router: placements', () => {
  it('sends a single placement over the socket when the grid says ws and the socket is ready, in the caller tick', async () => {
    const rest = restOk();
    const socket = fakeSocketOrders((c) => Promise.resolve(orderOf(c)));
    const router = createOrderRouter({ rest, socket, entryOf: ws() });
    const report = router.place(one, po);
    expect(socket.calls).toHaveLength(1); // no await before the send
    expect(socket.asked).toEqual(['place']);
    expect(socket.calls[0]?.body).toMatchObject({ clientOrderId: 'g-0', postOnly: true, price: '100', amount: '0.5' });
    const r = await report;
    expect(r.outcomes).toEqual([expect.objectContaining({ kind: 'placed', clientOrderId: 'g-0', via: 'ws' })]);
    expect(r.failures).toEqual([]);
    expect(rest.calls).toEqual([]);
  });

  it('goes over REST while the socket is not ready, and for a grid whose orderEntry is rest', async () => {
    const rest = restOk();
    const socket = fakeSocketOrders((c) => Promise.resolve(orderOf(c)), false);
    const notReady = await createOrderRouter({ rest, socket, entryOf: ws() }).place(one, po);
    expect(notReady.outcomes[0]).toMatchObject({ kind: 'placed', via: 'rest' });
    socket.isReady = () => true;
    const restGrid = await createOrderRouter({ rest, socket, entryOf: ws('rest') }).place(one, po);
    expect(restGrid.outcomes[0]).toMatchObject({ kind: 'placed', via: 'rest' });
    const noSocket = await createOrderRouter({ rest, socket: null, entryOf: ws() }).place(one, po);
    expect(noSocket.outcomes[0]).toMatchObject({ kind: 'placed', via: 'rest' });
    expect(socket.calls).toEqual([]);
    expect(rest.calls.map((c) => c.method)).toEqual(['orderNew', 'orderNew', 'orderNew']);
  });

  it.each([
    ['transport, sent: false', wsError('transport', { sent: false })],
    ['rateLimited (code 7)', wsError('rateLimited', { code: 7 })],
    ['unauthorized (code 6)', wsError('unauthorized', { code: 6 })],
  ])('a socket failure that says the exchange saw nothing (%s) is sent once over REST with the same client id', async (_, error) => {
    const rest = restOk();
    const socket = fakeSocketOrders(() => Promise.reject(error));
    const r = await createOrderRouter({ rest, socket, entryOf: ws() }).place(one, po);
    expect(socket.calls).toHaveLength(1);
    expect(rest.calls).toHaveLength(1);
    expect(rest.calls[0]).toMatchObject({ method: 'orderNew', body: { clientOrderId: 'g-0', postOnly: true, price: '100', amount: '0.5' } });
    expect(r.outcomes).toEqual([expect.objectContaining({ kind: 'placed', clientOrderId: 'g-0', via: 'rest' })]);
    expect(r.failures).toEqual([]);
  });

  it('a region refusal over the socket (WhiteBIT EU, 10009) goes over REST with the same client id, and turns the socket off for later orders', async () => {
    const rest = restOk();
    const region = wsRefusal(10009);
    const socket = fakeSocketOrders(() => Promise.reject(region));
    const router = createOrderRouter({ rest, socket, entryOf: ws() });
    const r = await router.place(one, po);
    expect(r.outcomes).toEqual([expect.objectContaining({ kind: 'placed', clientOrderId: 'g-0', via: 'rest' })]);
    expect(r.failures).toEqual([]);
    expect(rest.calls[0]).toMatchObject({ method: 'orderNew', body: { clientOrderId: 'g-0' } });
    expect(socket.refusals).toEqual([region.message]);
    // The next order and a cancel go straight over REST: the socket is asked, says no, and gets nothing.
    await router.place(intentsOf(1), po);
    await router.cancel({ market: 'BTC_USDT', orderId: 3 });
    expect(socket.calls).toHaveLength(1);
    expect(rest.calls.map((c) => c.method)).toEqual(['orderNew', 'orderNew', 'orderCancel']);
  });

  it('a refusal of one market for the region (10010) is the order outcome, not a reason to leave the socket', async () => {
    const rest = restOk();
    const restricted = wsRefusal(10010);
    const socket = fakeSocketOrders(() => Promise.reject(restricted));
    const r = await createOrderRouter({ rest, socket, entryOf: ws() }).place(one, po);
    expect(r.outcomes[0]).toMatchObject({ via: 'ws' });
    expect(r.outcomes[0]?.kind).not.toBe('placed');
    expect(rest.calls).toEqual([]);
    expect(socket.refusals).toEqual([]);
  });

  it('an unknown outcome over the socket is not sent again: the outcome is unknown, for reconcile by client id', async () => {
    const rest = restOk();
    const socket = fakeSocketOrders(() => Promise.reject(wsError('unknownOutcome', { sent: true })));
    const r = await createOrderRouter({ rest, socket, entryOf: ws() }).place(one, po);
    expect(rest.calls).toEqual([]);
    expect(r.outcomes).toEqual([{ kind: 'unknown', clientOrderId: 'g-0', reason: expect.stringContaining('unknownOutcome'), via: 'ws' }]);
    expect(r.failures.map((f) => f.retryClass)).toEqual(['unknownOutcome']);
  });

  it('a written frame that failed in transport (sent: true) is not sent again either', async () => {
    const rest = restOk();
    const socket = fakeSocketOrders(() => Promise.reject(wsError('transport', { sent: true })));
    const r = await createOrderRouter({ rest, socket, entryOf: ws() }).place(one, po);
    expect(rest.calls).toEqual([]);
    expect(r.outcomes[0]).toMatchObject({ kind: 'notSent', via: 'ws' });
  });

  it('a refusal over the socket is the order outcome: a post-only cross waits for price, an error 43 is unknown (reconciled), not re-sent', async () => {
    const rest = restOk();
    const cross = fakeSocketOrders(() => Promise.reject(wsError('postOnlyRejected', { code: 13 })));
    const r = await createOrderRouter({ rest, socket: cross, entryOf: ws() }).place(one, po);
    expect(r.outcomes[0]).toMatchObject({ kind: 'rejected', wouldTake: true, via: 'ws' });
    const dup = fakeSocketOrders(() => Promise.reject(wsError('duplicateClientOrderId', { code: 43 })));
    const d = await createOrderRouter({ rest, socket: dup, entryOf: ws() }).place(one, po);
    // An order with this client id is active (e.g. an earlier copy): reconciled by id, never refused as an empty level.
    expect(d.outcomes[0]).toMatchObject({ kind: 'unknown', via: 'ws' });
    expect(d.failures).toEqual([]);
    expect(rest.calls).toEqual([]);
  });

  it('several intents: each one the socket is ready for goes as a frame, the rest as one order/bulk, outcomes in order', async () => {
    const rest = restOk();
    const socket = fakeSocketOrders((c) => Promise.resolve(orderOf(c)));
    let room = 1; // the socket's budget has room for one frame
    socket.isReady = () => room-- > 0;
    const r = await createOrderRouter({ rest, socket, entryOf: ws() }).place(intentsOf(3), po);
    expect(socket.calls.map((c) => (c.body as WbNewOrderRequest).clientOrderId)).toEqual(['g-0']);
    expect(rest.calls.map((c) => c.method)).toEqual(['orderBulk']);
    expect(r.outcomes.map((o) => [o.clientOrderId, o.kind, o.via])).toEqual([
      ['g-0', 'placed', 'ws'],
      ['g-1', 'placed', 'rest'],
      ['g-2', 'placed', 'rest'],
    ]);
  });

  it('a synchronous throw of the socket (a bug) is a fatal failure, not a crash', async () => {
    const rest = restOk();
    const socket = fakeSocketOrders(() => {
      throw new Error('boom');
    });
    const r = await createOrderRouter({ rest, socket, entryOf: ws() }).place(one, po);
    expect(r.outcomes[0]).toMatchObject({ kind: 'notSent', via: 'ws' });
    expect(r.failures.map((f) => f.retryClass)).toEqual(['fatal']);
  });
});

describe('order router: cancels', () => {
  it('a cancel goes over the socket when ready for the other budget, else over REST', async () => {
    const rest = restOk();
    const socket = fakeSocketOrders((c) => Promise.resolve(orderOf(c)));
    const router = createOrderRouter({ rest, socket, entryOf: ws() });
    const viaWs = await router.cancel({ market: 'BTC_USDT', orderId: 7 });
    expect(viaWs).toMatchObject({ ok: true, via: 'ws' });
    expect(socket.asked).toEqual(['other']);
    expect(socket.calls).toEqual([{ method: 'cancel', body: { market: 'BTC_USDT', orderId: 7 } }]);
    socket.isReady = () => false;
    const viaRest = await router.cancel({ market: 'BTC_USDT', orderId: 8 });
    expect(viaRest).toMatchObject({ ok: true, via: 'rest' });
    expect(rest.calls).toEqual([{ method: 'orderCancel', body: { market: 'BTC_USDT', orderId: 8 } }]);
  });

  it('a cancel refused for the region (10006) goes over REST and turns the socket off', async () => {
    const rest = restOk();
    const region = wsRefusal(10006, 'order_cancel');
    const socket = fakeSocketOrders(() => Promise.reject(region));
    const r = await createOrderRouter({ rest, socket, entryOf: ws() }).cancel({ market: 'BTC_USDT', orderId: 9 });
    expect(r).toMatchObject({ ok: true, via: 'rest' });
    expect(rest.calls).toEqual([{ method: 'orderCancel', body: { market: 'BTC_USDT', orderId: 9 } }]);
    expect(socket.refusals).toHaveLength(1);
    expect(socket.ready('place')).toBe(false);
  });

  it('a cancel the socket could not write goes over REST; an order not found stays the socket answer', async () => {
    const rest = restOk();
    const socket = fakeSocketOrders(() => Promise.reject(wsError('transport', { sent: false })));
    const r = await createOrderRouter({ rest, socket, entryOf: ws() }).cancel({ market: 'BTC_USDT', orderId: 9 });
    expect(r).toMatchObject({ ok: true, via: 'rest' });
    expect(rest.calls.map((c) => c.method)).toEqual(['orderCancel']);
    const gone = fakeSocketOrders(() => Promise.reject(wsError('orderNotFound', { code: 6 })));
    const g = await createOrderRouter({ rest, socket: gone, entryOf: ws() }).cancel({ market: 'BTC_USDT', orderId: 9 });
    expect(g).toMatchObject({ ok: false, via: 'ws', error: { kind: 'orderNotFound' } });
    expect(rest.calls).toHaveLength(1);
  });
});

describe('order router: the hold of a frame batch', () => {
  it('a socket send inside a frame batch waits for the journal commit, and asks ready only then', async () => {
    const log: string[] = [];
    const endOfRead: (() => void)[] = [];
    const journal: BatchJournal = { failed: false, openBatch: () => {}, closeBatch: () => {}, commit: () => void log.push('commit') };
    const turn = new TurnOrder({ journal, phases: { endOfRead: (f) => endOfRead.push(f), nextCheck: () => {} } });
    const socket = fakeSocketOrders((c) => {
      log.push(`send ${(c.body as WbNewOrderRequest).clientOrderId ?? ''}`);
      return Promise.resolve(orderOf(c));
    });
    const router = createOrderRouter({ rest: restOk(), socket, entryOf: ws(), hold: (start) => turn.hold(start) });
    let report: ReturnType<typeof router.place> | undefined;
    let inBatch: { calls: number; asked: number } | undefined;
    // A frame whose routing starts a request ends its batch at once (turn-order.ts rule 1): commit, then send.
    turn
      .reader(() => {
        report = router.place(one, po);
        inBatch = { calls: socket.calls.length, asked: socket.asked.length };
      })
      .push('{"method":"deals_update"}');
    expect(inBatch).toEqual({ calls: 0, asked: 0 });
    expect(log).toEqual(['commit', 'send g-0']);
    expect(endOfRead).toHaveLength(1);
    await expect(report).resolves.toMatchObject({ outcomes: [{ kind: 'placed', via: 'ws' }] });
  });

  it('after a failed commit nothing leaves: the outcome is notSent and the failure fatal', async () => {
    const turn = new TurnOrder({ journal: { failed: true, openBatch: () => {}, closeBatch: () => {}, commit: () => {} } });
    const socket = fakeSocketOrders((c) => Promise.resolve(orderOf(c)));
    const r = await createOrderRouter({ rest: restOk(), socket, entryOf: ws(), hold: (start) => turn.hold(start) }).place(one, po);
    expect(socket.calls).toEqual([]);
    expect(r.outcomes[0]).toMatchObject({ kind: 'notSent' });
    expect(r.failures.map((f) => f.retryClass)).toEqual(['fatal']);
  });
});
