/**
 * Property: whatever the order, duplication and mix of deals and deal_stock reports, each filled
 * quantity yields exactly one counter quantity (DESIGN.md "Invariants").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, sumDec, type Decimal } from '../../src/grid/decimal.js';
import { applyFill, applyOrderProgress, emptyLedger, filledOf, ledgerTotals, type FillLedger, type LedgerStep } from '../../src/grid/fill-ledger.js';
import { cid, ctx, deal, priceOf, update } from './ledger-support.js';

type Ev = (l: FillLedger) => LedgerStep;

interface OrderCase {
  readonly orderId: number;
  readonly level: number;
  readonly side: 'buy' | 'sell';
  readonly deals: readonly Decimal[];
  readonly amount: Decimal;
  readonly end: 'filled' | 'cancelled' | 'open';
  readonly reportAfter: readonly boolean[];
}

const micro = (n: number) => new D(n).div(1_000_000);

function orderArb(minDealMicro: number) {
  return fc.record({
    levelPick: fc.integer({ min: 0, max: 9 }),
    deals: fc.array(fc.integer({ min: minDealMicro, max: 400 }), { minLength: 1, maxLength: 5 }),
    extra: fc.integer({ min: 1, max: 300 }),
    end: fc.constantFrom('filled' as const, 'cancelled' as const, 'open' as const),
    reportAfter: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  });
}

function casesArb(minDealMicro: number) {
  return fc.array(orderArb(minDealMicro), { minLength: 1, maxLength: 4 }).map((raw) =>
    raw.map((r, i): OrderCase => {
      // levels 0..4 are buys, 6..10 sells in the test plan
      const level = r.levelPick < 5 ? r.levelPick : r.levelPick + 1;
      const deals = r.deals.map(micro);
      const total = sumDec(deals);
      return {
        orderId: 1000 + i,
        level,
        side: level < 5 ? 'buy' : 'sell',
        deals,
        amount: r.end === 'filled' ? total : total.plus(micro(r.extra)),
        end: r.end,
        reportAfter: r.reportAfter,
      };
    }),
  );
}

/** The true-time events of one order: deals, some cumulative reports, and a final report if it ended. */
function eventsOf(o: OrderCase): Ev[] {
  const id = cid(o.level, o.side, o.orderId);
  const price = priceOf(o.level);
  const out: Ev[] = [];
  let cum = new D(0);
  o.deals.forEach((amount, k) => {
    cum = cum.plus(amount);
    const dealId = o.orderId * 10 + k;
    out.push((l) => applyFill(l, deal(dealId, o.orderId, id, o.side, price, amount.toFixed()), ctx));
    const stock = cum.toFixed();
    if (o.reportAfter[k] === true) out.push((l) => applyOrderProgress(l, update(o.orderId, id, o.side, price, o.amount.toFixed(), stock, false), ctx));
  });
  const total = cum.toFixed();
  if (o.end !== 'open') out.push((l) => applyOrderProgress(l, update(o.orderId, id, o.side, price, o.amount.toFixed(), total, true), ctx));
  return out;
}

/** Repeats each event 1–3 times and orders all of them by the random keys. */
function scramble(events: Ev[], keys: readonly number[], repeats: readonly number[]): Ev[] {
  const tagged: { key: number; ev: Ev }[] = [];
  events.forEach((ev, i) => {
    const n = 1 + ((repeats[i] ?? 0) % 3);
    for (let r = 0; r < n; r++) tagged.push({ key: keys[(i * 3 + r) % Math.max(1, keys.length)] ?? 0, ev });
  });
  return tagged.sort((a, b) => a.key - b.key).map((t) => t.ev);
}

function runAll(events: Ev[]) {
  const ledger = emptyLedger();
  let emitted = new D(0);
  let releases = 0;
  // What each order filled, as the steps reported it (a finished order leaves the ledger).
  const filled = new Map<number, Decimal>();
  for (const ev of events) {
    const s = ev(ledger);
    if (s.orderId !== null) filled.set(s.orderId, (filled.get(s.orderId) ?? new D(0)).plus(s.filledDelta));
    if (s.release !== null) {
      emitted = emitted.plus(s.release.amount);
      releases += 1;
    }
  }
  return { ledger, emitted, releases, filled };
}

const keysArb = fc.array(fc.integer(), { minLength: 1, maxLength: 200 });
const repeatsArb = fc.array(fc.nat(), { minLength: 1, maxLength: 80 });

describe('fill ledger properties', () => {
  it('any permutation/duplication yields filled = emitted + residue + pending, the true fill per order, and nothing on replay', () => {
    fc.assert(
      fc.property(casesArb(1), keysArb, keysArb, repeatsArb, (cases, keysA, keysB, repeats) => {
        const events = cases.flatMap(eventsOf);
        const a = runAll(scramble(events, keysA, repeats));
        const b = runAll(scramble(events, keysB, []));
        const trueTotal = sumDec(cases.flatMap((c) => c.deals));
        for (const r of [a, b]) {
          const t = ledgerTotals(r.ledger);
          expect(t.filled.eq(trueTotal)).toBe(true);
          expect(r.emitted.plus(t.residue).plus(t.pending).eq(trueTotal)).toBe(true);
          for (const c of cases) {
            expect(r.filled.get(c.orderId)?.eq(sumDec(c.deals))).toBe(true);
            const o = r.ledger.orders.get(c.orderId);
            // An order that ended is final: it left the ledger, its id is remembered.
            if (c.end !== 'open') expect(o === undefined && r.ledger.finished.has(c.orderId)).toBe(true);
            if (o) expect(filledOf(o).eq(sumDec(c.deals))).toBe(true);
          }
          // replaying every fact again changes nothing and releases nothing
          const again = events.map((ev) => ev(r.ledger));
          expect(again.every((s) => s.release === null && s.filledDelta.isZero())).toBe(true);
        }
        // the two orderings agree on what is owed in total once everything has ended
        if (cases.every((c) => c.end !== 'open')) {
          const ta = ledgerTotals(a.ledger);
          const tb = ledgerTotals(b.ledger);
          expect(a.emitted.plus(ta.residue).eq(b.emitted.plus(tb.residue))).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('with every deal above the minimums, the emitted counter quantity equals the filled quantity exactly', () => {
    fc.assert(
      fc.property(casesArb(100), keysArb, repeatsArb, (cases, keys, repeats) => {
        const events = cases.flatMap(eventsOf);
        const r = runAll(scramble(events, keys, repeats));
        const trueTotal = sumDec(cases.flatMap((c) => c.deals));
        expect(r.emitted.eq(trueTotal)).toBe(true);
        expect(ledgerTotals(r.ledger).residue.isZero()).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
