import { describe, expect, it } from 'vitest';
import { LatencyProbe } from '../../bench/probe.js';
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
  const raw = probe as unknown as { messages: unknown[]; sent: unknown[] };
  raw.messages = frames.map(([t, data]) => ({ t: ms(t), data }));
  raw.sent = sent.map(([t, frame]) => ({ t1: ms(t), via: 'ws', frame, tc: ms(t), th: ms(t), headers: undefined }));
  return probe;
}

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
    expect(r.levelWaitAfter).toEqual({ reaction: 1, other: 0 });
  });
});
