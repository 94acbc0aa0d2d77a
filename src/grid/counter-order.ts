/**
 * The counter-order rule: a filled buy at level i is answered by a sell at level i + 1, a filled
 * sell at level i by a buy at level i − 1, for the quantity that was filled.
 *
 * Entry points: `counterLevel`, `counterSide` (the fill ledger computes a release's target with
 * them, once), `decideCounter` (what the book does with that release).
 *
 * Where the quantity goes when it cannot be placed as a new order:
 * - the target level already holds a live order (any side): the quantity is *carried* into the
 *   target level's residue (see fill-ledger.ts) and joins the next counter-order placed there. This
 *   keeps "at most one live order per level" without cancel/replace, at the cost of that quantity
 *   waiting one cycle;
 * - the target is beyond the grid's edge (a sell filled at level 0, a buy at the top): there is no
 *   level to answer at; the result is `off-grid` and the quantity stays as inventory (risk.ts
 *   watches the range exit).
 */
import type { Decimal } from './decimal.js';
import { oppositeSide, type Side } from './market-rules.js';
import type { GridPlan } from './plan.js';

/** An order to place one level away from a fill. */
export interface CounterOrder {
  readonly level: number;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
}

/** Returns the level that answers a fill on `filledSide` at `level` (may be outside the plan). */
export function counterLevel(level: number, filledSide: Side): number {
  return filledSide === 'buy' ? level + 1 : level - 1;
}

/** Returns the side of the answering order. */
export function counterSide(filledSide: Side): Side {
  return oppositeSide(filledSide);
}

/** What to do with a released counter quantity. */
export type CounterDecision =
  | { readonly kind: 'place'; readonly order: CounterOrder }
  | { readonly kind: 'carry'; readonly level: number; readonly side: Side; readonly amount: Decimal; readonly reason: 'level-occupied' }
  | { readonly kind: 'off-grid'; readonly side: Side; readonly amount: Decimal; readonly reason: 'beyond-grid-edge' };

/**
 * Returns whether a released quantity is placed, carried (its target level is busy) or off-grid.
 * `targetLevel` is the release's (null beyond the edge); `isLevelBusy` tells whether a level
 * already holds a live or pending order.
 */
export function decideCounter(
  plan: GridPlan,
  release: { readonly targetLevel: number | null; readonly side: Side; readonly amount: Decimal },
  isLevelBusy: (level: number) => boolean,
): CounterDecision {
  const target = release.targetLevel === null ? undefined : plan.levels[release.targetLevel];
  if (target === undefined) return { kind: 'off-grid', side: release.side, amount: release.amount, reason: 'beyond-grid-edge' };
  if (isLevelBusy(target.index)) return { kind: 'carry', level: target.index, side: release.side, amount: release.amount, reason: 'level-occupied' };
  return { kind: 'place', order: { level: target.index, side: release.side, price: target.price, amount: release.amount } };
}
