/**
 * The fill ledger: the one place that turns fill facts into counter-order quantities, exactly once.
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
 * Orders are kept for the ledger's life: dropping a finished order would let a redelivered deal
 * count again. The journal persists the ledger across restarts.
 */
import { decodeClientOrderId, type ClientIdScope } from './client-order-id.js';
import { counterLevel, counterSide } from './counter-order.js';
import { ZERO, cmpDec, isPositive, maxDec, parseDecimal, sumDec, type Decimal, type DecimalLike } from './decimal.js';
import { meetsMinimums, type MarketRules, type Side } from './market-rules.js';
import { IntMap } from './int-map.js';
import type { GridPlan } from './plan.js';

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

/** The name the machines use for a `Fill` (`deals_update`, executed history). */
export type Deal = Fill;

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

/** What the ledger knows about one order. */
export interface OrderFills {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly level: number;
  readonly side: Side;
  readonly price: Decimal;
  /** The order's amount when known. */
  readonly amount: Decimal | null;
  /** Deduplicated deals: deal id → base amount. */
  readonly deals: ReadonlyMap<number, Decimal>;
  readonly dealSum: Decimal;
  /** Highest reported cumulative `deal_stock`. */
  readonly reported: Decimal;
  /** Quantity handed to counter-orders or moved to a residue. */
  readonly released: Decimal;
  readonly final: boolean;
}

/** The ledger of one grid. */
export interface FillLedger {
  /** By exchange order id. */
  readonly orders: IntMap<OrderFills>;
  /** Quantity waiting to join the next counter-order, by `residueKey(side, level)`. */
  readonly residues: ReadonlyMap<string, Decimal>;
  /** Time of the latest deal of ours seen (epoch seconds), or null: where to resume the executed history. */
  readonly lastDealSec: number | null;
}

/** What the ledger needs to know about the grid. */
export interface LedgerContext {
  readonly plan: GridPlan;
  readonly rules: MarketRules;
  readonly scope: ClientIdScope;
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
  readonly order: OrderFills | null;
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
  return { orders: IntMap.empty(), residues: new Map(), lastDealSec: null };
}

/** Returns the order's filled base: max(Σ deduplicated deals, highest reported deal_stock). */
export function filledOf(order: OrderFills): Decimal {
  return maxDec(order.dealSum, order.reported);
}

/** Returns the filled quantity not yet released or carried. */
export function pendingOf(order: OrderFills): Decimal {
  return filledOf(order).minus(order.released);
}

/** True when no more fills can come: reported final, or filled at least its amount. */
export function isFinal(order: OrderFills): boolean {
  return order.final || (order.amount !== null && cmpDec(filledOf(order), order.amount) >= 0);
}

type Located = { readonly kind: 'known'; readonly order: OrderFills } | { readonly kind: 'new'; readonly order: OrderFills } | null;

function locate(
  ledger: FillLedger,
  ctx: LedgerContext,
  fact: { orderId: number; clientOrderId: string; side: Side; price: Decimal },
): Located {
  const known = ledger.orders.get(fact.orderId);
  if (known !== undefined) return { kind: 'known', order: known };
  const id = decodeClientOrderId(fact.clientOrderId, ctx.scope);
  if (id.kind !== 'ours' || id.side !== fact.side || ctx.plan.levels[id.level] === undefined) return null;
  return {
    kind: 'new',
    order: {
      orderId: fact.orderId,
      clientOrderId: fact.clientOrderId,
      level: id.level,
      side: id.side,
      price: fact.price,
      amount: null,
      deals: new Map(),
      dealSum: ZERO,
      reported: ZERO,
      released: ZERO,
      final: false,
    },
  };
}

/**
 * Returns the ledger after one deal, and the counter quantity it releases, if any. A deal id seen
 * before, or a deal already covered by a reported `deal_stock`, releases nothing.
 */
export function applyFill(ledger: FillLedger, fill: Fill, ctx: LedgerContext): LedgerStep {
  const price = parseDecimal(fill.price);
  const amount = parseDecimal(fill.amount);
  if (price === null || amount === null || !isPositive(amount)) return unchanged(ledger, 'ignored', null);
  const found = locate(ledger, ctx, { ...fill, price });
  if (found === null) return unchanged(ledger, 'ignored', null);
  const before = found.order;
  if (before.deals.has(fill.dealId)) return unchanged(ledger, 'duplicate', before);
  const deals = new Map(before.deals);
  deals.set(fill.dealId, amount);
  const after: OrderFills = { ...before, deals, dealSum: before.dealSum.plus(amount) };
  const timed: FillLedger =
    Number.isFinite(fill.time) && (ledger.lastDealSec === null || fill.time > ledger.lastDealSec)
      ? { ...ledger, lastDealSec: fill.time }
      : ledger;
  return settle(timed, before, after, ctx, found.kind === 'new');
}

/**
 * Returns the ledger after an order's cumulative report, and the counter quantity it releases, if
 * any. Reports are cumulative, so a stale or repeated one changes nothing; a final report closes
 * the order (its pending quantity is released or carried as a residue).
 */
export function applyOrderUpdate(ledger: FillLedger, update: OrderUpdate, ctx: LedgerContext): LedgerStep {
  const price = parseDecimal(update.price);
  const amount = parseDecimal(update.amount);
  const dealStock = parseDecimal(update.dealStock);
  if (price === null || amount === null || dealStock === null || cmpDec(dealStock, ZERO) < 0) return unchanged(ledger, 'ignored', null);
  const found = locate(ledger, ctx, { ...update, price });
  if (found === null) return unchanged(ledger, 'ignored', null);
  const before = found.order;
  const after: OrderFills = {
    ...before,
    amount,
    reported: maxDec(before.reported, dealStock),
    final: before.final || update.final,
  };
  return settle(ledger, before, after, ctx, found.kind === 'new');
}

/** Returns the ledger with the order marked final (no more fills expected) and its pending quantity settled. */
export function closeOrder(ledger: FillLedger, orderId: number, ctx: LedgerContext): LedgerStep {
  const before = ledger.orders.get(orderId);
  if (before === undefined) return unchanged(ledger, 'ignored', null);
  return settle(ledger, before, { ...before, final: true }, ctx, false);
}

function unchanged(ledger: FillLedger, outcome: 'duplicate' | 'ignored', order: OrderFills | null): LedgerStep {
  return { ledger, outcome, filledDelta: ZERO, order, release: null, carried: ZERO };
}

function settle(ledger: FillLedger, before: OrderFills, after0: OrderFills, ctx: LedgerContext, isNew: boolean): LedgerStep {
  const filledDelta = filledOf(after0).minus(isNew ? ZERO : filledOf(before));
  const closing = isFinal(after0) && !isFinal(before);
  const stateChanged =
    isNew ||
    isPositive(filledDelta) ||
    closing ||
    after0.deals.size !== before.deals.size ||
    cmpDec(after0.reported, before.reported) !== 0 ||
    (after0.amount !== null && (before.amount === null || cmpDec(after0.amount, before.amount) !== 0));
  // Only a new fact can release: a repeat must not, even if a residue that arrived since would
  // now let this order's pending quantity meet the minimums (it goes with the order's next fact).
  if (!stateChanged) return unchanged(ledger, 'duplicate', before);
  let order = after0;
  let residues = ledger.residues;
  let release: CounterRelease | null = null;
  let carried: Decimal = ZERO;

  const pending = pendingOf(order);
  if (isPositive(pending)) {
    const targetIndex = counterLevel(order.level, order.side);
    const target = ctx.plan.levels[targetIndex];
    const side = counterSide(order.side);
    if (target === undefined) {
      release = {
        sourceOrderId: order.orderId,
        sourceLevel: order.level,
        filledSide: order.side,
        targetLevel: null,
        side,
        amount: pending,
        residueTaken: ZERO,
      };
      order = { ...order, released: order.released.plus(pending) };
    } else {
      const key = residueKey(side, target.index);
      const residue = residues.get(key) ?? ZERO;
      const amount = pending.plus(residue);
      if (meetsMinimums(ctx.rules, target.price, amount)) {
        release = {
          sourceOrderId: order.orderId,
          sourceLevel: order.level,
          filledSide: order.side,
          targetLevel: target.index,
          side,
          amount,
          residueTaken: residue,
        };
        order = { ...order, released: order.released.plus(pending) };
        if (isPositive(residue)) residues = without(residues, key);
      } else if (isFinal(order)) {
        carried = pending;
        order = { ...order, released: order.released.plus(pending) };
        residues = withEntry(residues, key, amount);
      }
    }
  }
  const orders = ledger.orders.set(order.orderId, order);
  return { ledger: { ...ledger, orders, residues }, outcome: 'applied', filledDelta, order, release, carried };
}

function without(map: ReadonlyMap<string, Decimal>, key: string): ReadonlyMap<string, Decimal> {
  const next = new Map(map);
  next.delete(key);
  return next;
}

function withEntry(map: ReadonlyMap<string, Decimal>, key: string, value: Decimal): ReadonlyMap<string, Decimal> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

/** Returns the ledger with `amount` added to the residue of (side, level): a counter quantity whose level was busy. */
export function carryResidue(ledger: FillLedger, level: number, side: Side, amount: Decimal): FillLedger {
  if (!isPositive(amount)) return ledger;
  const key = residueKey(side, level);
  return { ...ledger, residues: withEntry(ledger.residues, key, (ledger.residues.get(key) ?? ZERO).plus(amount)) };
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
  if (residue === undefined || target === undefined || !meetsMinimums(ctx.rules, target.price, residue)) {
    return { ledger, amount: null };
  }
  return { ledger: { ...ledger, residues: without(ledger.residues, key) }, amount: residue };
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
  const orders = [...ledger.orders.values()];
  return {
    filled: sumDec(orders.map(filledOf)),
    released: sumDec(orders.map((o) => o.released)),
    pending: sumDec(orders.map(pendingOf)),
    residue: sumDec(ledger.residues.values()),
  };
}
