/**
 * Properties of reconcile: it never plans two live orders at one level, and it never places a
 * counter-order twice, whatever mix of open orders, strays, duplicates and deals the exchange shows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExchangeOrder, Fill } from '../../src/grid/fill-ledger.js';
import { applyPlacement, createLevelBook, takeIntents, type LevelBook, type OrderIntent } from '../../src/grid/level-book.js';
import { decodeClientOrderId } from '../../src/grid/client-order-id.js';
import { diffOrders, type ReconcilePlan } from '../../src/grid/reconcile.js';
import { D, sumDec } from '../../src/grid/decimal.js';
import { ledgerTotals } from '../../src/grid/fill-ledger.js';
import { BTC_USDT } from './fixtures.js';
import { cid, deal, plan, priceOf, scope } from './ledger-support.js';

type Fate = 'open' | 'openPartial' | 'filled' | 'filledSplit' | 'partialGone' | 'gone';

const scenarioArb = fc.record({
  fates: fc.array(fc.constantFrom<Fate>('open', 'openPartial', 'filled', 'filledSplit', 'partialGone', 'gone'), {
    minLength: 11,
    maxLength: 11,
  }),
  unknown: fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
  strays: fc.array(fc.record({ level: fc.integer({ min: 0, max: 12 }), seq: fc.integer({ min: 20, max: 60 }) }), { maxLength: 5 }),
  foreign: fc.integer({ min: 0, max: 2 }),
  dupDeals: fc.boolean(),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const taken = takeIntents(createLevelBook(plan, scope, BTC_USDT), 100);
  let book: LevelBook = taken.book;
  const open: ExchangeOrder[] = [];
  const deals: Fill[] = [];
  let dealId = 1;
  for (const i of taken.intents) {
    const orderId = 100 + i.level;
    book = s.unknown[i.level]
      ? applyPlacement(book, { kind: 'unknown', clientOrderId: i.clientOrderId, reason: 'timeout' })
      : applyPlacement(book, { kind: 'placed', clientOrderId: i.clientOrderId, orderId, dealStock: '0', left: i.amount });
    const fate = s.fates[i.level] ?? 'open';
    const o = (dealStock: string): ExchangeOrder => ({
      orderId,
      clientOrderId: i.clientOrderId,
      side: i.side,
      price: i.price,
      amount: i.amount,
      left: '0',
      dealStock,
    });
    const d = (amount: string) => deal(dealId++, orderId, i.clientOrderId, i.side, i.price, amount);
    switch (fate) {
      case 'open':
        open.push(o('0'));
        break;
      case 'openPartial':
        open.push(o('0.0004'));
        deals.push(d('0.0004'));
        break;
      case 'filled':
        deals.push(d('0.001'));
        break;
      case 'filledSplit':
        deals.push(d('0.0007'), d('0.0003'));
        break;
      case 'partialGone':
        deals.push(d('0.0003'));
        break;
      case 'gone':
        break;
    }
  }
  s.strays.forEach((st, k) => {
    const side = st.level < 5 ? 'buy' : 'sell';
    open.push({
      orderId: 900 + k,
      clientOrderId: cid(st.level > 10 ? 999 : st.level, side, st.seq),
      side,
      price: priceOf(Math.min(st.level, 10)),
      amount: '0.001',
      left: '0.001',
      dealStock: '0',
    });
  });
  for (let k = 0; k < s.foreign; k++) {
    open.push({ orderId: 800 + k, clientOrderId: k === 0 ? '' : `manual-${k}`, side: 'buy', price: '61000', amount: '1', left: '1', dealStock: '0' });
  }
  return { book, open, deals: s.dupDeals ? [...deals, ...deals.slice().reverse()] : deals };
}

/** Checks that after the plan each level has at most one order of ours that will be live. */
function expectOnePerLevel(r: ReconcilePlan, open: readonly ExchangeOrder[]) {
  const cancelled = new Set(r.cancel.map((c) => c.orderId));
  const perLevel = new Map<number, string[]>();
  for (const o of open) {
    const id = decodeClientOrderId(o.clientOrderId, scope);
    if (id.kind !== 'ours' || cancelled.has(o.orderId)) continue;
    perLevel.set(id.level, [...(perLevel.get(id.level) ?? []), o.clientOrderId]);
  }
  for (const i of r.placeMissed) perLevel.set(i.level, [...(perLevel.get(i.level) ?? []), i.clientOrderId]);
  for (const o of r.book.orders.values()) {
    if (o.state === 'owed' && !r.placeMissed.some((p) => p.clientOrderId === o.clientOrderId)) {
      perLevel.set(o.level, [...(perLevel.get(o.level) ?? []), o.clientOrderId]);
    }
  }
  for (const [level, ids] of perLevel) {
    expect(new Set(ids).size, `level ${level}: ${ids.join(', ')}`).toBeLessThanOrEqual(1);
    const held = r.book.orders.get(level);
    expect(held?.clientOrderId).toBe(ids[0]);
  }
}

/** Counter quantity among planned placements; `restore` re-places an order's unfilled part, outside the ledger. */
function counterQty(intents: readonly OrderIntent[]) {
  return sumDec(intents.filter((i) => i.origin !== 'restore').map((i) => new D(i.amount)));
}

describe('reconcile properties', () => {
  it('never plans two live orders at one level and never places a counter-order twice', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const built = build(s);
        const { deals } = built;
        let book = built.book;
        let open = built.open;
        let placedQty = new D(0);

        const r = diffOrders(book, open, deals);
        expectOnePerLevel(r, open);
        // the same snapshot again: nothing new to place
        const again = diffOrders(r.book, open, deals);
        expect(again.placeMissed).toEqual([]);
        expectOnePerLevel(again, open);
        placedQty = placedQty.plus(counterQty(r.placeMissed));
        book = again.book;

        // carry each plan out (strays cancelled, owed orders sent and resting) until nothing changes
        let cancel = r.cancel;
        let rounds = 0;
        for (;;) {
          const taken = takeIntents(book, 1000);
          book = taken.book;
          const cancelled = new Set(cancel.map((c) => c.orderId));
          open = open.filter((o) => !cancelled.has(o.orderId));
          for (const i of taken.intents) {
            const orderId = 5000 + rounds * 100 + i.level;
            book = applyPlacement(book, { kind: 'placed', clientOrderId: i.clientOrderId, orderId, dealStock: '0', left: i.amount });
            open.push({ orderId, clientOrderId: i.clientOrderId, side: i.side, price: i.price, amount: i.amount, left: i.amount, dealStock: '0' });
          }
          const next = diffOrders(book, open, deals);
          expectOnePerLevel(next, open);
          placedQty = placedQty.plus(counterQty(next.placeMissed));
          book = next.book;
          cancel = next.cancel;
          rounds += 1;
          if (next.placeMissed.length === 0 && next.cancel.length === 0) break;
          expect(rounds).toBeLessThan(4);
        }
        // every released counter quantity was placed once, or waits as a residue, or left the grid
        const totals = ledgerTotals(book.ledger);
        expect(placedQty.plus(totals.residue).plus(book.offGridBase).eq(totals.released)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
