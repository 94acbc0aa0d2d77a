/**
 * Observers that cost nothing when nobody looks (issue 13, point 4): on the hot path (a fill, the
 * desk's answer) the market actor emits only the types someone listens to, so an actor nobody
 * observes runs no emit action and formats no payload; a listener added later gets its type from
 * then on, and one removed stops costing.
 */
import type { InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketEmitted } from '../../../src/machines/market/market.emitted.js';
import { type MarketHarness, placedAll, settings, startMarket, toRunning } from './market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => h?.actor.stop());

/** The emit actions the actor ran (XState's inspection stream names each executed action). */
function emitActions(): { inspect: (e: InspectionEvent) => void; count: () => number; reset: () => void } {
  let n = 0;
  return {
    inspect: (e) => {
      if (e.type === '@xstate.action' && e.action.type === 'xstate.emit') n += 1;
    },
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}

/** One fill of the plan's level-1 buy (order 1001), its final report and the desk's answer for the counter-order. */
function fillAndAnswer(m: MarketHarness, buy: { clientOrderId: string; amount: string }, dealId: number): void {
  m.feed.push({
    type: 'feed.deal',
    deal: {
      dealId,
      orderId: 1001,
      clientOrderId: buy.clientOrderId,
      side: 'buy',
      price: '59800',
      amount: buy.amount,
      fee: '0.000001',
      feeAsset: 'DBTC',
      time: dealId,
    },
  });
  m.feed.push({
    type: 'feed.order',
    update: { orderId: 1001, clientOrderId: buy.clientOrderId, side: 'buy', price: '59800', amount: buy.amount, left: '0', dealStock: buy.amount, final: true },
  });
  const asked = m.desk.placed.at(-1);
  if (asked === undefined) throw new Error('no counter-order');
  m.desk.reply({ type: 'desk.result', outcomes: placedAll(asked.intents, 2000), fatal: null });
}

describe('market actor emits only what someone listens to', () => {
  it('runs no emit action for a fill and the desk answer when nobody listens, and still places the counter-order', async () => {
    const emits = emitActions();
    h = startMarket(settings(), emits.inspect);
    const batch = await toRunning(h);
    const buy = batch.find((i) => i.level === 1)!;
    emits.reset();
    fillAndAnswer(h, buy, 1);
    expect(emits.count()).toBe(0);
    // The fill still did its job: one counter-order sell at level 2, placed.
    expect(h.desk.placed.map((p) => p.intents.map((i) => `${i.side}@${i.level} ${i.amount}`))).toEqual([['sell@2 0.001']]);
    expect(h.context().book?.learned).toEqual([]);
    expect(h.context().book?.pnl.inventoryBase.toString()).toBe('0.000999');
  });

  it('emits a type from the moment it has a listener, only that type, and stops when it is removed', async () => {
    const emits = emitActions();
    h = startMarket(settings(), emits.inspect);
    const batch = await toRunning(h);
    const buy = batch.find((i) => i.level === 1)!;
    const fills: MarketEmitted[] = [];
    const sub = h.actor.on('market.fill', (e) => fills.push(e));
    emits.reset();
    fillAndAnswer(h, buy, 1);
    expect(fills).toEqual([
      expect.objectContaining({ type: 'market.fill', dealId: 1, orderId: 1001, level: 1, side: 'buy', price: '59800', amount: '0.001', fee: '0.000001' }),
    ]);
    // Only the fill: no pnl, ordersSent or ordersAnswered action ran for listeners that do not exist.
    expect(emits.count()).toBe(1);
    sub.unsubscribe();
    emits.reset();
    const sell = h.desk.placed[0]!.intents[0]!;
    h.feed.push({
      type: 'feed.deal',
      deal: {
        dealId: 2,
        orderId: 2000,
        clientOrderId: sell.clientOrderId,
        side: 'sell',
        price: sell.price,
        amount: sell.amount,
        fee: '0.06',
        feeAsset: 'DUSDT',
        time: 2,
      },
    });
    expect(emits.count()).toBe(0);
    expect(fills).toHaveLength(1);
  });

  it('a wildcard listener gets every type, as before', async () => {
    h = startMarket(settings());
    const batch = await toRunning(h);
    const buy = batch.find((i) => i.level === 1)!;
    const types: string[] = [];
    h.actor.on('*', (e) => types.push(e.type));
    fillAndAnswer(h, buy, 1);
    expect(types).toEqual(['market.fill', 'market.pnl', 'market.ordersSent', 'market.ordersAnswered']);
  });
});
