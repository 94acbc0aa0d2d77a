/**
 * Reconciliation: compares the level book with what the exchange reports (open orders and executed
 * deals), brings the book up to date in place and returns what else to do (the caller cancels the
 * strays and places what is owed).
 *
 * Entry points: `diffOrders(book, exchangeOpen, executed)` and `reconcileBook(book, snapshot)`.
 *
 * Rules, in the order applied:
 * 1. Open orders whose client id is not ours (or ours for a level outside the plan) are `foreign`
 *    (left alone; the plan lists them) or cancelled (`outside-plan`).
 * 2. Per level, at most one open order of ours is kept: the one the book expects there (same client
 *    id) or, when the book expects none (or only an order not yet sent, which then yields), the
 *    newest (highest sequence) one, which is adopted. Every
 *    other one is a stray to `cancel` (`duplicate` at a level whose keeper exists, `not-expected`
 *    when the book expects another order there). Strays stay busy at their level until their
 *    final update, so no counter-order joins them.
 * 3. Every executed deal and every open order's `deal_stock` go through the fill ledger: it
 *    deduplicates, so each filled quantity yields exactly one counter quantity however many times
 *    reconcile runs over the same history.
 * 4. Book orders that are live or unknown but not open are finished (an order still `sending`
 *    keeps its level until its outcome arrives): the ledger closes them
 *    (settling their last quantity), their level is freed, and pending levels (unknown outcome)
 *    are `resolved` as `filled` (deals found) or `absent` (never rested, or cancelled unfilled).
 * 5. Counter-orders owed by new fills are decided against the occupancy after 1–4 and listed in
 *    `placeMissed`; they are owed in the returned book, to be taken with `takeIntents`.
 *
 * Why the executed history must cover the time since the last ledger update: a fill missing from
 * both the history and an open order's `deal_stock` cannot be seen; the caller picks the window.
 */
import { decodeClientOrderId } from './client-order-id.js';
import { parseDecimal } from './decimal.js';
import { carryResidue, type ExchangeOrder, type Fill } from './fill-ledger.js';
import {
  applyDeal,
  applyOrderUpdate,
  closeBookOrder,
  dropRecord,
  flushFreeLevels,
  owedIntents,
  placeRecord,
  releaseLevel,
  type LevelBook,
  type LevelOrder,
  type OrderIntent,
} from './level-book.js';
import { newRecord } from './order-record.js';

/** An open order of ours taken into the book. */
export interface AdoptedOrder {
  readonly level: number;
  readonly orderId: number;
  readonly clientOrderId: string;
}

/** An open order of ours to cancel. */
export interface StrayOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly level: number | null;
  readonly reason: 'duplicate' | 'not-expected' | 'outside-plan';
}

/** How a level with an unknown or lost order was resolved. */
export interface ResolvedLevel {
  readonly level: number;
  readonly clientOrderId: string;
  /** `live`: found open; `filled`: found in the deals, no longer open; `absent`: found nowhere. */
  readonly outcome: 'live' | 'filled' | 'absent';
}

export interface ReconcilePlan {
  /** The book after the plan (strays marked cancelling, counters owed, finished levels freed). */
  readonly book: LevelBook;
  readonly adopt: readonly AdoptedOrder[];
  /** Open orders of ours kept, one per level: the book's own found resting, and the adopted ones. */
  readonly kept: number;
  readonly cancel: readonly StrayOrder[];
  readonly foreign: readonly ExchangeOrder[];
  readonly resolved: readonly ResolvedLevel[];
  /** Counter-orders (and residues) owed because of fills the book had missed. */
  readonly placeMissed: readonly OrderIntent[];
}

/** What the exchange reports for one market. */
export interface ExchangeSnapshot {
  readonly openOrders: readonly ExchangeOrder[];
  readonly deals: readonly Fill[];
}

interface OwnOpen {
  readonly order: ExchangeOrder;
  readonly level: number;
  readonly seq: number;
}

/** Returns the reconcile plan for `book` against the exchange's open orders and executed deals. Never throws. */
export function diffOrders(book: LevelBook, exchangeOpen: readonly ExchangeOrder[], executed: readonly Fill[]): ReconcilePlan {
  const owedBefore = new Set(owedIntents(book).map((i) => i.clientOrderId));
  const adopt: AdoptedOrder[] = [];
  const cancel: StrayOrder[] = [];
  const foreign: ExchangeOrder[] = [];
  const resolved: ResolvedLevel[] = [];

  // 1. classify
  const byLevel = new Map<number, OwnOpen[]>();
  const seen = new Set<number>();
  for (const order of exchangeOpen) {
    if (seen.has(order.orderId)) continue;
    seen.add(order.orderId);
    const id = decodeClientOrderId(order.clientOrderId, book.scope);
    if (id.kind !== 'ours') {
      foreign.push(order);
      continue;
    }
    if (book.plan.levels[id.level] === undefined) {
      // Not tracked as cancelling: it has no level to keep busy.
      cancel.push({ orderId: order.orderId, clientOrderId: order.clientOrderId, level: null, reason: 'outside-plan' });
      continue;
    }
    const list = byLevel.get(id.level) ?? [];
    list.push({ order, level: id.level, seq: id.seq });
    byLevel.set(id.level, list);
  }

  // 2. one keeper per level; the rest are strays
  book.version += 1;
  const cancelling = book.cancelling;
  let nextSeq = book.nextSeq;
  const openIds = new Set<string>();
  for (const [level, list] of byLevel) {
    let expected = book.orders.get(level);
    // An order still owed (not sent) yields to a resting order of ours at its level: the resting one
    // is adopted, and an owed counter quantity goes back to the level's residue, so nothing is lost.
    if (expected !== undefined && expected.state === 'owed') {
      if (expected.origin === 'counter' || expected.origin === 'residue') {
        carryResidue(book.ledger, expected.level, expected.side, expected.amount);
      }
      dropRecord(book, expected);
      expected = undefined;
    }
    let keeper: OwnOpen | undefined;
    if (expected !== undefined) {
      keeper = list.find((o) => o.order.clientOrderId === expected.clientOrderId);
    } else {
      keeper = [...list].sort((a, b) => b.seq - a.seq || b.order.orderId - a.order.orderId)[0];
    }
    for (const o of list) {
      nextSeq = Math.max(nextSeq, o.seq + 1);
      if (o === keeper) continue;
      // Listed again on every run while still open: a cancel that failed is retried.
      cancel.push({
        orderId: o.order.orderId,
        clientOrderId: o.order.clientOrderId,
        level,
        reason: keeper !== undefined ? 'duplicate' : 'not-expected',
      });
      cancelling.set(o.order.orderId, { orderId: o.order.orderId, clientOrderId: o.order.clientOrderId, level });
    }
    if (keeper === undefined) continue;
    openIds.add(keeper.order.clientOrderId);
    if (expected === undefined) {
      const price = parseDecimal(keeper.order.price);
      const amount = parseDecimal(keeper.order.amount);
      const id = decodeClientOrderId(keeper.order.clientOrderId, book.scope);
      if (price === null || amount === null || id.kind !== 'ours') continue;
      // A stray being cancelled that filled is in the ledger already: that record is the one to hold at
      // the level (two records for one order would count its fills twice), and it is no longer a stray.
      const known = book.ledger.orders.get(keeper.order.orderId);
      if (known !== undefined && known.clientOrderId === keeper.order.clientOrderId && !known.final) {
        known.amount = amount;
        known.state = 'live';
        cancelling.delete(keeper.order.orderId);
        placeRecord(book, known);
        adopt.push({ level, orderId: keeper.order.orderId, clientOrderId: keeper.order.clientOrderId });
        continue;
      }
      placeRecord(
        book,
        newRecord({
          level,
          side: id.side,
          price,
          amount,
          clientOrderId: keeper.order.clientOrderId,
          seq: id.seq,
          orderId: keeper.order.orderId,
          origin: 'adopted',
          state: 'live',
        }),
      );
      adopt.push({ level, orderId: keeper.order.orderId, clientOrderId: keeper.order.clientOrderId });
    } else if (expected.state !== 'live' || expected.orderId !== keeper.order.orderId) {
      if (expected.state === 'unknown' || expected.state === 'sending') {
        resolved.push({ level, clientOrderId: expected.clientOrderId, outcome: 'live' });
      }
      if (expected.orderId !== keeper.order.orderId) {
        adopt.push({ level, orderId: keeper.order.orderId, clientOrderId: keeper.order.clientOrderId });
      }
      expected.orderId = keeper.order.orderId;
      expected.state = 'live';
    }
  }
  book.nextSeq = nextSeq;
  let next: LevelBook = book;

  // 3. facts: executed deals, then open orders' cumulative deal_stock. Deals in the order they
  // executed (executed history lists newest first): each counter decision sees the levels as the
  // live feed would have left them, so fills on both sides of the gap do not answer each other
  // with crossed orders (a buy placed above a sell, the later one refused as post-only).
  const inOrder = [...executed].sort((a, b) => a.time - b.time || a.dealId - b.dealId);
  const unknown = [...next.orders.values()].filter((o) => o.state === 'unknown');
  for (const deal of inOrder) next = applyDeal(next, deal);
  // An unknown outcome whose deals filled all it was sent with left its level with them (isFinal).
  const filledInFull = unknown.filter((o) => next.orders.get(o.level) !== o);
  for (const order of exchangeOpen) next = applyOrderUpdate(next, { ...order, final: false });

  // 4. book orders that are no longer open are finished
  const finished: LevelOrder[] = [...next.orders.values()].filter(
    // `sending` is in flight (its outcome will come): it keeps its level until then.
    (o) => (o.state === 'live' || o.state === 'unknown') && !openIds.has(o.clientOrderId),
  );
  for (const o of finished) {
    const orderId = o.orderId ?? executed.find((d) => d.clientOrderId === o.clientOrderId)?.orderId ?? null;
    if (o.state === 'unknown') {
      const hasDeals = executed.some((d) => d.clientOrderId === o.clientOrderId || (orderId !== null && d.orderId === orderId));
      resolved.push({ level: o.level, clientOrderId: o.clientOrderId, outcome: hasDeals ? 'filled' : 'absent' });
    }
    if (orderId !== null) {
      next = closeBookOrder(next, orderId);
    }
    // Whether or not the ledger knew the order, its level is free now (what it did not fill is owed again).
    const still = next.orders.get(o.level);
    if (still !== undefined && still.clientOrderId === o.clientOrderId) next = releaseLevel(next, still);
  }
  for (const o of filledInFull) resolved.push({ level: o.level, clientOrderId: o.clientOrderId, outcome: 'filled' });
  // Strays this book was cancelling that are no longer open are done.
  for (const c of [...next.cancelling.values()]) {
    if (!seen.has(c.orderId)) next = closeBookOrder(next, c.orderId);
  }

  // 5. residues waiting at levels that are free now (a refused counter-order's quantity) go again.
  next = flushFreeLevels(next);

  const placeMissed = owedIntents(next).filter((i) => !owedBefore.has(i.clientOrderId));
  return { book: next, adopt, kept: openIds.size, cancel, foreign, resolved, placeMissed };
}

/** Returns `diffOrders` over a snapshot (the shape the market actor fetches). */
export function reconcileBook(book: LevelBook, snapshot: ExchangeSnapshot): ReconcilePlan {
  return diffOrders(book, snapshot.openOrders, snapshot.deals);
}
