/**
 * The fill ledger: the one place that turns fill facts into counter-order quantities, exactly once.
 * It is mutable: the market actor owns it (inside its level book) and changes it in place; the
 * journal's events stay the truth it is rebuilt from.
 *
 * Entry points: `emptyLedger`, `applyFill` (one deal), `applyOrderProgress` (an order's cumulative
 * `deal_stock`, from ordersPending or /orders), `closeOrder`, `carryResidue`, `flushResidue`, `ledgerTotals`.
 *
 * Why two kinds of facts, and how they never double count: WhiteBIT reports the same execution
 * twice, as a deal (`deals_update`, executed history: has a deal id) and as the order's cumulative
 * `deal_stock` (`ordersPending_update`, /orders: no deal id), in either order, with duplicates,
 * and after reconnects some only as one kind. Per order the ledger keeps the deduplicated deals
 * (by deal id) and the highest reported `deal_stock`, and takes
 *
 *     filled = max(Σ deduplicated deals, max reported deal_stock)
 *
 * Both are cumulative lower bounds of the same true quantity, so their max is too, and it only
 * grows. Only the increase of `filled` is new; a repeat of anything already known changes nothing.
 *
 * Release rule (the counter-order quantity): per order, `pending = filled − released`. The ledger
 * releases `pending` plus the target level's residue as one counter quantity as soon as that sum
 * meets `minAmount` and `minTotal` at the counter price. When the order is final (reported final,
 * or filled ≥ its amount) and the sum is still below the minimums, `pending` moves into the
 * residue of the target level (key: counter side @ target level) and is added to the next
 * counter-order released there. So every filled quantity ends up in exactly one of: a released
 * counter quantity, a residue, or `pending` of a live order. `ledgerTotals` checks that sum.
 *
 * Fills of orders beyond the grid edge are released with `targetLevel: null` (see counter-order.ts).
 * Fills whose client id is not ours (and whose order the ledger does not know) are ignored.
 *
 * Bounded history: a final order leaves the ledger at once (its events are journaled before the
 * actor sees them, so nothing is lost). Why a redelivered fact of it cannot count again:
 * - a final order can learn no more quantity: it is final because `filled ≥ amount`, or because
 *   the exchange said so with its last cumulative `deal_stock`, which every later deal of it is
 *   already inside (`filled` is a max). So any fact of a finished order is a duplicate;
 * - its order id stays in `finished`, a ring of the last FINISHED_CAP finished orders, so a fact
 *   with that order id is recognised as such;
 * - an order that left the ring has a client sequence ≤ `forgottenSeq`. Every order of ours that
 *   can still fill is held by the book, found through `LedgerContext.find` (at its level) or
 *   `LedgerContext.cancelling` (a stray being cancelled) before this rule applies, so an unknown order of ours whose
 *   sequence is ≤ `forgottenSeq` is one that finished long ago (or belongs to an earlier run the
 *   book never held): its fact is a duplicate. This also covers reconcile's executed history since
 *   `lastDealSec`, which may list deals of orders finished any time before.
 */
import { decodeClientOrderId, type ClientIdScope } from './client-order-id.js';
import { counterLevel, counterSide } from './counter-order.js';
import { ZERO, cmpDec, isPositive, maxDec, minusDec, parseDecimal, plusDec, type Decimal, type DecimalLike } from './decimal.js';
import { meetsMinimums, type MarketRules, type Side } from './market-rules.js';
import { filledOf, isFinal, newRecord, pendingOf, type OrderRecord } from './order-record.js';
import type { GridPlan } from './plan.js';

export { filledOf, isFinal, pendingOf };

/** How many finished orders the ledger remembers by order id (older ones by `forgottenSeq`). */
export const FINISHED_CAP = 256;

/** One execution of one of our orders (domain form of a deal). */
export interface Fill {
  readonly dealId: number;
  readonly orderId: number;
  /** May be `""` when the source lacks it; then the order must already be known to the ledger. */
  readonly clientOrderId: string;
  readonly side: Side;
  readonly price: DecimalLike;
  /** Base amount of this execution. */
  readonly amount: DecimalLike;
  /** Fee charged, in `feeAsset` (WhiteBIT charges the received asset, §8.5). */
  readonly fee: DecimalLike;
  readonly feeAsset: string;
  /** Execution time, epoch seconds as WhiteBIT reports it (a float). Not money, so a number. */
  readonly time: number;
}

/** An open order as the exchange lists it (`/api/v4/orders`, `ordersPending_request`). */
export interface ExchangeOrder {
  readonly orderId: number;
  /** `""` when none. */
  readonly clientOrderId: string;
  readonly side: Side;
  readonly price: DecimalLike;
  /** The order's base amount. */
  readonly amount: DecimalLike;
  /** Remaining base. */
  readonly left: DecimalLike;
  /** Cumulative filled base (`deal_stock` / `dealStock`). */
  readonly dealStock: DecimalLike;
}

/** An order's cumulative state as the exchange pushes it (`ordersPending_update`; no deal ids). */
export interface OrderUpdate extends ExchangeOrder {
  /** True when no more fills can come: event 3 (filled when `left` is 0, else cancelled). */
  readonly final: boolean;
}

/** Deals counted at one level (what the inspector's ladder shows). */
export interface LevelFills {
  deals: number;
  base: Decimal;
  side: Side;
}

/** The ledger of one grid. Mutable: the functions below change it in place. */
export interface FillLedger {
  /** Orders with facts that are not final yet, by exchange order id (the same records the book holds). */
  readonly orders: Map<number, OrderRecord>;
  /** The last finished orders: order id → client sequence, oldest first (at most FINISHED_CAP). */
  readonly finished: Map<number, number>;
  /** The highest client sequence of a finished order that left `finished`; -1 when none did. */
  forgottenSeq: number;
  /** Quantity waiting to join the next counter-order, by `residueKey(side, level)`. */
  readonly residues: Map<string, Decimal>;
  /** Time of the latest deal of ours seen (epoch seconds), or null: where to resume the executed history. */
  lastDealSec: number | null;
  /** Everything ever filled and released (finished orders included). */
  filledTotal: Decimal;
  releasedTotal: Decimal;
  /** Deals counted, ever, and per level. */
  dealCount: number;
  readonly levelFills: Map<number, LevelFills>;
}

/** What the ledger needs to know about the grid. */
export interface LedgerContext {
  readonly plan: GridPlan;
  readonly rules: MarketRules;
  readonly scope: ClientIdScope;
  /** The book's record for a client order id it holds (at a level or being cancelled), if any. */
  readonly find?: (clientOrderId: string) => OrderRecord | undefined;
  /** True for an order of ours the book is cancelling (a stray reconcile found): it may still fill. */
  readonly cancelling?: (orderId: number) => boolean;
}

/** A counter quantity the caller must now answer (place, carry or log as off-grid). */
export interface CounterRelease {
  readonly sourceOrderId: number;
  readonly sourceLevel: number;
  readonly filledSide: Side;
  /** `null` beyond the grid edge. */
  readonly targetLevel: number | null;
  readonly side: Side;
  /** Total to place: the released fill quantity plus `residueTaken`. */
  readonly amount: Decimal;
  /** Part of `amount` that came from the target level's residue. */
  readonly residueTaken: Decimal;
}

/** The result of feeding one fact to the ledger. */
export interface LedgerStep {
  readonly ledger: FillLedger;
  /** `duplicate`: nothing new was learned; `ignored`: not our order. */
  readonly outcome: 'applied' | 'duplicate' | 'ignored';
  /** Newly learned filled base of the order (zero unless `applied`). */
  readonly filledDelta: Decimal;
  /** The fact's exchange order id (null when ignored). */
  readonly orderId: number | null;
  readonly order: OrderRecord | null;
  readonly release: CounterRelease | null;
  /** Quantity moved into a residue by this step (final order below the minimums). */
  readonly carried: Decimal;
}

/** Returns the residue map key of a (side, level). */
export function residueKey(side: Side, level: number): string {
  return `${side}@${level}`;
}

/** Returns an empty ledger. */
export function emptyLedger(): FillLedger {
  return {
    orders: new Map(),
    finished: new Map(),
    forgottenSeq: -1,
    residues: new Map(),
    lastDealSec: null,
    filledTotal: ZERO,
    releasedTotal: ZERO,
    dealCount: 0,
    levelFills: new Map(),
  };
}

type Located = { readonly kind: 'known' | 'new'; readonly order: OrderRecord } | 'finished' | null;

function locate(ledger: FillLedger, ctx: LedgerContext, fact: { orderId: number; clientOrderId: string; side: Side; price: Decimal }): Located {
  const known = ledger.orders.get(fact.orderId);
  if (known !== undefined) return { kind: 'known', order: known };
  if (ledger.finished.has(fact.orderId)) return 'finished';
  const held = fact.clientOrderId === '' ? undefined : ctx.find?.(fact.clientOrderId);
  if (held !== undefined) {
    if (held.side !== fact.side) return null;
    // A held record that is final left the ledger already (its level is not freed yet): nothing more to learn.
    return isFinal(held) ? 'finished' : { kind: 'new', order: held };
  }
  const id = decodeClientOrderId(fact.clientOrderId, ctx.scope);
  if (id.kind !== 'ours' || id.side !== fact.side || ctx.plan.levels[id.level] === undefined) return null;
  // A stray being cancelled is not held at a level (so `find` misses it) and can fill until its cancel lands.
  if (id.seq <= ledger.forgottenSeq && ctx.cancelling?.(fact.orderId) !== true) return 'finished';
  return {
    kind: 'new',
    order: newRecord({
      level: id.level,
      side: id.side,
      price: fact.price,
      amount: ZERO,
      clientOrderId: fact.clientOrderId,
      seq: id.seq,
      orderId: fact.orderId,
      origin: 'adopted',
      state: 'live',
    }),
  };
}

/** What a record looked like before a fact: enough to tell whether the fact taught anything. */
interface Before {
  readonly filled: Decimal;
  readonly final: boolean;
  readonly deals: number;
  readonly reported: Decimal;
  readonly amount: Decimal | null;
}

// A record the book held before the ledger met it has learned nothing yet (or, once forgotten, all it will).
function before(o: OrderRecord): Before {
  return { filled: filledOf(o), final: isFinal(o), deals: o.dealIds.length, reported: o.reported, amount: o.reportedAmount };
}

/**
 * Returns the step after one deal, and the counter quantity it releases, if any. A deal id seen
 * before, or a deal already covered by a reported `deal_stock`, releases nothing.
 */
export function applyFill(ledger: FillLedger, fill: Fill, ctx: LedgerContext): LedgerStep {
  const price = parseDecimal(fill.price);
  const amount = parseDecimal(fill.amount);
  if (price === null || amount === null || !isPositive(amount)) return unchanged(ledger, 'ignored', null);
  const found = locate(ledger, ctx, { orderId: fill.orderId, clientOrderId: fill.clientOrderId, side: fill.side, price });
  if (found === null) return unchanged(ledger, 'ignored', null);
  if (found === 'finished') return unchanged(ledger, 'duplicate', null);
  const order = found.order;
  if (order.dealIds.includes(fill.dealId)) return unchanged(ledger, 'duplicate', order);
  const was = before(order);
  order.dealIds.push(fill.dealId);
  order.dealSum = plusDec(order.dealSum, amount);
  ledger.dealCount += 1;
  const lf = ledger.levelFills.get(order.level);
  if (lf === undefined) ledger.levelFills.set(order.level, { deals: 1, base: amount, side: order.side });
  else {
    lf.deals += 1;
    lf.base = lf.base.plus(amount);
    lf.side = order.side;
  }
  if (Number.isFinite(fill.time) && (ledger.lastDealSec === null || fill.time > ledger.lastDealSec)) ledger.lastDealSec = fill.time;
  return settle(ledger, fill.orderId, order, was, ctx, found.kind === 'new');
}

/**
 * Returns the step after an order's cumulative report, and the counter quantity it releases, if
 * any. Reports are cumulative, so a stale or repeated one changes nothing; a final report closes
 * the order (its pending quantity is released or carried as a residue).
 */
export function applyOrderProgress(ledger: FillLedger, update: OrderUpdate, ctx: LedgerContext): LedgerStep {
  const price = parseDecimal(update.price);
  const amount = parseDecimal(update.amount);
  const dealStock = parseDecimal(update.dealStock);
  if (price === null || amount === null || dealStock === null || cmpDec(dealStock, ZERO) < 0) return unchanged(ledger, 'ignored', null);
  const found = locate(ledger, ctx, { orderId: update.orderId, clientOrderId: update.clientOrderId, side: update.side, price });
  if (found === null) return unchanged(ledger, 'ignored', null);
  if (found === 'finished') return unchanged(ledger, 'duplicate', null);
  const order = found.order;
  const was = before(order);
  order.reportedAmount = amount;
  order.reported = maxDec(order.reported, dealStock);
  order.final = order.final || update.final;
  return settle(ledger, update.orderId, order, was, ctx, found.kind === 'new');
}

/** Returns the step after marking the order final (no more fills expected) and settling its pending quantity. */
export function closeOrder(ledger: FillLedger, orderId: number, ctx: LedgerContext): LedgerStep {
  const order = ledger.orders.get(orderId);
  if (order === undefined) return unchanged(ledger, 'ignored', null);
  const was = before(order);
  order.final = true;
  return settle(ledger, orderId, order, was, ctx, false);
}

function unchanged(ledger: FillLedger, outcome: 'duplicate' | 'ignored', order: OrderRecord | null): LedgerStep {
  return { ledger, outcome, filledDelta: ZERO, orderId: null, order, release: null, carried: ZERO };
}

function settle(ledger: FillLedger, orderId: number, order: OrderRecord, was: Before, ctx: LedgerContext, isNew: boolean): LedgerStep {
  // Most facts teach no new quantity (a report of a new order, a repeat): no Decimal is made for them.
  const filled = filledOf(order);
  const filledDelta = filled === was.filled || cmpDec(filled, was.filled) === 0 ? ZERO : minusDec(filled, was.filled);
  const final = isFinal(order);
  const stateChanged =
    isNew ||
    isPositive(filledDelta) ||
    (final && !was.final) ||
    order.dealIds.length !== was.deals ||
    cmpDec(order.reported, was.reported) !== 0 ||
    (order.reportedAmount !== null && (was.amount === null || cmpDec(order.reportedAmount, was.amount) !== 0));
  // Only a new fact can release: a repeat must not, even if a residue that arrived since would
  // now let this order's pending quantity meet the minimums (it goes with the order's next fact).
  if (!stateChanged) return unchanged(ledger, 'duplicate', order);
  if (isNew) ledger.orders.set(orderId, order);
  if (isPositive(filledDelta)) ledger.filledTotal = plusDec(ledger.filledTotal, filledDelta);
  let release: CounterRelease | null = null;
  let carried: Decimal = ZERO;

  const pending = cmpDec(filled, order.released) > 0 ? minusDec(filled, order.released) : ZERO;
  if (isPositive(pending)) {
    const target = ctx.plan.levels[counterLevel(order.level, order.side)];
    const side = counterSide(order.side);
    if (target === undefined) {
      release = { sourceOrderId: orderId, sourceLevel: order.level, filledSide: order.side, targetLevel: null, side, amount: pending, residueTaken: ZERO };
      order.released = plusDec(order.released, pending);
    } else {
      const key = residueKey(side, target.index);
      const residue = ledger.residues.get(key) ?? ZERO;
      const amount = residue === ZERO ? pending : pending.plus(residue);
      if (meetsMinimums(ctx.rules, target.price, amount)) {
        release = { sourceOrderId: orderId, sourceLevel: order.level, filledSide: order.side, targetLevel: target.index, side, amount, residueTaken: residue };
        order.released = plusDec(order.released, pending);
        if (isPositive(residue)) ledger.residues.delete(key);
      } else if (final) {
        carried = pending;
        order.released = plusDec(order.released, pending);
        ledger.residues.set(key, amount);
      }
    }
    if (release !== null || isPositive(carried)) ledger.releasedTotal = plusDec(ledger.releasedTotal, pending);
  }
  if (final) forget(ledger, orderId, order);
  return { ledger, outcome: 'applied', filledDelta, orderId, order, release, carried };
}

/** A final order leaves the ledger; its id is remembered in the ring, the oldest one's sequence in `forgottenSeq`. */
function forget(ledger: FillLedger, orderId: number, order: OrderRecord): void {
  ledger.orders.delete(orderId);
  order.dealIds = [];
  ledger.finished.delete(orderId);
  ledger.finished.set(orderId, order.seq);
  if (ledger.finished.size <= FINISHED_CAP) return;
  for (const [id, seq] of ledger.finished) {
    ledger.finished.delete(id);
    if (seq > ledger.forgottenSeq) ledger.forgottenSeq = seq;
    break;
  }
}

/** Adds `amount` to the residue of (side, level): a counter quantity whose level was busy. Returns the ledger. */
export function carryResidue(ledger: FillLedger, level: number, side: Side, amount: Decimal): FillLedger {
  if (!isPositive(amount)) return ledger;
  const key = residueKey(side, level);
  ledger.residues.set(key, (ledger.residues.get(key) ?? ZERO).plus(amount));
  return ledger;
}

/**
 * Returns the residue of (side, level) as an order to place when it alone meets the minimums at
 * the level's price (and removes it from the ledger), else `null` and the ledger unchanged. For a
 * level that became free while holding a residue.
 */
export function flushResidue(
  ledger: FillLedger,
  level: number,
  side: Side,
  ctx: LedgerContext,
): { readonly ledger: FillLedger; readonly amount: Decimal | null } {
  const key = residueKey(side, level);
  const residue = ledger.residues.get(key);
  const target = ctx.plan.levels[level];
  if (residue === undefined || target === undefined || !meetsMinimums(ctx.rules, target.price, residue)) return { ledger, amount: null };
  ledger.residues.delete(key);
  return { ledger, amount: residue };
}

/** Totals for reconciliation: every filled quantity is released, in a residue, or pending on an open order. */
export interface LedgerTotals {
  readonly filled: Decimal;
  readonly released: Decimal;
  readonly pending: Decimal;
  readonly residue: Decimal;
}

/** Returns the ledger's totals; `filled = released + pending` and carried quantity sits inside `released` and `residue`. */
export function ledgerTotals(ledger: FillLedger): LedgerTotals {
  let pending = ZERO;
  for (const o of ledger.orders.values()) pending = pending.plus(pendingOf(o));
  let residue = ZERO;
  for (const r of ledger.residues.values()) residue = residue.plus(r);
  return { filled: ledger.filledTotal, released: ledger.releasedTotal, pending, residue };
}
