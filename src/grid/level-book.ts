/**
 * The level book: the grid's local state, owned by the market actor and changed in place. It holds
 * the plan, at most one order per level, the orders being cancelled, the fill ledger and the PnL,
 * and it queues the orders the grid owes (initial plan, counter-orders, residues) until the actor
 * takes them. The journal's events are the truth it is rebuilt from (replay runs the machine over
 * them); a restored book is copied (`resumeBook`) so the input it came from is never changed.
 *
 * Entry points: `createLevelBook`, `takeIntents`, `applyPlacement`, `applyDeal`,
 * `applyOrderUpdate`, `hasUnknownOrders`, `isLevelBusy`, `owedIntents`, `resumeBook`, `cloneBook`,
 * `releaseWaiting` / `waitingReleases` (levels waiting for price, price-wait.ts).
 * Every function that changes the book returns it and bumps `version` (observers compare versions,
 * not references). Fills learned are queued in `learned` for the owner to drain (the market machine
 * tells its observers about them).
 *
 * Invariants:
 * - at most one order per level (a `Map` by level), whatever its state; a level that is being
 *   cancelled counts as busy too, so a counter-order never joins a stray at its level;
 * - an order is reserved at its level (state `owed`) the moment the grid decides it, before it is
 *   sent, so two decisions can never target one level;
 * - one order is one record (order-record.ts): the level map, the client id index, the owed queue
 *   and the ledger hold the same object;
 * - every counter quantity comes from the ledger (exactly once); a quantity whose level holds a
 *   counter-order not yet sent joins it; one whose level is otherwise busy, or whose counter-order
 *   is rejected, goes to the level's residue and is placed when the level frees (or joins the
 *   next counter-order there): quantity is never dropped;
 * - an unknown outcome (`unknown`) keeps the level reserved until reconcile resolves it; nothing
 *   here re-places it;
 * - an order refused as post-only (it would have taken) is not dropped: its quantity waits for price
 *   in `waiting` (one entry per side and level) and is owed again, once, with a fresh client id, by
 *   the first price event that lets it rest at a free level (`releaseWaiting`). Quantity for a
 *   (side, level) that waits joins the entry (a fill's counter, a residue freed there).
 *
 * Order states: owed → sending (taken) → live (placed) → gone (final update / found finished);
 * sending → owed (notSent), → unknown (timeout/5xx after sending, or the book restored by a new
 * actor: `resumeBook`), → gone (rejected), → waiting for price (rejected as post-only) → owed (a new
 * record, by `releaseWaiting`); sending or unknown → gone when its deals fill all it was sent with
 * (they carry our client id and may beat the answer: order-record.ts `isFinal`; the late answer then
 * finds no record and changes nothing).
 */
import { encodeClientOrderId, type ClientIdScope } from './client-order-id.js';
import { decideCounter } from './counter-order.js';
import { D, ZERO, cmpDec, isPositive, minusDec, parseDecimal, plainKept, type Decimal } from './decimal.js';
import {
  applyFill,
  applyOrderProgress,
  carryResidue,
  closeOrder,
  emptyLedger,
  flushResidue,
  type Fill,
  type FillLedger,
  type LedgerContext,
  type LedgerStep,
  type OrderUpdate,
  residueKey,
} from './fill-ledger.js';
import { meetsMinimums, type MarketRules, type Side } from './market-rules.js';
import { filledOf, isFinal, newRecord, type LevelOrderState, type OrderOrigin, type OrderRecord } from './order-record.js';
import { applyTrade, clonePnl, emptyPnl, type PnlBook } from './pnl.js';
import type { GridPlan } from './plan.js';
import { isWouldTake, restsAt, type WaitingLevel } from './price-wait.js';

export type { LevelOrderState, OrderOrigin, WaitingLevel };

/** The one order a level holds. */
export type LevelOrder = OrderRecord;

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

/**
 * Which way an order or a cancel went: WebSocket order entry or REST (runtime/exchange/order-router.ts).
 * Absent on outcomes that predate the router (journals of older runs).
 */
export type OrderWay = 'ws' | 'rest';

/** What the exchange (or the desk) said about one sent intent; `via`: the way it went (see {@link OrderWay}). */
export type PlacementOutcome =
  /** Accepted; it may already have filled in the call (`dealStock` > 0, `left` 0 when complete). */
  | {
      readonly kind: 'placed';
      readonly clientOrderId: string;
      readonly orderId: number;
      readonly dealStock: string;
      readonly left: string;
      readonly via?: OrderWay;
    }
  /** Refused (422/400): nothing rests. `wouldTake`: refused as post-only (the level waits for price). */
  | { readonly kind: 'rejected'; readonly clientOrderId: string; readonly reason: string; readonly wouldTake?: boolean; readonly via?: OrderWay }
  /** It may or may not rest: reconcile decides. */
  | { readonly kind: 'unknown'; readonly clientOrderId: string; readonly reason: string; readonly via?: OrderWay }
  /** Never left the process: it is owed again. */
  | { readonly kind: 'notSent'; readonly clientOrderId: string; readonly reason: string; readonly via?: OrderWay };

/** A filled quantity the ledger learned, for the owner to report. */
export interface LearnedFill {
  readonly order: OrderRecord;
  readonly orderId: number;
  readonly dealId: number | null;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly fee: Decimal | null;
  readonly feeAsset: string | null;
}

/** How many learned fills wait for the owner at most (one step learns a few; nobody draining must not grow memory). */
const LEARNED_CAP = 256;
/** How many problems are kept (the first ones say what went wrong). */
const PROBLEMS_CAP = 32;

export interface LevelBook {
  readonly plan: GridPlan;
  readonly scope: ClientIdScope;
  readonly rules: MarketRules;
  /** By level index; at most one per level. */
  readonly orders: Map<number, LevelOrder>;
  /** The same records by client order id. */
  readonly byClientId: Map<string, LevelOrder>;
  /** Strays being cancelled, by order id. */
  readonly cancelling: Map<number, CancellingOrder>;
  readonly ledger: FillLedger;
  readonly pnl: PnlBook;
  /** Next client order id sequence. */
  nextSeq: number;
  /** Base released beyond the grid's edge (no level to answer at): inventory left to risk.ts. */
  offGridBase: Decimal;
  /** Orders that could not be reserved (a bad bot id); normally empty. */
  readonly problems: string[];
  /** Orders reserved as `owed`, in the order they were decided (entries that stopped being owed are skipped when taken). */
  readonly owed: LevelOrder[];
  /** Bumped by every change: how observers tell that the book changed. */
  version: number;
  /** Fills learned since the owner last drained them. */
  readonly learned: LearnedFill[];
  /** Quantities refused as post-only, waiting until the price lets them rest, by `residueKey(side, level)`. */
  readonly waiting: Map<string, WaitingLevel>;
}

const contexts = new WeakMap<LevelBook, LedgerContext>();

/** Returns the ledger context of a book. */
export function ledgerContext(book: LevelBook): LedgerContext {
  let ctx = contexts.get(book);
  if (ctx === undefined) {
    const { byClientId, cancelling } = book;
    ctx = { plan: book.plan, rules: book.rules, scope: book.scope, find: (id) => byClientId.get(id), cancelling: (orderId) => cancelling.has(orderId) };
    contexts.set(book, ctx);
  }
  return ctx;
}

function bare(plan: GridPlan, scope: ClientIdScope, rules: MarketRules, ledger: FillLedger, pnl: PnlBook, nextSeq: number): LevelBook {
  return {
    plan,
    scope,
    rules,
    orders: new Map(),
    byClientId: new Map(),
    cancelling: new Map(),
    ledger,
    pnl,
    nextSeq,
    offGridBase: ZERO,
    problems: [],
    owed: [],
    version: 0,
    learned: [],
    waiting: new Map(),
  };
}

/**
 * Returns a book for `plan` with the plan's orders owed (one per level with a side), ids from
 * `firstSeq` on. After a restart without a journal, pass a `firstSeq` above any id used before
 * (e.g. derived from the start time, given as an argument) so old and new ids never meet.
 */
export function createLevelBook(plan: GridPlan, scope: ClientIdScope, rules: MarketRules, firstSeq = 0): LevelBook {
  const book = bare(plan, scope, rules, emptyLedger(), emptyPnl(), firstSeq);
  for (const level of plan.levels) {
    if (level.side !== null) reserve(book, level.index, level.side, level.amount, 'plan');
  }
  return book;
}

/** Puts a record at its level (the level must be free) and indexes it. */
export function placeRecord(book: LevelBook, order: LevelOrder): void {
  book.orders.set(order.level, order);
  book.byClientId.set(order.clientOrderId, order);
  if (order.state === 'owed') book.owed.push(order);
}

/** Takes the record off its level. */
export function dropRecord(book: LevelBook, order: LevelOrder): void {
  if (book.orders.get(order.level) === order) book.orders.delete(order.level);
  if (book.byClientId.get(order.clientOrderId) === order) book.byClientId.delete(order.clientOrderId);
}

/** True when a level holds an order (any state) or a stray being cancelled. */
export function isLevelBusy(book: LevelBook, level: number): boolean {
  if (book.orders.has(level)) return true;
  for (const c of book.cancelling.values()) if (c.level === level) return true;
  return false;
}

/** Reserves an order owed at `level` (the caller made sure the level is free). */
function reserve(book: LevelBook, level: number, side: Side, amount: Decimal, origin: OrderOrigin): void {
  const rung = book.plan.levels[level];
  if (rung === undefined) return;
  const seq = book.nextSeq;
  const id = encodeClientOrderId(book.scope, { level, side, seq });
  if (!id.ok) {
    if (book.problems.length < PROBLEMS_CAP) book.problems.push(`level ${level}: ${id.reason}`);
    return;
  }
  book.nextSeq = seq + 1;
  placeRecord(book, newRecord({ level, side, price: rung.price, amount, clientOrderId: id.id, seq, orderId: null, origin, state: 'owed' }));
}

function toIntent(book: LevelBook, o: LevelOrder): OrderIntent {
  return {
    market: book.plan.market,
    clientOrderId: o.clientOrderId,
    level: o.level,
    side: o.side,
    price: plainKept(o.price),
    amount: plainKept(o.amount),
    origin: o.origin,
  };
}

/** The owed orders still at their level, oldest decision first; drops the queue's stale entries. */
function owedNow(book: LevelBook): LevelOrder[] {
  const q = book.owed;
  let w = 0;
  let sorted = true;
  for (let r = 0; r < q.length; r += 1) {
    const o = q[r] as LevelOrder;
    if (o.state !== 'owed' || book.orders.get(o.level) !== o) continue;
    if (w > 0 && (q[w - 1] as LevelOrder).seq > o.seq) sorted = false;
    q[w] = o;
    w += 1;
  }
  q.length = w;
  if (!sorted) q.sort((a, b) => a.seq - b.seq);
  return q;
}

/** Returns the owed orders as intents, oldest decision first, without taking them. */
export function owedIntents(book: LevelBook): OrderIntent[] {
  return owedNow(book).map((o) => toIntent(book, o));
}

/** Returns up to `max` owed orders as intents (oldest first), now marked `sending`, and the book. */
export function takeIntents(book: LevelBook, max: number): { readonly book: LevelBook; readonly intents: readonly OrderIntent[] } {
  if (book.owed.length === 0) return { book, intents: [] };
  const owed = owedNow(book);
  const n = Math.min(owed.length, Math.max(0, max));
  if (n === 0) return { book, intents: [] };
  const intents: OrderIntent[] = [];
  for (let i = 0; i < n; i += 1) {
    const o = owed[i] as LevelOrder;
    o.state = 'sending';
    intents.push(toIntent(book, o));
  }
  owed.splice(0, n);
  book.version += 1;
  return { book, intents };
}

/**
 * Returns a deep copy of the book: what an actor starts from when given a book another holder
 * keeps (a restored book in its input), so changing one never changes the other.
 */
export function cloneBook(book: LevelBook): LevelBook {
  const ledger = emptyLedger();
  const src = book.ledger;
  const next = bare(book.plan, book.scope, book.rules, ledger, clonePnl(book.pnl), book.nextSeq);
  const copies = new Map<OrderRecord, OrderRecord>();
  const copy = (o: OrderRecord): OrderRecord => {
    let c = copies.get(o);
    if (c === undefined) {
      c = { ...o, dealIds: [...o.dealIds] };
      copies.set(o, c);
    }
    return c;
  };
  for (const o of book.orders.values()) placeRecord(next, copy(o));
  for (const [id, c] of book.cancelling) next.cancelling.set(id, c);
  for (const [id, o] of src.orders) ledger.orders.set(id, copy(o));
  for (const [id, seq] of src.finished) ledger.finished.set(id, seq);
  for (const [k, v] of src.residues) ledger.residues.set(k, v);
  for (const [k, v] of src.levelFills) ledger.levelFills.set(k, { ...v });
  ledger.forgottenSeq = src.forgottenSeq;
  ledger.lastDealSec = src.lastDealSec;
  ledger.filledTotal = src.filledTotal;
  ledger.releasedTotal = src.releasedTotal;
  ledger.dealCount = src.dealCount;
  next.offGridBase = book.offGridBase;
  next.problems.push(...book.problems);
  for (const [k, w] of book.waiting) next.waiting.set(k, { ...w });
  return next;
}

/**
 * Returns a copy of a book an earlier actor left (restored from the journal after a restart) as a
 * new actor must take it over: an order that actor was still `sending` has an unknown outcome now,
 * since the answer it waited for went to a process (or actor) that is gone. Left `sending`, it would
 * hold its level for an answer that never comes, and no counter-order could ever go there; as
 * `unknown`, reconcile finds it by client id (open: kept; in the deals: filled, level freed;
 * nowhere: owed again). Never re-placed blindly.
 */
export function resumeBook(book: LevelBook): LevelBook {
  const next = cloneBook(book);
  for (const o of next.orders.values()) if (o.state === 'sending') o.state = 'unknown';
  return next;
}

/** True when some order's outcome is unknown (the market must reconcile). */
export function hasUnknownOrders(book: LevelBook): boolean {
  for (const o of book.orders.values()) if (o.state === 'unknown') return true;
  return false;
}

/** Returns the book after the outcome of one sent intent. An outcome for an id the book no longer holds changes nothing but the ledger. */
export function applyPlacement(book: LevelBook, outcome: PlacementOutcome): LevelBook {
  const order = book.byClientId.get(outcome.clientOrderId);
  if (order === undefined) return book;
  book.version += 1;
  switch (outcome.kind) {
    case 'placed': {
      order.orderId = outcome.orderId;
      order.state = 'live';
      const left = parseDecimal(outcome.left);
      const step = applyOrderProgress(
        book.ledger,
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
        ledgerContext(book),
      );
      return absorb(book, step, { price: order.price, fee: null, dealId: null });
    }
    case 'rejected': {
      if (order.orderId !== null) return book;
      dropRecord(book, order);
      // Refused as post-only: the price moved past the level while the order was owed. It waits for
      // the price to come back (whatever its origin: a plan level dropped here used to be lost).
      if (isWouldTake(outcome)) addWaiting(book, order.level, order.side, order.amount, order.origin, order.crosserLeft === true);
      // Any other refused counter-order keeps its quantity as a residue.
      else if (order.origin === 'counter' || order.origin === 'residue') carryResidue(book.ledger, order.level, order.side, order.amount);
      // The order left the book: like any order leaving it, it may uncross residues waiting at free
      // levels (here and elsewhere: a residue the refused order crossed waited for good when no
      // order finished after it), and its level is free for the other side's residue. Not this
      // side at this level again: it was just refused. (The two sides cannot take turns being
      // refused for good: that needs a crossed book.)
      return flushFreeLevels(book, residueKey(order.side, order.level));
    }
    case 'unknown':
      if (order.state === 'sending') order.state = 'unknown';
      return book;
    case 'notSent':
      if (order.state === 'sending') {
        order.state = 'owed';
        book.owed.push(order);
      }
      return book;
  }
}

/** Returns the book after one deal of ours (deduplicated by deal id in the ledger). */
export function applyDeal(book: LevelBook, deal: Fill): LevelBook {
  const price = parseDecimal(deal.price);
  if (price === null) return book;
  // A deal of an order still on its way (it can beat the answer and the order report): its order id is
  // learned from it, as from an early order update, so that the order's level is freed if it filled in full.
  const held = deal.clientOrderId === '' ? undefined : book.byClientId.get(deal.clientOrderId);
  if (held !== undefined && held.orderId === null && held.state !== 'owed' && held.side === deal.side) held.orderId = deal.orderId;
  const step = applyFill(book.ledger, deal, ledgerContext(book));
  if (step.outcome !== 'applied') return book;
  book.version += 1;
  const fee = parseDecimal(deal.fee);
  return absorb(book, step, { price, fee: fee === null ? null : { amount: fee, asset: deal.feeAsset }, dealId: deal.dealId });
}

/** Returns the book after an order update (`ordersPending_update`): learns the order id, fills and completion. */
export function applyOrderUpdate(book: LevelBook, update: OrderUpdate): LevelBook {
  const order = book.byClientId.get(update.clientOrderId);
  // The WS event can arrive before the REST answer (§8.6): learn the order id from it.
  if (order !== undefined && order.orderId === null && order.state !== 'owed') {
    order.orderId = update.orderId;
    order.state = 'live';
    book.version += 1;
  }
  const step = applyOrderProgress(book.ledger, update, ledgerContext(book));
  if (step.outcome === 'applied') {
    book.version += 1;
    const price = parseDecimal(update.price) ?? order?.price ?? new D(0);
    absorb(book, step, { price, fee: null, dealId: null });
  }
  if (update.final) finishOrder(book, update.orderId);
  return book;
}

/**
 * Frees the order's level (and places any residue there) once it can fill no more. `held`: the
 * record the caller already has for it, if any; found at its level, no level is searched (the
 * search costs a look at every level, on every fill of a grid). Returns the book.
 */
export function finishOrder(book: LevelBook, orderId: number, held?: LevelOrder): LevelBook {
  const c = book.cancelling.get(orderId);
  if (c !== undefined) {
    book.cancelling.delete(orderId);
    book.version += 1;
    flushLevel(book, c.level);
    return flushFreeLevels(book);
  }
  if (held !== undefined && held.orderId === orderId && book.orders.get(held.level) === held) {
    book.version += 1;
    releaseLevel(book, held);
    markCrosserLeft(book, held);
    return flushFreeLevels(book);
  }
  for (const o of book.orders.values()) {
    if (o.orderId === orderId) {
      book.version += 1;
      releaseLevel(book, o);
      markCrosserLeft(book, o);
      return flushFreeLevels(book);
    }
  }
  return book;
}

/**
 * Tells each of our orders on its way that `gone` would have met (the other side, at or beyond its
 * level) that `gone` left the book: if the exchange refuses it as post-only, our own order may have
 * been all that was in its way, and the refusal arrives too late to see it (chaos sigkill-restart
 * seed 13: a counter sell refused because of our buy above it, which filled before the refusal came
 * back, waited for a price that never came while nothing was left for it to cross).
 */
function markCrosserLeft(book: LevelBook, gone: OrderRecord): void {
  for (const o of book.orders.values()) {
    if (o.state === 'sending' && (gone.side === 'buy' ? o.side === 'sell' && o.level <= gone.level : o.side === 'buy' && o.level >= gone.level))
      o.crosserLeft = true;
  }
}

/** True when an order of `side` at `level` would meet one of the book's own orders (a sell at or below a buy of ours, or the reverse). */
function crossesOwnOrders(book: LevelBook, level: number, side: Side): boolean {
  for (const o of book.orders.values()) {
    if (side === 'buy' ? o.side === 'sell' && o.level <= level : o.side === 'buy' && o.level >= level) return true;
  }
  return false;
}

/**
 * Owes the residues of every free level as orders (where they meet the minimums and would not
 * meet one of our own orders). Why on every finished or refused order and at the end of a
 * reconcile, not only when a residue's own level frees: a residue can wait at a level that is
 * already free, when its counter-order was refused (post-only: it would have crossed one of the
 * bot's own orders, after fills on both sides of the gap in one fast move), or when the order that
 * crossed it was refused. Only its own level freeing used to retry it, which never happens at a
 * free level: the quantity waited for good. An order leaving the book is what can uncross it, so
 * that is when it is tried again; a side that still crosses our own orders is left waiting (it
 * would only be refused again). `except` (a `residueKey`) is left waiting too: the (side, level)
 * whose order was just refused.
 */
export function flushFreeLevels(book: LevelBook, except?: string): LevelBook {
  if (book.waiting.size !== 0) releaseUncrossed(book);
  if (book.ledger.residues.size === 0) return book;
  for (const key of [...book.ledger.residues.keys()]) {
    if (key === except) continue;
    const [side, levelText] = key.split('@') as [Side, string];
    const level = Number(levelText);
    if (!Number.isInteger(level) || isLevelBusy(book, level) || crossesOwnOrders(book, level, side)) continue;
    const r = flushResidue(book.ledger, level, side, ledgerContext(book));
    if (r.amount !== null) oweOrWait(book, level, side, r.amount);
  }
  return book;
}

/**
 * Takes `order` off its level. What it did not fill is owed again at the same level (a fresh client
 * id): an order that ends unfilled without our asking — cancelled by an expired kill-switch, by
 * hand, or never placed at all (an unknown outcome found absent) — leaves a hole in the grid that
 * the grid must close. A remainder below the market's minimums cannot be placed: a counter quantity
 * keeps it as the level's residue, a plan order drops it. Returns the book.
 */
export function releaseLevel(book: LevelBook, order: LevelOrder): LevelBook {
  dropRecord(book, order);
  book.version += 1;
  // Filled in full (the usual end of a grid order): no remainder, and no Decimal made to say so.
  const filled = filledOf(order);
  const remainder = cmpDec(filled, order.amount) >= 0 ? ZERO : minusDec(order.amount, filled);
  if (isPositive(remainder) && meetsMinimums(book.rules, order.price, remainder)) reserve(book, order.level, order.side, remainder, 'restore');
  return flushLevel(book, order.level);
}

/** Owes a residue at a free level as an order, when the residue alone meets the minimums. Returns the book. */
export function flushLevel(book: LevelBook, level: number): LevelBook {
  if (isLevelBusy(book, level)) return book;
  // A residue on each side of one level: first the side that does not meet one of our own orders.
  // The other would be refused (post-only) and come back as the residue it was, every time, so the
  // side behind it would never be placed.
  const sides = crossesOwnOrders(book, level, 'buy') ? (['sell', 'buy'] as const) : (['buy', 'sell'] as const);
  for (const side of sides) {
    const r = flushResidue(book.ledger, level, side, ledgerContext(book));
    if (r.amount !== null && oweOrWait(book, level, side, r.amount)) return book;
  }
  return book;
}

/**
 * Applies a ledger step to the book: records the new fill in the PnL (and in `learned`), frees a
 * finished order's level, and answers a released quantity (place, carry as residue, or count it
 * off-grid). `fill.fee` is the deal's fee; a fill learned only from `deal_stock` has none, and the
 * maker fee is assumed for its PnL. Returns the book.
 */
function absorb(
  book: LevelBook,
  step: LedgerStep,
  fill: { readonly price: Decimal; readonly fee: { readonly amount: Decimal; readonly asset: string } | null; readonly dealId: number | null },
): LevelBook {
  if (step.outcome !== 'applied') return book;
  const order = step.order;
  if (order !== null && isPositive(step.filledDelta)) {
    const fee = fill.fee ??
      // Estimate: maker fee on the notional, in quote.
      { amount: fill.price.times(step.filledDelta).times(book.rules.makerFeePercent).div(100), asset: book.rules.quoteAsset };
    applyTrade(
      book.pnl,
      { level: order.level, side: order.side, price: fill.price, amount: step.filledDelta, fee: fee.amount, feeAsset: fee.asset },
      book.rules,
    );
    if (book.learned.length >= LEARNED_CAP) book.learned.shift();
    book.learned.push({
      order,
      orderId: step.orderId ?? 0,
      dealId: fill.dealId,
      price: fill.price,
      amount: step.filledDelta,
      fee: fill.fee?.amount ?? null,
      feeAsset: fill.fee?.asset ?? null,
    });
  }
  if (order !== null && step.orderId !== null && isFinal(order)) finishOrder(book, step.orderId, order);
  const release = step.release;
  if (release !== null) {
    const decision = decideCounter(book.plan, release, (level) => isLevelBusy(book, level));
    switch (decision.kind) {
      case 'place':
        // Where the same (side, level) waits for price, an order now would only be refused: it joins.
        if (book.waiting.size === 0 || !joinWaiting(book, decision.order.level, decision.order.side, decision.order.amount)) {
          reserve(book, decision.order.level, decision.order.side, decision.order.amount, 'counter');
        }
        break;
      case 'carry': {
        // A counter-order still owed (not sent) at that level on the same side simply grows;
        // otherwise the quantity waits as the level's residue (or with that side's wait for price).
        const there = book.orders.get(decision.level);
        if (book.waiting.size !== 0 && joinWaiting(book, decision.level, decision.side, decision.amount)) break;
        if (there !== undefined && there.state === 'owed' && there.side === decision.side && (there.origin === 'counter' || there.origin === 'residue')) {
          there.amount = there.amount.plus(decision.amount);
        } else {
          carryResidue(book.ledger, decision.level, decision.side, decision.amount);
        }
        break;
      }
      case 'off-grid':
        book.offGridBase = book.offGridBase.plus(decision.amount);
        break;
    }
  }
  return book;
}

/** Marks the order final in the ledger (found finished by reconcile) and frees its level. Returns the book. */
export function closeBookOrder(book: LevelBook, orderId: number): LevelBook {
  const order = book.ledger.orders.get(orderId);
  const step = closeOrder(book.ledger, orderId, ledgerContext(book));
  if (step.outcome === 'applied') {
    book.version += 1;
    absorb(book, step, { price: order?.price ?? new D(0), fee: null, dealId: null });
  }
  return finishOrder(book, orderId);
}

/** Returns the time of the latest deal the book has seen (epoch seconds), or null: where reconcile's executed history should start. */
export function lastDealSec(book: LevelBook): number | null {
  return book.ledger.lastDealSec;
}

/** Adds a refused quantity to the (side, level)'s wait for price. */
function addWaiting(book: LevelBook, level: number, side: Side, amount: Decimal, origin: OrderOrigin, crosserLeft = false): void {
  const crossedOwn = crosserLeft || crossesOwnOrders(book, level, side);
  const w = book.waiting.get(residueKey(side, level));
  if (w !== undefined) {
    w.amount = w.amount.plus(amount);
    w.crossedOwn = w.crossedOwn || crossedOwn;
    return;
  }
  const rung = book.plan.levels[level];
  if (rung === undefined) return;
  book.waiting.set(residueKey(side, level), { level, side, price: rung.price, amount, origin, crossedOwn });
}

/** Owes the waiting levels that were refused for crossing our own orders and cross none any more, at a free level (see price-wait.ts). */
function releaseUncrossed(book: LevelBook): void {
  for (const [key, w] of [...book.waiting]) {
    if (!w.crossedOwn || isLevelBusy(book, w.level) || crossesOwnOrders(book, w.level, w.side)) continue;
    book.waiting.delete(key);
    reserve(book, w.level, w.side, w.amount, w.origin);
    book.version += 1;
  }
}

/** Adds `amount` to the (side, level)'s wait for price when there is one; returns whether it did. */
function joinWaiting(book: LevelBook, level: number, side: Side, amount: Decimal): boolean {
  const w = book.waiting.get(residueKey(side, level));
  if (w === undefined) return false;
  w.amount = w.amount.plus(amount);
  return true;
}

/**
 * Owes a freed residue at its level, or adds it to that (side, level)'s wait for price (sent now, it
 * would be refused). Returns true when it was owed.
 */
function oweOrWait(book: LevelBook, level: number, side: Side, amount: Decimal): boolean {
  if (book.waiting.size !== 0 && joinWaiting(book, level, side, amount)) return false;
  reserve(book, level, side, amount, 'residue');
  return true;
}

/**
 * Returns the levels waiting for price that the last price `price` releases: those that would rest
 * at it as makers, at a level that is free and where they would meet none of our own orders. Changes
 * nothing. Empty (and cheap) when nothing waits.
 */
export function waitingReleases(book: LevelBook, price: Decimal): WaitingLevel[] {
  const out: WaitingLevel[] = [];
  if (book.waiting.size === 0) return out;
  for (const w of book.waiting.values()) {
    if (restsAt(w.side, w.price, price) && !isLevelBusy(book, w.level) && !crossesOwnOrders(book, w.level, w.side)) out.push(w);
  }
  return out;
}

/**
 * Owes every level waiting for price that `price` releases (`waitingReleases`) as a new order with
 * a fresh client id, and takes it out of `waiting`: each waiting quantity is owed exactly once.
 * Returns how many were released.
 */
export function releaseWaiting(book: LevelBook, price: Decimal): number {
  let released = 0;
  for (const w of waitingReleases(book, price)) {
    // Checked again: a release just made may have taken the level or would cross this one.
    if (isLevelBusy(book, w.level) || crossesOwnOrders(book, w.level, w.side)) continue;
    book.waiting.delete(residueKey(w.side, w.level));
    reserve(book, w.level, w.side, w.amount, w.origin);
    released += 1;
  }
  if (released > 0) book.version += 1;
  return released;
}
