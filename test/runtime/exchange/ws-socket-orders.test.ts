/**
 * WsSocketOrders, the SocketOrders port over a fake socket and a manual clock: ready only while
 * open, authorized and within the budget; nothing written otherwise (`transport`, `sent: false`);
 * replies by id; deadline and close are unknown outcomes; a stale socket's link is ignored.
 */
import { describe, expect, it } from 'vitest';
import { retryClass } from '../../../src/adapters/whitebit/codec/errors.js';
import { WS_ORDER_ID_BASE } from '../../../src/adapters/whitebit/ws-requests.js';
import { type OrderSocket, WsSocketOrders } from '../../../src/runtime/exchange/ws-socket-orders.js';
import { ManualClock } from '../../adapters/whitebit/support/manual-clock.js';
import { rejection, wsOrder } from '../../adapters/whitebit/support/ws-orders.js';

class FakeSocket implements OrderSocket {
  isOpen = true;
  readonly sent: { id: number; method: string; params: Record<string, unknown>[] }[] = [];
  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.sent.push(JSON.parse(text) as { id: number; method: string; params: Record<string, unknown>[] });
    return true;
  }
}

const REQ = { market: 'BTC_USDT', side: 'sell', amount: '0.001', price: '61000', clientOrderId: 'g-s-1', postOnly: true } as const;
const order = (id: number, status = 'OPEN') =>
  wsOrder({
    id,
    market: 'BTC_USDT',
    side: 1,
    post_only: true,
    price: '61000',
    amount: '0.001',
    left: status === 'OPEN' ? '0.001' : '0',
    client_order_id: 'g-s-1',
    status,
  });

function setup(opts: ConstructorParameters<typeof WsSocketOrders>[0] = {}) {
  const clock = new ManualClock();
  const warnings: string[] = [];
  const orders = new WsSocketOrders({ clock, deadlineMs: 2000, logger: { warn: (_o, m) => warnings.push(m), debug: () => {} }, ...opts });
  const socket = new FakeSocket();
  return { clock, orders, socket, warnings };
}

describe('WsSocketOrders', () => {
  it('once refused for the region, is never ready again, on this socket or the next, and warns once', () => {
    const s = setup();
    s.orders.attach(s.socket).authorized();
    expect(s.orders.ready('place')).toBe(true);
    s.orders.refuse('ws order_limit_place rejected (code 10009): spot trading is not available in your region');
    s.orders.refuse('again');
    expect(s.orders.ready('place')).toBe(false);
    expect(s.orders.ready('other')).toBe(false);
    s.orders.attach(new FakeSocket()).authorized();
    expect(s.orders.ready('place')).toBe(false);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toContain('orderEntry: rest');
  });

  it('is not ready and writes nothing before a socket is attached or authorized', async () => {
    const s = setup();
    expect(s.orders.ready('place')).toBe(false);
    expect(await rejection(s.orders.placeLimit(REQ))).toMatchObject({ kind: 'transport', sent: false });
    const link = s.orders.attach(s.socket);
    expect(s.orders.ready('place')).toBe(false);
    expect(s.orders.ready('other')).toBe(false);
    const e = await rejection(s.orders.cancel({ market: 'BTC_USDT', orderId: 9 }));
    expect(e).toMatchObject({ kind: 'transport', sent: false });
    expect(e.message).toContain('not authorized');
    expect(retryClass(e)).toBe('backoff');
    expect(s.socket.sent).toHaveLength(0);
    link.authorized();
    expect(s.orders.ready('place')).toBe(true);
    expect(s.orders.ready('other')).toBe(true);
  });

  it('places a limit order in the caller tick and resolves with the REST model on its reply', async () => {
    const s = setup();
    const link = s.orders.attach(s.socket);
    link.authorized();
    const p = s.orders.placeLimit(REQ);
    // Written before any await: the hot path sends in the caller's tick.
    expect(s.socket.sent).toEqual([
      {
        id: WS_ORDER_ID_BASE,
        method: 'order_limit_place',
        params: [{ market: 'BTC_USDT', side: 'sell', amount: '0.001', price: '61000', client_order_id: 'g-s-1', post_only: true }],
      },
    ]);
    expect(link.reply({ kind: 'reply', id: WS_ORDER_ID_BASE, result: order(77) })).toBe(true);
    expect(await p).toMatchObject({ orderId: 77, clientOrderId: 'g-s-1', side: 'sell', type: 'limit', left: '0.001', status: 'OPEN' });
  });

  it('correlates interleaved replies and leaves the connection machine its own', async () => {
    const s = setup();
    const link = s.orders.attach(s.socket);
    link.authorized();
    const place = s.orders.placeLimit(REQ);
    const cancel = s.orders.cancel({ market: 'BTC_USDT', clientOrderId: 'g-b-4' });
    const [placeId, cancelId] = s.socket.sent.map((f) => f.id);
    expect(s.socket.sent[1]).toMatchObject({ method: 'order_cancel', params: [{ market: 'BTC_USDT', client_order_id: 'g-b-4' }] });
    expect(link.reply({ kind: 'reply', id: 2, result: { status: 'success' } })).toBe(false);
    expect(link.reply({ kind: 'reply', id: cancelId!, result: order(5, 'CANCELED') })).toBe(true);
    expect(link.reply({ kind: 'replyError', id: placeId!, code: 13, message: 'order by taker price' })).toBe(true);
    expect(await cancel).toMatchObject({ orderId: 5, status: 'CANCELED' });
    expect(await rejection(place)).toMatchObject({ kind: 'postOnlyRejected', code: 13 });
  });

  it('a reply that never comes is an unknown outcome at the deadline', async () => {
    const s = setup();
    s.orders.attach(s.socket).authorized();
    const p = rejection(s.orders.placeLimit(REQ));
    await s.clock.advance(2000);
    const e = await p;
    expect(e).toMatchObject({ kind: 'unknownOutcome', sent: true });
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(s.orders.requests.size).toBe(0);
  });

  it('a close with requests pending rejects them unknownOutcome; then it is not ready and writes nothing', async () => {
    const s = setup();
    const link = s.orders.attach(s.socket);
    link.authorized();
    const place = rejection(s.orders.placeLimit(REQ));
    const cancel = rejection(s.orders.cancel({ market: 'BTC_USDT', orderId: 12 }));
    s.socket.isOpen = false;
    link.closed('closed (1006)');
    const [pe, ce] = [await place, await cancel];
    expect(pe).toMatchObject({ kind: 'unknownOutcome', sent: true, idempotent: false });
    expect(retryClass(pe)).toBe('unknownOutcome');
    // A cancel by order id is idempotent: the router may simply repeat it.
    expect(ce).toMatchObject({ kind: 'unknownOutcome', idempotent: true });
    expect(s.orders.ready('place')).toBe(false);
    expect(await rejection(s.orders.placeLimit(REQ))).toMatchObject({ kind: 'transport', sent: false });
    expect(s.socket.sent).toHaveLength(2);
  });

  it('a socket that is no longer open is not ready and is not written to', async () => {
    const s = setup();
    s.orders.attach(s.socket).authorized();
    s.socket.isOpen = false;
    expect(s.orders.ready('place')).toBe(false);
    expect(await rejection(s.orders.placeLimit(REQ))).toMatchObject({ kind: 'transport', sent: false });
    expect(s.socket.sent).toHaveLength(0);
  });

  it('a spent budget makes it not ready and refuses without writing; the budget refills with time', async () => {
    // 20 per 10 s at safety 0.5 and burst 0.5: a burst of 5 placements.
    const s = setup({ budgets: { place: { limit: 20, windowMs: 10_000 } }, safety: 0.5, burst: 0.5 });
    s.orders.attach(s.socket).authorized();
    for (let i = 0; i < 5; i++) void s.orders.placeLimit({ ...REQ, clientOrderId: `g-${i}` }).catch(() => {});
    expect(s.socket.sent).toHaveLength(5);
    expect(s.orders.ready('place')).toBe(false);
    // The other budget is separate (§1.14).
    expect(s.orders.ready('other')).toBe(true);
    const e = await rejection(s.orders.placeLimit({ ...REQ, clientOrderId: 'g-5' }));
    expect(e).toMatchObject({ kind: 'transport', sent: false });
    expect(e.message).toContain('place budget');
    expect(s.socket.sent).toHaveLength(5);
    s.clock.set(s.clock.now() + 10_000);
    expect(s.orders.ready('place')).toBe(true);
  });

  it('each connection starts with a full budget', () => {
    const s = setup({ budgets: { other: { limit: 4, windowMs: 10_000 } }, safety: 1, burst: 0.5 });
    const first = s.orders.attach(s.socket);
    first.authorized();
    void s.orders.cancel({ market: 'BTC_USDT', orderId: 1 }).catch(() => {});
    void s.orders.cancel({ market: 'BTC_USDT', orderId: 2 }).catch(() => {});
    expect(s.orders.ready('other')).toBe(false);
    first.closed('drop');
    s.orders.attach(new FakeSocket()).authorized();
    expect(s.orders.ready('other')).toBe(true);
  });

  it("ignores a replaced socket's link: its close does not cut the new socket", async () => {
    const s = setup();
    const old = s.orders.attach(s.socket);
    old.authorized();
    const pending = rejection(s.orders.placeLimit(REQ));
    const fresh = new FakeSocket();
    const link = s.orders.attach(fresh);
    // Attaching a new socket settles what the old one left waiting.
    expect((await pending).kind).toBe('unknownOutcome');
    old.authorized();
    expect(s.orders.ready('place')).toBe(false);
    link.authorized();
    old.closed('late close of the old socket');
    expect(s.orders.ready('place')).toBe(true);
  });

  it('a malformed reply is logged and fails only its own request', async () => {
    const s = setup();
    const link = s.orders.attach(s.socket);
    link.authorized();
    const bad = rejection(s.orders.placeLimit(REQ));
    const good = s.orders.placeLimit({ ...REQ, clientOrderId: 'g-s-2' });
    const [badId, goodId] = s.socket.sent.map((f) => f.id);
    link.reply({ kind: 'reply', id: badId!, result: { ...order(1), side: 'up' } });
    link.reply({ kind: 'reply', id: goodId!, result: order(2) });
    expect((await bad).kind).toBe('decode');
    expect((await good).orderId).toBe(2);
    expect(s.warnings).toEqual(['ws: order reply unreadable; the order is an unknown outcome']);
    expect(s.orders.ready('place')).toBe(true);
  });

  it('refuses an invalid request before writing it', async () => {
    const s = setup();
    s.orders.attach(s.socket).authorized();
    expect(await rejection(s.orders.placeLimit({ ...REQ, price: '0' }))).toMatchObject({ kind: 'invalidRequest' });
    expect(await rejection(s.orders.cancel({ market: 'BTC_USDT' } as never))).toMatchObject({ kind: 'invalidRequest' });
    expect(s.socket.sent).toHaveLength(0);
  });
});
