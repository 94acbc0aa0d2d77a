/**
 * Conformance, WebSocket public side: WsTransport + decodeFrame/encodeCall against the simulator
 * (issue 3). Time is the simulator's manual clock; frames are awaited, and a ping round trip is
 * the barrier that proves everything sent before it has arrived.
 * @see whitebit-protocol.md §7.1–§7.3, §7.5–§7.7
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type WbDepthUpdate,
  type WbLevel,
  type WbWsMessage,
  depthSubscribeCall,
  encodeRequest,
  lastpriceSubscribeCall,
  pingCall,
} from '../../../src/adapters/whitebit/index.js';
import { type Conformance, type ConformanceOptions, WsProbe, startConformance } from './harness.js';

const BTC = 'BTC_USDT';
const ETH = 'ETH_USDT';

let h: Conformance | undefined;
let probe: WsProbe | undefined;
const open = async (options?: ConformanceOptions): Promise<{ h: Conformance; ws: WsProbe }> => {
  h = await startConformance(options);
  probe = await WsProbe.open(h.sim);
  return { h, ws: probe };
};
afterEach(async () => {
  probe?.close();
  probe = undefined;
  await h?.close();
  h = undefined;
});

const isDepth = (m: WbWsMessage): m is WbDepthUpdate => m.kind === 'depth_update';

/** A local order book fed by depth_update frames, checking the update_id chain as it goes. */
class LocalBook {
  readonly asks = new Map<string, string>();
  readonly bids = new Map<string, string>();
  lastUpdateId: number | undefined;
  /** Deltas whose past_update_id did not match the previous update_id. */
  readonly gaps: { expected: number | undefined; got: number | undefined }[] = [];

  apply(u: WbDepthUpdate): void {
    if (u.full_reload) {
      this.asks.clear();
      this.bids.clear();
    } else if (u.past_update_id !== this.lastUpdateId) {
      this.gaps.push({ expected: this.lastUpdateId, got: u.past_update_id });
    }
    this.lastUpdateId = u.update_id;
    const set = (side: Map<string, string>, levels: readonly WbLevel[]): void => {
      for (const [p, a] of levels) {
        if (Number(a) === 0) side.delete(p);
        else side.set(p, a);
      }
    };
    set(this.asks, u.asks);
    set(this.bids, u.bids);
  }

  view(limit: number): { asks: [string, string][]; bids: [string, string][] } {
    const sorted = (m: Map<string, string>, dir: 1 | -1): [string, string][] =>
      [...m.entries()].sort(([a], [b]) => dir * (Number(a) - Number(b))).slice(0, limit);
    return { asks: sorted(this.asks, 1), bids: sorted(this.bids, -1) };
  }
}

describe('framing', () => {
  it('answers a JSON ping with pong for the same id', async () => {
    const { ws } = await open();
    const r = await ws.call(pingCall());
    expect(r).toEqual({ kind: 'pong', id: 1 });
  });

  it('closes the socket on invalid JSON', async () => {
    const { ws } = await open();
    ws.transport.send('{"id":1,"method":"ping",');
    const closed = await ws.closed;
    expect(closed.code).toBe(1007);
    expect(ws.transport.isOpen).toBe(false);
  });

  it('answers an unknown market with error code 9', async () => {
    const { ws } = await open();
    expect(await ws.call(depthSubscribeCall('NOPE_USDT', 20))).toMatchObject({
      kind: 'replyError',
      code: 9,
      message: 'market NOPE_USDT does not exist',
    });
    expect(await ws.call(lastpriceSubscribeCall([BTC, 'NOPE_USDT']))).toMatchObject({ kind: 'replyError', code: 9 });
  });

  it('answers an unknown method with error code 4', async () => {
    const { ws } = await open();
    ws.transport.send(encodeRequest(77, 'nope_subscribe', []));
    expect(await ws.next((m) => m.kind === 'replyError' && m.id === 77)).toMatchObject({ code: 4 });
  });

  it('closes a silent client after the idle timeout; any message re-arms it', async () => {
    const { h, ws } = await open({ sim: { idleTimeoutMs: 5_000 } });
    h.sim.advance(4_000);
    await ws.barrier(); // a client message: the idle timer starts again
    h.sim.advance(4_999);
    await ws.barrier();
    expect(ws.transport.isOpen).toBe(true);
    h.sim.advance(5_000);
    const closed = await ws.closed;
    expect(closed.code).toBe(1000);
    expect(closed.reason).toBe('idle timeout');
  });
});

describe('lastprice', () => {
  it('pushes each subscribed market at once and then periodically', async () => {
    const { h, ws } = await open();
    await ws.ok(lastpriceSubscribeCall([BTC, ETH]));
    await ws.barrier();
    expect(ws.take('lastprice_update')).toEqual([
      { kind: 'lastprice_update', market: BTC, price: h.sim.state.lastPrice(BTC) },
      { kind: 'lastprice_update', market: ETH, price: h.sim.state.lastPrice(ETH) },
    ]);
    // A trade moves the last price; the next periodic push carries it.
    const before = h.sim.state.lastPrice(BTC);
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '64100' });
    const traded = h.sim.state.trades(BTC)[0]?.price;
    expect(traded).not.toBe(before);
    h.sim.advance(1_000);
    await ws.barrier();
    const pushed = ws.take('lastprice_update');
    expect(pushed.map((u) => [u.market, u.price])).toEqual([
      [BTC, traded],
      [ETH, h.sim.state.lastPrice(ETH)],
    ]);
  });

  it('a second subscribe replaces the first', async () => {
    const { h, ws } = await open();
    await ws.ok(lastpriceSubscribeCall([BTC]));
    await ws.ok(lastpriceSubscribeCall([ETH]));
    await ws.barrier();
    ws.take('lastprice_update');
    h.sim.advance(3_000);
    await ws.barrier();
    const markets = ws.take('lastprice_update').map((u) => u.market);
    expect(markets).toEqual([ETH, ETH, ETH]);
  });
});

describe('depth', () => {
  it('starts with a snapshot, then deltas whose past_update_id chains; the local book matches', async () => {
    const { h, ws } = await open();
    await ws.ok(depthSubscribeCall(BTC, 20));
    const book = new LocalBook();
    const snapshot = await ws.next(isDepth);
    expect(snapshot).toMatchObject({ market: BTC, full_reload: true, update_id: h.sim.state.updateId(BTC), past_update_id: undefined });
    book.apply(snapshot);
    expect(book.view(20)).toEqual(h.sim.state.book(BTC, 20));

    // Many book changes, each pushed as its own delta (the clock passes the 100 ms coalescing window).
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) {
      const o = await h.client.orderNew({
        market: BTC,
        side: i % 2 === 0 ? 'buy' : 'sell',
        amount: '0.002',
        price: String(i % 2 === 0 ? 63960 - i : 64040 + i),
      });
      ids.push(o.orderId);
      h.sim.advance(100);
    }
    for (const id of ids.slice(0, 4)) {
      await h.client.orderCancel({ market: BTC, orderId: id });
      h.sim.advance(100);
    }
    // A marketable order moves the inside of the book too.
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.01', price: '64100' });
    h.sim.advance(100);
    await ws.barrier();

    const deltas = ws.take('depth_update');
    expect(deltas.length).toBe(13);
    for (const d of deltas) {
      expect(d.full_reload).toBe(false);
      book.apply(d);
    }
    expect(book.gaps).toEqual([]);
    expect(book.lastUpdateId).toBe(h.sim.state.updateId(BTC));
    expect(book.view(20)).toEqual(h.sim.state.book(BTC, 20));
  });

  it('coalesces changes inside 100 ms into one delta, and re-sends a snapshot after 10 s of quiet', async () => {
    const { h, ws } = await open();
    await ws.ok(depthSubscribeCall(BTC, 10));
    const book = new LocalBook();
    book.apply(await ws.next(isDepth));
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.002', price: '63960' });
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.003', price: '63950' });
    h.sim.advance(100);
    await ws.barrier();
    const [delta, ...more] = ws.take('depth_update');
    expect(more).toEqual([]);
    expect(delta?.bids).toEqual(
      expect.arrayContaining([
        ['63960', '0.002'],
        ['63950', '0.003'],
      ]),
    );
    book.apply(delta as WbDepthUpdate);

    h.sim.advance(10_000);
    await ws.barrier();
    const [keepalive] = ws.take('depth_update');
    expect(keepalive).toMatchObject({ full_reload: true, past_update_id: undefined });
    book.apply(keepalive as WbDepthUpdate);
    expect(book.gaps).toEqual([]);
    expect(book.view(10)).toEqual(h.sim.state.book(BTC, 10));
  });

  it('a dropped depth frame shows up as a break in the update_id chain', async () => {
    const { h, ws } = await open();
    await ws.ok(depthSubscribeCall(BTC, 20));
    const book = new LocalBook();
    book.apply(await ws.next(isDepth));

    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.002', price: '63960' });
    h.sim.advance(100);
    h.sim.faults.dropFrames('depth', { next: 1 });
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.002', price: '63961' });
    h.sim.advance(100);
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.002', price: '63962' });
    h.sim.advance(100);
    await ws.barrier();

    const deltas = ws.take('depth_update');
    expect(deltas).toHaveLength(2);
    for (const d of deltas) book.apply(d);
    expect(h.sim.faults.stats.framesDropped).toBe(1);
    expect(book.gaps).toHaveLength(1);
    expect(book.gaps[0]?.got).not.toBe(book.gaps[0]?.expected);
    // The lost level is missing locally: exactly what a resubscribe must repair.
    expect(book.view(20)).not.toEqual(h.sim.state.book(BTC, 20));
  });

  it('depth with multi=true adds markets; multi=false drops the others', async () => {
    const { h, ws } = await open();
    await ws.ok(depthSubscribeCall(BTC, 5));
    await ws.ok(depthSubscribeCall(ETH, 5));
    await ws.barrier();
    expect(ws.take('depth_update').map((u) => u.market)).toEqual([BTC, ETH]);
    await ws.ok(depthSubscribeCall(ETH, 5, '0', false));
    await ws.barrier();
    ws.take('depth_update');
    await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.002', price: '63990' });
    await h.client.orderNew({ market: ETH, side: 'buy', amount: '0.01', price: '3199' });
    h.sim.advance(100);
    await ws.barrier();
    expect(ws.take('depth_update').map((u) => u.market)).toEqual([ETH]);
  });
});
