import { describe, expect, it } from 'vitest';
import dc from 'node:diagnostics_channel';
import { LatencyProbe } from '../../bench/probe.js';
import type { FrameTape } from '../../bench/frame-tape.js';
import type { FillRecord } from '../../bench/protocol.js';

const ms = (n: number): bigint => BigInt(Math.round(n * 1e6));
const deal = (orderId: number, market: string, price: string): string =>
  JSON.stringify({ method: 'deals_update', params: [orderId * 10, 1, market, orderId, price, '1', '0', `c${orderId}`] });
const place = (market: string, side: string, price: string): string =>
  JSON.stringify({ id: 1, method: 'order_limit_place', params: [{ market, side, amount: '1', price, postOnly: true }] });
const fill = (orderId: number, side: 'buy' | 'sell', price: string): FillRecord => ({
  market: 'A_USDT',
  orderId,
  clientOrderId: `c${orderId}`,
  side,
  price,
  amount: '1',
});

/** A probe holding a window's frames and order frames as if recorded (the recording is the wrapped `ws`, not under test). */
function recorded(frames: [number, string][], sent: [number, string][]): LatencyProbe {
  const probe = new LatencyProbe();
  const raw = probe as unknown as { received: FrameTape; sentFrames: FrameTape; sent: unknown[] };
  for (const [t, data] of frames) raw.received.push(ms(t), data);
  raw.sent = sent.map(([t, frame], frameAt) => {
    raw.sentFrames.push(ms(t), frame);
    return { t1: ms(t), via: 'ws', frameAt, tc: ms(t), th: ms(t), headers: undefined };
  });
  return probe;
}

describe("LatencyProbe.analyze: a deal before its order's answer (issue 15)", () => {
  it('counts a counter-order sent on a deal that came before the answer to the filled order, and not one after it', () => {
    // Order 5 (sell 100) is answered at 30 ms, after its deal at 20 ms; order 6 (sell 101) at 35 ms, before its deal at 40 ms.
    const answer = (id: number): string => JSON.stringify({ id: id + 1000, result: { id, market: 'A_USDT', side: 1, price: '100' }, error: null });
    const probe = recorded(
      [
        [20, deal(5, 'A_USDT', '100')],
        [30, answer(5)],
        [35, answer(6)],
        [40, deal(6, 'A_USDT', '101')],
      ],
      [
        [20.5, place('A_USDT', 'buy', '99')],
        [40.5, place('A_USDT', 'buy', '100')],
      ],
    );
    const r = probe.analyze([fill(5, 'sell', '100'), fill(6, 'sell', '101')], '1');
    expect(r.latencyUs).toEqual([500, 500]);
    expect(r.dealsBeforeAnswer).toBe(1);
  });
});

describe('LatencyProbe.analyze: level waits apart (issue 15)', () => {
  it('sets apart the fill whose level a late counter-order held, and keeps the late one, pause included, a reaction sample', () => {
    // Buys 97-99, sells 101-103. The buy at 99 fills; its sell at 100 leaves 15 ms later (a pause of ours); the sell
    // at 101 filled at 10 ms, and its buy at 100 waits until the sell at 100 fills (50 ms).
    const probe = recorded(
      [
        [0, deal(1, 'A_USDT', '99.00')],
        [10, deal(2, 'A_USDT', '101.00')],
        [50, deal(3, 'A_USDT', '100.00')],
      ],
      [
        [15, place('A_USDT', 'sell', '100')],
        [50.1, place('A_USDT', 'buy', '99')],
        [50.2, place('A_USDT', 'buy', '100')],
      ],
    );
    const r = probe.analyze([fill(1, 'buy', '99.00'), fill(2, 'sell', '101.00'), fill(3, 'sell', '100.00')], '1');
    expect(r.latencyUs).toEqual([15_000, 40_200, 100]);
    expect(r.pairs.map((p) => p.levelWait)).toEqual([false, true, false]);
    expect(r.reactionUs).toEqual([15_000, 100]);
    expect(r.levelWaits).toBe(1);
    // The level was held by the late sell at 100: the first fill's counter-order, a reaction sample that counts the pause.
    expect(r.levelWaitHolders).toEqual({ reaction: 1, leftBeforeFill: 0, levelWait: 0, none: 0 });
  });

  it('tells a level held by a counter-order that had already left before the next fill came (the exchange took that fill first)', () => {
    // The server makes two fills of the market 1 ms apart (its timer catching up): the sell at 100 left at 0.5 ms,
    // the exchange took the sell at 101 before it rested, and that fill's buy at 100 waits for the sell at 100.
    const probe = recorded(
      [
        [0, deal(1, 'A_USDT', '99')],
        [1, deal(2, 'A_USDT', '101')],
        [40, deal(3, 'A_USDT', '100')],
      ],
      [
        [0.5, place('A_USDT', 'sell', '100')],
        [40.5, place('A_USDT', 'buy', '99')],
        [40.6, place('A_USDT', 'buy', '100')],
      ],
    );
    const r = probe.analyze([fill(1, 'buy', '99'), fill(2, 'sell', '101'), fill(3, 'sell', '100')], '1');
    expect(r.pairs.map((p) => p.levelWait)).toEqual([false, true, false]);
    expect(r.levelWaitHolders).toEqual({ reaction: 1, leftBeforeFill: 1, levelWait: 0, none: 0 });
  });
});

describe('LatencyProbe: where a REST sample ends', () => {
  it('ends a request at the start of its write (sendHeaders), as a frame ends before its write, and keeps bodySent apart', () => {
    const probe = new LatencyProbe();
    probe.install();
    probe.arm();
    (probe as unknown as { received: FrameTape }).received.push(process.hrtime.bigint(), deal(5, 'A_USDT', '100'));
    const payload = Buffer.from(JSON.stringify({ market: 'A_USDT', side: 'buy', price: '99', amount: '1' })).toString('base64');
    const request = { method: 'POST', path: '/api/v4/order/new', headers: ['x-txc-payload', payload] };
    dc.channel('undici:request:create').publish({ request });
    dc.channel('undici:client:sendHeaders').publish({ request, headers: '', socket: null });
    dc.channel('undici:request:bodySent').publish({ request });
    probe.disarm();
    const r = probe.analyze([fill(5, 'sell', '100')], '1');
    expect(r.latencyUs).toHaveLength(1);
    expect(r.latencyUs).toEqual(r.headersUs);
    expect(r.bodySentUs).toHaveLength(1);
    expect(r.bodySentUs[0]).toBeGreaterThanOrEqual(r.latencyUs[0] ?? Infinity);
  });
});
