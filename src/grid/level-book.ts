/**
 * The level book: the grid's local state as one immutable value the market actor keeps in its
 * context. It holds the plan, at most one order per level, the orders being cancelled, the fill
 * ledger and the PnL, and it queues the orders the grid owes (initial plan, counter-orders,
 * residues) until the actor takes them.
 *
 * Entry points: `createLevelBook`, `takeIntents`, `applyPlacement`, `applyDeal`,
 * `applyOrderUpdate`, `hasUnknownOrders`, `isLevelBusy`, `owedIntents`, `resumeBook`.
 *
 * Invariants:
 * - at most one order per level (a `Map` by level), whatever its state; a level that is being
 *   cancelled counts as busy too, so a counter-order never joins a stray at its level;
 * - an order is reserved at its level (state `owed`) the moment the grid decides it, before it is
 *   sent, so two decisions can never target one level;
 * - every counter quantity comes from the ledger (exactly once); a quantity whose level holds a
 *   counter-order not yet sent joins it; one whose level is otherwise busy, or whose counter-order
 *   is rejected, goes to the level's residue and is placed when the level frees (or joins the
 *   next counter-order there): quantity is never dropped;
 * - an unknown outcome (`unknown`) keeps the level reserved until reconcile resolves it; nothing
 *   here re-places it.
 *
 * Order states: owed → sending (taken) → live (placed) → gone (final update / found finished);
 * sending → owed (notSent), → unknown (timeout/5xx after sending, or the book restored by a new
 * actor: `resumeBook`), → gone (rejected).
 */
import { encodeClientOrderId, type ClientIdScope } from './client-order-id.js';
import { decideCounter } from './counter-order.js';
import { D, ZERO, isPositive, parseDecimal, toPlain, type Decimal } from './decimal.js';
import {
  applyFill,
  applyOrderUpdate as ledgerApplyOrderUpdate,
  carryResidue,
  closeOrder,
  emptyLedger,
  filledOf,
  flushResidue,
  isFinal,
  type Fill,
  type FillLedger,
  type LedgerContext,
  type LedgerStep,
  type OrderUpdate,
} from './fill-ledger.js';
import { meetsMinimums, type MarketRules, type Side } from './market-rules.js';
import { applyTrade, emptyPnl, type PnlBook } from './pnl.js';
import type { GridPlan } from './plan.js';

/** Where an order came from. */
export type OrderOrigin = 'plan' | 'counter' | 'residue' | 'adopted' | 'restore';

/** The life of an order at its level. */
export type LevelOrderState = 'owed' | 'sending' | 'live' | 'unknown';

/** The one order a level holds. */
export interface LevelOrder {
  readonly level: number;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly clientOrderId: string;
  readonly seq: number;
  /** Known once the exchange answered (or reconcile found it). */
  readonly orderId: number | null;
  readonly origin: OrderOrigin;
  readonly state: LevelOrderState;
}

/** An order of ours being cancelled (a stray or duplicate found by reconcile). */
export interface CancellingOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly level: number;
}

/** An order to send: prices and amounts already formatted to the market's precision. */
export interface OrderIntent {
  readonly market: string;
  readonly clientOrderId: string;
  readonly level: number;
  readonly side: Side;
  readonly price: string;
  readonly amount: string;
  readonly origin: OrderOrigin;
}

/** What the exchange (or the desk) said about one sent intent. */
export type PlacementOutcome =
  /** Accepted; it may already have filled in the call (`dealStock` > 0, `left` 0 when complete). */
  | {
      readonly kind: 'placed';
      readonly clientOrderId: string;
      readonly orderId: number;
      readonly dealStock: string;
      readonly left: string;
    }
  /** Refused (422/400): nothing rests. */
  | { readonly kind: 'rejected'; readonly clientOrderId: string; readonly reason: string }
  /** It may or may not rest: reconcile decides. */
  | { readonly kind: 'unknown'; readonly clientOrderId: string; readonly reason: string }
  /** Never left the process: it is owed again. */
  | { readonly kind: 'notSent'; readonly clientOrderId: string; readonly reason: string };

export interface LevelBook {
  readonly plan: GridPlan;
  readonly scope: ClientIdScope;
  readonly rules: MarketRules;
  /** By level index; at most one per level. */
  readonly orders: ReadonlyMap<number, LevelOrder>;
  /** Strays being cancelled, by order id. */
  readonly cancelling: ReadonlyMap<number, CancellingOrder>;
  readonly ledger: FillLedger;
  readonly pnl: PnlBook;
  /** Next client order id sequence. */
  readonly nextSeq: number;
  /** Base released beyond the grid's edge (no level to answer at): inventory left to risk.ts. */
  readonly offGridBase: Decimal;
  /** Orders that could not be reserved (a bad bot id); normally empty. */
  readonly problems: readonly string[];
}

/** Returns the ledger context of a book. */
export function ledgerContext(book: LevelBook): LedgerContext {
  return { plan: book.plan, rules: book.rules, scope: book.scope };
}

/**
 * Returns a book for `plan` with the plan's orders owed (one per level with a side), ids from
 * `firstSeq` on. After a restart without a journal, pass a `firstSeq` above any id used before
 * (e.g. derived from the start time, given as an argument) so old and new ids never meet.
 */
export function createLevelBook(plan: GridPlan, scope: ClientIdScope, rules: MarketRules, firstSeq = 0): LevelBook {
  let book: LevelBook = {
    plan,
    scope,
    rules,
    orders: new Map(),
    cancelling: new Map(),
    ledger: emptyLedger(),
    pnl: emptyPnl(),
    nextSeq: firstSeq,
    offGridBase: ZERO,
    problems: [],
  };
  for (const level of plan.levels) {
    if (level.side !== null) book = reserve(book, level.index, level.side, level.amount, 'plan');
  }
  return book;
}

/** True when a level holds an order (any state) or a stray being cancelled. */
export function isLevelBusy(book: LevelBook, level: number): boolean {
  if (book.orders.has(level)) return true;
  for (const c of book.cancelling.values()) if (c.level === level) return true;
  return false;
}

/** Returns the book with an order owed at `level` (the caller made sure the level is free). */
function reserve(book: LevelBook, level: number, side: Side, amount: Decimal, origin: OrderOrigin): LevelBook {
  const rung = book.plan.levels[level];
  if (rung === undefined) return book;
  const seq = book.nextSeq;
  const id = encodeClientOrderId(book.scope, { level, side, seq });
  if (!id.ok) return { ...book, problems: [...book.problems, `level ${level}: ${id.reason}`] };
  const orders = new Map(book.orders);
  orders.set(level, {
    level,
    side,
    price: rung.price,
    amount,
    clientOrderId: id.id,
    seq,
    orderId: null,
    origin,
    state: 'owed',
  });
  return { ...book, orders, nextSeq: seq + 1 };
}

function toIntent(book: LevelBook, o: LevelOrder): OrderIntent {
  return {
    market: book.plan.market,
    clientOrderId: o.clientOrderId,
    level: o.level,
    side: o.side,
    price: toPlain(o.price),
    amount: toPlain(o.amount),
    origin: o.origin,
  };
}

/** Returns the owed orders as intents, oldest decision first, without taking them. */
export function owedIntents(book: LevelBook): OrderIntent[] {
  return [...book.orders.values()]
    .filter((o) => o.state === 'owed')
    .sort((a, b) => a.seq - b.seq)
    .map((o) => toIntent(book, o));
}

/** Returns up to `max` owed orders as intents (oldest first) and the book with them marked `sending`. */
export function takeIntents(book: LevelBook, max: number): { readonly book: LevelBook; readonly intents: readonly OrderIntent[] } {
  const owed = [...book.orders.values()].filter((o) => o.state === 'owed').sort((a, b) => a.seq - b.seq);
  const taken = owed.slice(0, Math.max(0, max));
  if (taken.length === 0) return { book, intents: [] };
  const orders = new Map(book.orders);
  for (const o of taken) orders.set(o.level, { ...o, state: 'sending' });
  return { book: { ...book, orders }, intents: taken.map((o) => toIntent(book, o)) };
}

/**
 * Returns a book an earlier actor left (restored from the journal after a restart) as a new actor
 * must take it over: an order that actor was still `sending` has an unknown outcome now, since
 * the answer it waited for went to a process (or actor) that is gone. Left `sending`, it would
 * hold its level for an answer that never comes, and no counter-order could ever go there; as
 * `unknown`, reconcile finds it by client id (open: kept; in the deals: filled, level freed;
 * nowhere: owed again). Never re-placed blindly.
 */
export function resumeBook(book: LevelBook): LevelBook {
  if (![...book.orders.values()].some((o) => o.state === 'sending')) return book;
  const orders = new Map(book.orders);
  for (const [level, o] of orders) if (o.state === 'sending') orders.set(level, { ...o, state: 'unknown' });
  return { ...book, orders };
}

/** True when some order's outcome is unknown (the market must reconcile). */
export function hasUnknownOrders(book: LevelBook): boolean {
  for (const o of book.orders.values()) if (o.state === 'unknown') return true;
  return false;
}

function findByClientId(book: LevelBook, clientOrderId: string): LevelOrder | undefined {
  for (const o of book.orders.values()) if (o.clientOrderId === clientOrderId) return o;
  return undefined;
}

/** Returns the book after the outcome of one sent intent. An outcome for an id the book no longer holds changes nothing but the ledger. */
export function applyPlacement(book: LevelBook, outcome: PlacementOutcome): LevelBook {
  const order = findByClientId(book, outcome.clientOrderId);
  switch (outcome.kind) {
    case 'placed': {
      let next = book;
      if (order !== undefined && (order.state === 'sending' || order.state === 'unknown' || order.state === 'owed')) {
        const orders = new Map(book.orders);
        orders.set(order.level, { ...order, orderId: outcome.orderId, state: 'live' });
        next = { ...book, orders };
      }
      if (order === undefined) return next;
      const left = parseDecimal(outcome.left);
      return absorb(
        next,
        ledgerApplyOrderUpdate(
          next.ledger,
          {
            orderId: outcome.orderId,
            clientOrderId: order.clientOrderId,
            side: order.side,
            price: order.price,
            amount: order.amount,
            dealStock: outcome.dealStock,
            left: outcome.left,
            final: left !== null && left.isZero(),
          },
          ledgerContext(next),
        ),
        { price: order.price, fee: null },
      );
    }
    case 'rejected': {
      if (order === undefined || order.orderId !== null) return book;
      const orders = new Map(book.orders);
      orders.delete(order.level);
      let next: LevelBook = { ...book, orders };
      // A refused counter-order (e.g. post-only would take) keeps its quantity as a residue.
      if (order.origin === 'counter' || order.origin === 'residue') {
        next = { ...next, ledger: carryResidue(next.ledger, order.level, order.side, order.amount) };
      }
      // The level is free again: a residue of the other side waiting there goes now, unless it too
      // would meet our own orders. (Not this side again: it was just refused. The two sides cannot
      // take turns being refused for good: that needs a crossed book.)
      const other = order.side === 'buy' ? 'sell' : 'buy';
      if (!isLevelBusy(next, order.level) && !crossesOwnOrders(next, order.level, other)) {
        const r = flushResidue(next.ledger, order.level, other, ledgerContext(next));
        if (r.amount !== null) next = reserve({ ...next, ledger: r.ledger }, order.level, other, r.amount, 'residue');
      }
      return next;
    }
    case 'unknown': {
      if (order === undefined || order.state !== 'sending') return book;
      const orders = new Map(book.orders);
      orders.set(order.level, { ...order, state: 'unknown' });
      return { ...book, orders };
    }
    case 'notSent': {
      if (order === undefined || order.state !== 'sending') return book;
      const orders = new Map(book.orders);
      orders.set(order.level, { ...order, state: 'owed' });
      return { ...book, orders };
    }
  }
}

/** Returns the book after one deal of ours (deduplicated by deal id in the ledger). */
export function applyDeal(book: LevelBook, deal: Fill): LevelBook {
  const price = parseDecimal(deal.price);
  const fee = parseDecimal(deal.fee);
  if (price === null) return book;
  return absorb(book, applyFill(book.ledger, deal, ledgerContext(book)), {
    price,
    fee: fee === null ? null : { amount: fee, asset: deal.feeAsset },
  });
}

/** Returns the book after an order update (`ordersPending_update`): learns the order id, fills and completion. */
export function applyOrderUpdate(book: LevelBook, update: OrderUpdate): LevelBook {
  let next = book;
  const order = findByClientId(book, update.clientOrderId);
  // The WS event can arrive before the REST answer (§8.6): learn the order id from it.
  if (order !== undefined && order.orderId === null && order.state !== 'owed') {
    const orders = new Map(book.orders);
    orders.set(order.level, { ...order, orderId: update.orderId, state: 'live' });
    next = { ...book, orders };
  }
  const price = parseDecimal(update.price) ?? order?.price ?? new D(0);
  next = absorb(next, ledgerApplyOrderUpdate(next.ledger, update, ledgerContext(next)), { price, fee: null });
  if (update.final) next = finishOrder(next, update.orderId);
  return next;
}

/** Returns the book with the order's level freed (and any residue there placed) once it can fill no more. */
export function finishOrder(book: LevelBook, orderId: number): LevelBook {
  if (book.cancelling.has(orderId)) {
    const c = book.cancelling.get(orderId);
    const cancelling = new Map(book.cancelling);
    cancelling.delete(orderId);
    const next = { ...book, cancelling };
    return c === undefined ? next : flushFreeLevels(flushLevel(next, c.level));
  }
  for (const o of book.orders.values()) {
    if (o.orderId === orderId) return flushFreeLevels(releaseLevel(book, o));
  }
  return book;
}

/** True when an order of `side` at `level` would meet one of the book's own orders (a sell at or below a buy of ours, or the reverse). */
function crossesOwnOrders(book: LevelBook, level: number, side: Side): boolean {
  for (const o of book.orders.values()) {
    if (side === 'buy' ? o.side === 'sell' && o.level <= level : o.side === 'buy' && o.level >= level) return true;
  }
  return false;
}

/**
 * Returns the book with the residues of every free level owed as orders (where they meet the
 * minimums and would not meet one of our own orders). Why on every finished order and at the end of
 * a reconcile, not only when a residue's own level frees: a residue can wait at a level that is
 * already free, when its counter-order was refused (post-only: it would have crossed one of the
 * bot's own orders, after fills on both sides of the gap in one fast move). Only its own level
 * freeing used to retry it, which never happens at a free level: the quantity waited for good.
 * An order leaving the book is what can uncross it, so that is when it is tried again; a side that
 * still crosses our own orders is left waiting (it would only be refused again).
 */
export function flushFreeLevels(book: LevelBook): LevelBook {
  let next = book;
  for (const key of [...book.ledger.residues.keys()]) {
    const [side, levelText] = key.split('@') as [Side, string];
    const level = Number(levelText);
    if (!Number.isInteger(level) || isLevelBusy(next, level) || crossesOwnOrders(next, level, side)) continue;
    const r = flushResidue(next.ledger, level, side, ledgerContext(next));
    if (r.amount !== null) next = reserve({ ...next, ledger: r.ledger }, level, side, r.amount, 'residue');
  }
  return next;
}

/**
 * Returns the book with `order` gone from its level. What it did not fill is owed again at the same
 * level (a fresh client id): an order that ends unfilled without our asking — cancelled by an
 * expired kill-switch, by hand, or never placed at all (an unknown outcome found absent) — leaves
 * a hole in the grid that the grid must close. A remainder below the market's minimums cannot be
 * placed: a counter quantity keeps it as the level's residue, a plan order drops it.
 */
export function releaseLevel(book: LevelBook, order: LevelOrder): LevelBook {
  const orders = new Map(book.orders);
  orders.delete(order.level);
  let next: LevelBook = { ...book, orders };
  // An order whose placement answer never came is known to the ledger only through its deals' client id.
  const fills =
    (order.orderId === null ? undefined : book.ledger.orders.get(order.orderId)) ??
    [...book.ledger.orders.values()].find((f) => f.clientOrderId === order.clientOrderId);
  const remainder = order.amount.minus(fills === undefined ? ZERO : filledOf(fills));
  if (isPositive(remainder) && meetsMinimums(book.rules, order.price, remainder)) {
    next = reserve(next, order.level, order.side, remainder, 'restore');
  }
  return flushLevel(next, order.level);
}

/** Returns the book with a residue at a free level owed as an order, when the residue alone meets the minimums. */
export function flushLevel(book: LevelBook, level: number): LevelBook {
  if (isLevelBusy(book, level)) return book;
  // A residue on each side of one level: first the side that does not meet one of our own orders.
  // The other would be refused (post-only) and come back as the residue it was, every time, so the
  // side behind it would never be placed.
  const sides = crossesOwnOrders(book, level, 'buy') ? (['sell', 'buy'] as const) : (['buy', 'sell'] as const);
  for (const side of sides) {
    const r = flushResidue(book.ledger, level, side, ledgerContext(book));
    if (r.amount !== null) return reserve({ ...book, ledger: r.ledger }, level, side, r.amount, 'residue');
  }
  return book;
}

/**
 * Returns the book after a ledger step: records the new fill in the PnL, frees a finished order's
 * level, and answers a released quantity (place, carry as residue, or count it off-grid).
 * `fill.fee` is the deal's fee; a fill learned only from `deal_stock` has none, and the maker fee
 * is assumed for its PnL.
 */
export function absorb(
  book: LevelBook,
  step: LedgerStep,
  fill: { readonly price: Decimal; readonly fee: { readonly amount: Decimal; readonly asset: string } | null },
): LevelBook {
  if (step.outcome !== 'applied') return book;
  let next: LevelBook = { ...book, ledger: step.ledger };
  const order = step.order;
  if (order !== null && isPositive(step.filledDelta)) {
    const fee =
      fill.fee ??
      // Estimate: maker fee on the notional, in quote.
      { amount: fill.price.times(step.filledDelta).times(book.rules.makerFeePercent).div(100), asset: book.rules.quoteAsset };
    next = {
      ...next,
      pnl: applyTrade(
        next.pnl,
        { level: order.level, side: order.side, price: fill.price, amount: step.filledDelta, fee: fee.amount, feeAsset: fee.asset },
        book.rules,
      ),
    };
  }
  if (order !== null && isFinal(order)) next = finishOrder(next, order.orderId);
  const release = step.release;
  if (release !== null) {
    const decision = decideCounter(next.plan, release, (level) => isLevelBusy(next, level));
    switch (decision.kind) {
      case 'place':
        next = reserve(next, decision.order.level, decision.order.side, decision.order.amount, 'counter');
        break;
      case 'carry': {
        // A counter-order still owed (not sent) at that level on the same side simply grows;
        // otherwise the quantity waits as the level's residue.
        const there = next.orders.get(decision.level);
        if (there !== undefined && there.state === 'owed' && there.side === decision.side && (there.origin === 'counter' || there.origin === 'residue')) {
          const orders = new Map(next.orders);
          orders.set(decision.level, { ...there, amount: there.amount.plus(decision.amount) });
          next = { ...next, orders };
        } else {
          next = { ...next, ledger: carryResidue(next.ledger, decision.level, decision.side, decision.amount) };
        }
        break;
      }
      case 'off-grid':
        next = { ...next, offGridBase: next.offGridBase.plus(decision.amount) };
        break;
    }
  }
  return next;
}

/** Returns the book with the order marked final in the ledger (found finished by reconcile) and its level freed. */
export function closeBookOrder(book: LevelBook, orderId: number): LevelBook {
  const step = closeOrder(book.ledger, orderId, ledgerContext(book));
  const order = book.ledger.orders.get(orderId);
  const next = absorb(book, step, { price: order?.price ?? new D(0), fee: null });
  return finishOrder(next, orderId);
}

/** Returns the time of the latest deal the book has seen (epoch seconds), or null: where reconcile's executed history should start. */
export function lastDealSec(book: LevelBook): number | null {
  return book.ledger.lastDealSec;
}
