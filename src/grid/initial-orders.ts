/**
 * The one path from (spec, rules, last price) to the orders a grid places at start: `planGrid`,
 * then a fresh level book whose owed orders are exactly the initial placement.
 *
 * Entry point: `initialOrders(spec, rules, lastPrice, scope, firstSeq)`.
 *
 * Why this is its own function: the market actor's `loaded` action (what `gridbot run` sends) and
 * `gridbot plan` (what it shows) must never disagree about a price, a side or an amount. Both call
 * this; a plan that differs from what `run` sends is a bug.
 */
import type { ClientIdScope } from './client-order-id.js';
import type { DecimalLike } from './decimal.js';
import { createLevelBook, owedIntents, type LevelBook, type OrderIntent } from './level-book.js';
import type { MarketRules } from './market-rules.js';
import { planGrid, type GridPlan, type GridSpec } from './plan.js';
import type { PlanIssue } from './plan-issue.js';

export type InitialOrders =
  | {
      readonly ok: true;
      readonly plan: GridPlan;
      readonly issues: readonly PlanIssue[];
      /** A fresh book with the plan's orders owed (ids from `firstSeq`). */
      readonly book: LevelBook;
      /** The orders placing sends, in sending order: prices and amounts formatted as on the wire. */
      readonly orders: readonly OrderIntent[];
    }
  /** `plan` is present when a ladder could be built, so its failing levels can be shown. */
  | { readonly ok: false; readonly plan: GridPlan | null; readonly issues: readonly PlanIssue[] };

/** Returns the validated plan with its book and initial orders, or the issues that refuse it. Pure. */
export function initialOrders(spec: GridSpec, rules: MarketRules, lastPrice: DecimalLike, scope: ClientIdScope, firstSeq = 0): InitialOrders {
  const result = planGrid(spec, rules, lastPrice);
  if (!result.ok) return result;
  const book = createLevelBook(result.plan, scope, rules, firstSeq);
  return { ok: true, plan: result.plan, issues: result.issues, book, orders: owedIntents(book) };
}
