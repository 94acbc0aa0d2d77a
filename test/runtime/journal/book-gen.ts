/**
 * Books built the way the market actor builds them: the grid's own functions applied in random
 * order (take intents, placement outcomes, deals, order updates), for the codec property tests.
 */
import fc from 'fast-check';
import {
  type LevelBook,
  type PlacementOutcome,
  applyDeal,
  applyOrderUpdate,
  applyPlacement,
  createLevelBook,
  D,
  reconcileBook,
  releaseWaiting,
  takeIntents,
} from '../../../src/grid/index.js';
import { BTC_USDT } from '../../grid/fixtures.js';
import { cid, listedUntouched, plan, priceOf, scope } from '../../grid/ledger-support.js';

export type BookOp =
  | { readonly op: 'take'; readonly n: number }
  | { readonly op: 'outcome'; readonly pick: number; readonly kind: PlacementOutcome['kind']; readonly filled: number }
  | { readonly op: 'deal'; readonly pick: number; readonly dealId: number; readonly part: number; readonly feeInBase: boolean }
  | { readonly op: 'update'; readonly pick: number; readonly part: number; readonly final: boolean }
  /** Reconcile against the live orders minus one (gone), plus a stray of ours at some level. */
  | { readonly op: 'reconcile'; readonly drop: number; readonly strayLevel: number }
  /** A last price half a level above (`up`) or below a level: releases levels waiting for price. */
  | { readonly op: 'price'; readonly level: number; readonly up: boolean };

export const bookOp: fc.Arbitrary<BookOp> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('take' as const), n: fc.integer({ min: 1, max: 6 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('outcome' as const),
      pick: fc.nat(),
      kind: fc.constantFrom<PlacementOutcome['kind']>('placed', 'placed', 'rejected', 'unknown', 'notSent'),
      filled: fc.constantFrom(0, 0, 1, 4),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('deal' as const),
      pick: fc.nat(),
      dealId: fc.integer({ min: 1, max: 12 }),
      part: fc.constantFrom(1, 2, 4, 4),
      feeInBase: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('update' as const), pick: fc.nat(), part: fc.integer({ min: 0, max: 4 }), final: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reconcile' as const), drop: fc.nat(), strayLevel: fc.integer({ min: 0, max: 10 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('price' as const), level: fc.integer({ min: 0, max: 10 }), up: fc.boolean() }) },
);

/** Quarter steps of an order's amount, as decimal text. */
function quarter(amount: { times(n: number): { toFixed(): string } }, parts: number): string {
  return amount.times(parts / 4).toFixed();
}

/** Returns the book after one op; an op that finds nothing to act on leaves it as it is. */
export function applyOp(book: LevelBook, op: BookOp): LevelBook {
  // Newest first, and picks favour the first few: counter-orders get placed and filled too, so
  // round trips close and PnL realises.
  const orders = [...book.orders.values()].sort((a, b) => b.seq - a.seq);
  switch (op.op) {
    case 'take':
      return takeIntents(book, op.n).book;
    case 'outcome': {
      const sent = orders.filter((o) => o.state === 'sending' || o.state === 'unknown');
      const o = sent[op.pick % Math.max(1, sent.length)];
      if (o === undefined) return book;
      const orderId = 1000 + o.seq;
      if (op.kind === 'placed') {
        const deal = quarter(o.amount, op.filled);
        return applyPlacement(book, { kind: 'placed', clientOrderId: o.clientOrderId, orderId, dealStock: deal, left: o.amount.minus(deal).toFixed() });
      }
      // A refusal is post-only (its level waits for price) about every other time.
      if (op.kind === 'rejected' && op.filled !== 0)
        return applyPlacement(book, { kind: 'rejected', clientOrderId: o.clientOrderId, reason: 'test', wouldTake: true });
      return applyPlacement(book, { kind: op.kind, clientOrderId: o.clientOrderId, reason: 'test' });
    }
    case 'deal': {
      const live = orders.filter((o) => o.state === 'live' && o.orderId !== null);
      const o = live[op.pick % 2 === 0 ? 0 : (op.pick >> 1) % Math.max(1, live.length)];
      if (o === undefined || o.orderId === null) return book;
      const amount = quarter(o.amount, op.part);
      return applyDeal(book, {
        dealId: o.orderId * 100 + op.dealId,
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        side: o.side,
        price: o.price.toFixed(),
        amount,
        fee: op.feeInBase ? '0.0000001' : '0.013',
        feeAsset: op.feeInBase ? BTC_USDT.baseAsset : BTC_USDT.quoteAsset,
        time: 1_700_000_000.5 + op.dealId,
      });
    }
    case 'update': {
      const live = orders.filter((o) => o.state === 'live' && o.orderId !== null);
      const o = live[op.pick % Math.max(1, live.length)];
      if (o === undefined || o.orderId === null) return book;
      const dealStock = quarter(o.amount, op.part);
      return applyOrderUpdate(book, {
        orderId: o.orderId,
        clientOrderId: o.clientOrderId,
        side: o.side,
        price: o.price.toFixed(),
        amount: o.amount.toFixed(),
        dealStock,
        left: o.amount.minus(dealStock).toFixed(),
        final: op.final,
      });
    }
    case 'reconcile': {
      const live = orders.filter((o) => o.state === 'live' && o.orderId !== null);
      const kept = live.filter((_, i) => i !== op.drop % Math.max(1, live.length));
      const open = kept.map(listedUntouched);
      const side = op.strayLevel < 5 ? 'buy' : 'sell';
      const stray = {
        orderId: 900_000 + op.strayLevel,
        clientOrderId: cid(op.strayLevel, side, 900_000 + op.strayLevel),
        side,
        price: priceOf(op.strayLevel),
        amount: '0.001',
        left: '0.001',
        dealStock: '0',
      } as const;
      return reconcileBook(book, { openOrders: [...open, stray], deals: [] }).book;
    }
    case 'price': {
      releaseWaiting(book, new D(priceOf(op.level)).plus(op.up ? 500 : -500));
      return book;
    }
  }
}

/** Returns the book of the test plan after `ops`. */
export function buildBook(ops: readonly BookOp[], firstSeq = 0): LevelBook {
  let book = createLevelBook(plan, scope, BTC_USDT, firstSeq);
  for (const op of ops) book = applyOp(book, op);
  return book;
}

/** The plan sent and placed in full: where most interesting histories start. */
const WARM_START: readonly BookOp[] = [
  { op: 'take', n: 6 },
  { op: 'take', n: 6 },
  ...Array.from({ length: 10 }, (): BookOp => ({ op: 'outcome', pick: 0, kind: 'placed', filled: 0 })),
];

/** Op sequences, half of them from a fully placed plan. */
export const bookOps = (maxLength: number): fc.Arbitrary<readonly BookOp[]> =>
  fc.tuple(fc.boolean(), fc.array(bookOp, { maxLength })).map(([warm, ops]) => (warm ? [...WARM_START, ...ops] : ops));
