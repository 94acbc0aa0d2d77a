import { createActor, fromCallback } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ALL_BOTS, orderEntryOf } from '../../bench/latency.js';
import type { SocketOrder } from '../../bench/bare-bot.js';
import { skeletonMachine } from '../../bench/skeleton-bot.js';

describe('bench bots', () => {
  it('starts our runtime only for our bots, with their order entry; the others are not ours', () => {
    const entries = Object.fromEntries(ALL_BOTS.map((b) => [b, orderEntryOf(b)]));
    expect(entries).toEqual({
      ours: 'ws',
      'ours-rest': 'rest',
      'ours-quiet': 'ws',
      baseline: null,
      bare: null,
      'bare-own': null,
      skeleton: null,
      'skeleton-rest': null,
    });
  });

  it("skeleton: each deal's counter-order goes to the desk, one level away on the other side, same amount, a fresh client id", () => {
    const placed: SocketOrder[] = [];
    const desk = fromCallback<{ type: 'place'; order: SocketOrder }>(({ receive }) => receive((e) => placed.push(e.order)));
    const actor = createActor(skeletonMachine.provide({ actors: { desk } }), { input: { market: 'A_USDT', step: '0.5' } });
    actor.start();
    // [id, time, market, orderId, price, amount, fee, clientOrderId, side (1 sell, 2 buy)]
    actor.send({ type: 'deal', params: [1, 0, 'A_USDT', 10, '100.1', '2', '0', 'g1', 1] });
    actor.send({ type: 'deal', params: [2, 0, 'A_USDT', 11, '0.3', '1.5', '0', 'g2', 2] });
    actor.stop();
    expect(placed).toEqual([
      { market: 'A_USDT', side: 'buy', amount: '2', price: '99.60', client_order_id: 'fl.1', post_only: true },
      { market: 'A_USDT', side: 'sell', amount: '1.5', price: '0.80', client_order_id: 'fl.2', post_only: true },
    ]);
  });
});
