/**
 * Risk limits of one grid, checked as pure functions: range exit, stop-loss on quote value, and
 * maximum inventory. Each returns every breach with a reason, or ok.
 *
 * Entry points: `evaluateRisk(limits, snapshot)` (plain numbers in, for any caller) and
 * `checkRisk(limits, {price, plan, book})` (reads the level book's PnL).
 *
 * - range exit: the price is below lower × (1 − margin %) or above upper × (1 + margin %), where
 *   lower/upper are the ladder's first and last level prices;
 * - stop-loss: realised PnL + mark-to-market of the open lots at the price (see pnl.ts) is at or
 *   below −stopLossQuote;
 * - max inventory: |net base inventory| (bought − sold − base fees since start) is above the cap.
 *
 * A `null` limit is off.
 */
import { ZERO, parseDecimal, type Decimal, type DecimalLike } from './decimal.js';
import type { LevelBook } from './level-book.js';
import type { GridPlan } from './plan.js';
import { unrealisedPnl } from './pnl.js';

export interface RiskLimits {
  /** Percent beyond the ladder's ends the price may go before the grid stops; null = off. */
  readonly rangeExitMarginPercent: DecimalLike | null;
  /** Largest tolerated loss in quote (a positive number); null = off. */
  readonly stopLossQuote: DecimalLike | null;
  /** Largest tolerated |net base inventory|; null = off. */
  readonly maxInventoryBase: DecimalLike | null;
}

export interface RiskSnapshot {
  readonly price: Decimal;
  readonly lower: Decimal;
  readonly upper: Decimal;
  readonly inventoryBase: Decimal;
  readonly realisedQuote: Decimal;
  readonly unrealisedQuote: Decimal;
}

export type RiskBreach =
  | { readonly kind: 'range-exit'; readonly message: string }
  | { readonly kind: 'stop-loss'; readonly message: string }
  | { readonly kind: 'max-inventory'; readonly message: string }
  | { readonly kind: 'invalid-limit'; readonly message: string }
  /** The price given is not a positive decimal: treated as a breach, since nothing can be judged. */
  | { readonly kind: 'invalid-input'; readonly message: string };

export type RiskResult = { readonly ok: true } | { readonly ok: false; readonly breaches: readonly RiskBreach[] };

function limit(value: DecimalLike | null, name: string, out: RiskBreach[]): Decimal | null {
  if (value === null) return null;
  const d = parseDecimal(value);
  if (d === null || d.lt(0)) {
    out.push({ kind: 'invalid-limit', message: `${name} must be a non-negative decimal, got ${String(value)}` });
    return null;
  }
  return d;
}

/** Returns every breached limit for the snapshot, or ok. An unparsable limit is reported as a breach. */
export function evaluateRisk(limits: RiskLimits, s: RiskSnapshot): RiskResult {
  const breaches: RiskBreach[] = [];
  const margin = limit(limits.rangeExitMarginPercent, 'rangeExitMarginPercent', breaches);
  const stopLoss = limit(limits.stopLossQuote, 'stopLossQuote', breaches);
  const maxInv = limit(limits.maxInventoryBase, 'maxInventoryBase', breaches);
  if (margin !== null) {
    const low = s.lower.times(margin.div(100).neg().plus(1));
    const high = s.upper.times(margin.div(100).plus(1));
    if (s.price.lt(low) || s.price.gt(high)) {
      breaches.push({
        kind: 'range-exit',
        message: `price ${s.price.toFixed()} left the range ${s.lower.toFixed()}..${s.upper.toFixed()} by more than ${margin.toFixed()} % (${low.toFixed()}..${high.toFixed()})`,
      });
    }
  }
  if (stopLoss !== null) {
    const value = s.realisedQuote.plus(s.unrealisedQuote);
    if (value.lte(stopLoss.neg())) {
      breaches.push({
        kind: 'stop-loss',
        message: `PnL ${value.toFixed()} (realised ${s.realisedQuote.toFixed()} + unrealised ${s.unrealisedQuote.toFixed()}) is at or below −${stopLoss.toFixed()}`,
      });
    }
  }
  if (maxInv !== null && s.inventoryBase.abs().gt(maxInv)) {
    breaches.push({
      kind: 'max-inventory',
      message: `inventory ${s.inventoryBase.toFixed()} base exceeds the cap ${maxInv.toFixed()}`,
    });
  }
  return breaches.length === 0 ? { ok: true } : { ok: false, breaches };
}

/** Returns the risk verdict for the grid at `price`, from the plan's range and the book's PnL. */
export function checkRisk(limits: RiskLimits, input: { readonly price: DecimalLike; readonly plan: GridPlan; readonly book: LevelBook }): RiskResult {
  const price = parseDecimal(input.price);
  const lower = input.plan.levels[0]?.price;
  const upper = input.plan.levels[input.plan.levels.length - 1]?.price;
  if (price === null || !price.gt(0) || lower === undefined || upper === undefined) {
    return { ok: false, breaches: [{ kind: 'invalid-input', message: `price ${String(input.price)} is not a positive decimal` }] };
  }
  return evaluateRisk(limits, {
    price,
    lower,
    upper,
    inventoryBase: input.book.pnl.inventoryBase,
    realisedQuote: input.book.pnl.realisedQuote,
    // Only the stop-loss reads it, and it walks every open lot: not worth it on each price when that limit is off.
    unrealisedQuote: limits.stopLossQuote === null ? ZERO : unrealisedPnl(input.book.pnl, price),
  });
}
