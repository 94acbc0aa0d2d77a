/**
 * The Decimal work of one fill (issue 13, point 2): decimal.js allocates and normalises on every
 * operation, so the hot path adds nothing to zero, subtracts no zero, and divides a repeated fee by a
 * repeated amount once. Counted, not timed: the operations a steady fill of a grid order makes, from
 * its deal to its counter-order placed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { D } from '../../src/grid/decimal.js';
import { type MarketHarness, placedAll, settings, startMarket, toRunning } from '../machines/market/market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => {
  h?.actor.stop();
  vi.restoreAllMocks();
});

const OPS = ['plus', 'minus', 'times', 'div'] as const;

/** Counts decimal.js arithmetic by kind while `run` runs (every clone shares one prototype). */
function countOps(run: () => void): Record<(typeof OPS)[number], number> {
  const proto = D.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const spies = OPS.map((op) => vi.spyOn(proto, op));
  run();
  const counts = Object.fromEntries(OPS.map((op, i) => [op, spies[i]!.mock.calls.length])) as Record<(typeof OPS)[number], number>;
  for (const s of spies) s.mockRestore();
  return counts;
}

describe('one fill of a grid order', () => {
  it('makes no Decimal operation on a zero and no repeated division', async () => {
    h = startMarket(settings());
    const batch = await toRunning(h);
    const m = h;
    // Each round fills the level-1 buy, answers its sell counter-order, fills that sell and answers
    // the buy it asks for: the grid is where it started, and the next round is the same work.
    let orderId = 1001;
    let nextId = 5000;
    let dealId = 1;
    let buy = batch.find((i) => i.level === 1)!;
    const fill = (o: { clientOrderId: string; side: 'buy' | 'sell'; price: string; amount: string }, id: number): void => {
      m.feed.push({
        type: 'feed.deal',
        deal: {
          dealId: dealId++,
          orderId: id,
          clientOrderId: o.clientOrderId,
          side: o.side,
          price: o.price,
          amount: o.amount,
          fee: '0.06',
          feeAsset: 'DUSDT',
          time: dealId,
        },
      });
      m.feed.push({
        type: 'feed.order',
        update: { orderId: id, clientOrderId: o.clientOrderId, side: o.side, price: o.price, amount: o.amount, left: '0', dealStock: o.amount, final: true },
      });
      const asked = m.desk.placed.at(-1)!.intents;
      m.desk.reply({ type: 'desk.result', outcomes: placedAll(asked, nextId), fatal: null });
    };
    const round = (): void => {
      fill(buy, orderId);
      const sell = m.desk.placed.at(-1)!.intents[0]!;
      const sellId = nextId;
      nextId += 1;
      fill(sell, sellId);
      buy = m.desk.placed.at(-1)!.intents[0]!;
      orderId = nextId;
      nextId += 1;
    };
    round();
    const counts = countOps(round);
    expect(m.desk.placed).toHaveLength(4);
    // Two fills (a buy and its sell): the ledger's and the PnL's sums, the minimum check, the lot's
    // match. Was 18 plus, 13 minus, 6 times and 2 divisions (39) before the zero and fee shortcuts.
    expect(counts.div).toBe(0);
    expect(counts.plus + counts.minus + counts.times).toBeLessThanOrEqual(19);
    // The spread, the fees per unit and the minimum total repeat every round: remembered (timesKept), never multiplied again.
    // Was 27 (14 plus, 7 minus, 6 times) before.
    expect(counts.times).toBe(0);
  });
});
