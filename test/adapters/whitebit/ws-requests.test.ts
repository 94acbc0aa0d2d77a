/**
 * WsRequests: order requests correlated with their replies by id (in a range of their own), a
 * deadline per request on a manual clock (kept by one timer for all of them), and every pending
 * entry leaving on reply, deadline, abort or close.
 */
import { describe, expect, it } from 'vitest';
import { retryClass } from '../../../src/adapters/whitebit/codec/errors.js';
import { decodeWsOrderResult, limitPlaceCall, cancelCall } from '../../../src/adapters/whitebit/codec/ws-orders.js';
import type { WbOrder } from '../../../src/adapters/whitebit/codec/rest-models.js';
import { WS_ORDER_ID_BASE, WsRequests } from '../../../src/adapters/whitebit/ws-requests.js';
import { ManualClock } from './support/manual-clock.js';
import { rejection, wsOrder } from './support/ws-orders.js';

const ORDER = (id: number, clientOrderId = '') => wsOrder({ id, market: 'BTC_USDT', client_order_id: clientOrderId });

function setup(deadlineMs = 1000) {
  const clock = new ManualClock();
  const decodeErrors: string[] = [];
  const requests = new WsRequests({ clock, deadlineMs, onDecodeError: (m, r) => decodeErrors.push(`${m}: ${r}`) });
  const written: { id: number; method: string; params: unknown[] }[] = [];
  const write = (text: string) => {
    written.push(JSON.parse(text) as { id: number; method: string; params: unknown[] });
    return true;
  };
  const place = (cid: string) =>
    requests.issue(
      {
        call: limitPlaceCall({ market: 'BTC_USDT', side: 'buy', amount: '0.001', price: '60000', clientOrderId: cid }),
        idempotent: false,
        decode: decodeWsOrderResult,
      },
      write,
    );
  return { clock, requests, written, write, place, decodeErrors };
}

describe('WsRequests', () => {
  it('writes the request frame synchronously, with an id in the order range', () => {
    const s = setup();
    void s.place('g-1');
    expect(s.written).toEqual([
      {
        id: WS_ORDER_ID_BASE,
        method: 'order_limit_place',
        params: [{ market: 'BTC_USDT', side: 'buy', amount: '0.001', price: '60000', client_order_id: 'g-1' }],
      },
    ]);
    expect(WsRequests.owns(s.written[0]!.id)).toBe(true);
    expect(WsRequests.owns(1)).toBe(false);
    expect(WsRequests.owns(12345)).toBe(false);
  });

  it('settles each request by its id, whatever the order of the replies', async () => {
    const s = setup();
    const a = s.place('g-a');
    const b = s.place('g-b');
    const [ida, idb] = s.written.map((w) => w.id);
    expect(ida).not.toBe(idb);
    expect(s.requests.settle({ kind: 'reply', id: idb!, result: ORDER(2, 'g-b') })).toBe(true);
    expect(s.requests.settle({ kind: 'reply', id: ida!, result: ORDER(1, 'g-a') })).toBe(true);
    expect(((await a) as WbOrder).clientOrderId).toBe('g-a');
    expect(((await b) as WbOrder).orderId).toBe(2);
    expect(s.requests.size).toBe(0);
  });

  it('passes on a reply outside its range (the connection machine owns it)', () => {
    const s = setup();
    void s.place('g-1');
    expect(s.requests.settle({ kind: 'reply', id: 3, result: { status: 'success' } })).toBe(false);
    expect(s.requests.size).toBe(1);
  });

  it('an error reply rejects with the mapped REST kind', async () => {
    const s = setup();
    const p = s.place('g-1');
    s.requests.settle({ kind: 'replyError', id: s.written[0]!.id, code: 43, message: 'client order id already exists' });
    expect(await rejection(p)).toMatchObject({ kind: 'duplicateClientOrderId', code: 43, sent: true });
  });

  it('no reply within the deadline is an unknown outcome; the late reply is stray', async () => {
    const s = setup(1000);
    const p = s.place('g-1');
    const rejected = rejection(p);
    await s.clock.advance(999);
    expect(s.requests.size).toBe(1);
    await s.clock.advance(1);
    const e = await rejected;
    expect(e).toMatchObject({ kind: 'unknownOutcome', sent: true, idempotent: false });
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(s.requests.size).toBe(0);
    expect(s.requests.settle({ kind: 'reply', id: s.written[0]!.id, result: ORDER(1) })).toBe(true);
    expect(s.requests.stats).toMatchObject({ timeouts: 1, stray: 1, replies: 0 });
  });

  it('a duplicated reply is counted and ignored', async () => {
    const s = setup();
    const p = s.place('g-1');
    const id = s.written[0]!.id;
    s.requests.settle({ kind: 'reply', id, result: ORDER(7) });
    s.requests.settle({ kind: 'reply', id, result: ORDER(8) });
    expect(((await p) as WbOrder).orderId).toBe(7);
    expect(s.requests.stats).toMatchObject({ replies: 1, stray: 1 });
  });

  it('a malformed reply fails its request as decode (an unknown outcome for a placement) and is reported', async () => {
    const s = setup();
    const p = s.place('g-1');
    expect(s.requests.settle({ kind: 'reply', id: s.written[0]!.id, result: { status: 'success' } })).toBe(true);
    const e = await rejection(p);
    expect(e.kind).toBe('decode');
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(s.decodeErrors).toHaveLength(1);
    expect(s.requests.size).toBe(0);
  });

  // Issue 13: one deadline timer for all pending requests, not a setTimeout/clearTimeout per request.
  it('one timer keeps every request to its own deadline; replies do not touch it', async () => {
    const s = setup(1000);
    const a = rejection(s.place('g-a'));
    await s.clock.advance(400);
    const b = rejection(s.place('g-b'));
    const c = s.place('g-c');
    expect(s.clock.pendingTimers).toBe(1);
    s.requests.settle({ kind: 'reply', id: s.written[2]!.id, result: ORDER(3, 'g-c') });
    expect(((await c) as WbOrder).orderId).toBe(3);
    expect(s.clock.pendingTimers).toBe(1);
    await s.clock.advance(600);
    expect((await a).kind).toBe('unknownOutcome');
    expect(s.requests.size).toBe(1);
    await s.clock.advance(399);
    expect(s.requests.size).toBe(1);
    await s.clock.advance(1);
    expect((await b).kind).toBe('unknownOutcome');
    expect(s.requests.size).toBe(0);
    expect(s.requests.stats.timeouts).toBe(2);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it('a timer left armed after the last reply expires nothing answered', async () => {
    const s = setup(1000);
    const a = s.place('g-a');
    s.requests.settle({ kind: 'reply', id: s.written[0]!.id, result: ORDER(1, 'g-a') });
    await a;
    await s.clock.advance(700);
    const b = rejection(s.place('g-b'));
    await s.clock.advance(300);
    expect(s.requests.size).toBe(1);
    expect(s.requests.stats.timeouts).toBe(0);
    await s.clock.advance(700);
    expect((await b).kind).toBe('unknownOutcome');
    expect(s.requests.stats.timeouts).toBe(1);
  });

  it('closeAll rejects every pending request unknownOutcome and clears the deadline timer', async () => {
    const s = setup();
    const a = rejection(s.place('g-a'));
    const b = rejection(s.place('g-b'));
    expect(s.clock.pendingTimers).toBe(1);
    s.requests.closeAll('socket closed (1006)');
    expect((await a).kind).toBe('unknownOutcome');
    expect((await b).message).toContain('socket closed');
    expect(s.requests.size).toBe(0);
    expect(s.clock.pendingTimers).toBe(0);
    expect(s.requests.stats.closed).toBe(2);
  });

  it('a write that fails rejects transport sent:false and leaves nothing pending', async () => {
    const s = setup();
    const p = s.requests.issue({ call: cancelCall({ market: 'BTC_USDT', orderId: 5 }), idempotent: true, decode: decodeWsOrderResult }, () => false);
    expect(await rejection(p)).toMatchObject({ kind: 'transport', sent: false });
    expect(s.requests.size).toBe(0);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it('a write that throws is an unknown outcome (the frame may be on the wire)', async () => {
    const s = setup();
    const p = s.requests.issue({ call: cancelCall({ market: 'BTC_USDT', clientOrderId: 'g-1' }), idempotent: false, decode: decodeWsOrderResult }, () => {
      throw new Error('EPIPE');
    });
    expect(await rejection(p)).toMatchObject({ kind: 'unknownOutcome', sent: true });
    expect(s.requests.size).toBe(0);
  });

  it('an abort before sending writes nothing; after sending it is aborted with sent:true', async () => {
    const s = setup();
    const before = new AbortController();
    before.abort();
    const call = limitPlaceCall({ market: 'BTC_USDT', side: 'buy', amount: '1', price: '2' });
    expect(await rejection(s.requests.issue({ call, idempotent: false, decode: decodeWsOrderResult, signal: before.signal }, s.write))).toMatchObject({
      kind: 'aborted',
      sent: false,
    });
    expect(s.written).toHaveLength(0);
    const after = new AbortController();
    const p = rejection(s.requests.issue({ call, idempotent: false, decode: decodeWsOrderResult, signal: after.signal }, s.write));
    after.abort();
    const e = await p;
    expect(e).toMatchObject({ kind: 'aborted', sent: true });
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(s.requests.size).toBe(0);
  });
});
