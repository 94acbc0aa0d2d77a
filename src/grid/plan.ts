/**
 * Grid planning: `planGrid(spec, rules, lastPrice)` turns a `GridSpec` into a `GridPlan` (one entry
 * per level: index, price, amount, initial side) or the list of issues that make it unusable.
 *
 * The gap rule (documented contract):
 * - sides are assigned after prices are snapped to the tick: a level strictly below the last price
 *   is a buy, strictly above is a sell;
 * - the level nearest the last price stays empty (the *gap*) when it is exactly at the price or
 *   within half a step of it, where the step is the spacing between that level and its neighbour
 *   on the price's side (the inward neighbour when the price is outside the ladder). On an exact
 *   tie between two levels the upper one (the would-be sell) stays empty. With the price inside
 *   the ladder there is therefore always exactly one gap; with the price beyond an end by more
 *   than half a step there is none and every level is a buy (or a sell);
 * - the gap is what lets the grid trade: a filled buy at level i places a sell at i+1, which is
 *   the gap (or already empty) because at most one live order rests at a level.
 *
 * Amounts: `amountPerLevel` in base is truncated to the amount precision; in quote, each level gets
 * `quote / price` truncated (so lower levels hold more base). See market-rules.ts for rounding.
 */
import { parseDecimal, sumDec, type Decimal, type DecimalLike } from './decimal.js';
import { buildLadder, type LadderSpec, type Spacing } from './levels.js';
import { quoteToBase, roundAmount, type MarketRules, type Side } from './market-rules.js';
import { checkPlan } from './plan-checks.js';
import { hasErrors, planError, planWarning, type PlanIssue } from './plan-issue.js';

/** How much each level trades: a base amount, or a quote amount converted per level. */
export interface AmountPerLevel {
  readonly unit: 'base' | 'quote';
  readonly value: DecimalLike;
}

/** Caps on what the initial plan may commit: quote for the buys, base for the sells. Absent = no cap. */
export interface GridBudget {
  readonly quote?: DecimalLike;
  readonly base?: DecimalLike;
}

/** The input of `planGrid`; the config loader maps a markets.yaml entry onto it. */
export interface GridSpec {
  /** Market id, e.g. `BTC_USDT`; must equal `rules.market`. */
  readonly market: string;
  readonly spacing: Spacing;
  readonly ladder: LadderSpec;
  readonly amountPerLevel: AmountPerLevel;
  readonly budget: GridBudget;
}

/** One rung of the ladder. */
export interface GridLevel {
  /** 0 = lowest price. */
  readonly index: number;
  /** On the market tick. */
  readonly price: Decimal;
  /** Base amount of this level's initial order (truncated to the amount precision). */
  readonly amount: Decimal;
  /** Side of the initial order; `null` for the gap (and any level that starts empty). */
  readonly side: Side | null;
}

/** A validated ladder with sides and amounts. */
export interface GridPlan {
  readonly market: string;
  readonly spacing: Spacing;
  /** The price the sides were assigned against. */
  readonly lastPrice: Decimal;
  /** Ascending by price; `levels[i].index === i`. */
  readonly levels: readonly GridLevel[];
  /** The empty level at the price, or `null` when the price is outside the ladder. */
  readonly gapLevel: number | null;
  /** Quote the initial buys commit: Σ price × amount. */
  readonly quoteRequired: Decimal;
  /** Base the initial sells commit: Σ amount. */
  readonly baseRequired: Decimal;
}

export type PlanResult =
  | { readonly ok: true; readonly plan: GridPlan; readonly issues: readonly PlanIssue[] }
  /** `plan` is present when a ladder could be built, so the failing levels can be shown. */
  | { readonly ok: false; readonly plan: GridPlan | null; readonly issues: readonly PlanIssue[] };

/** Returns each level's initial side (null = empty) and the gap level, by the gap rule above. */
export function assignSides(prices: readonly Decimal[], lastPrice: Decimal): { readonly sides: readonly (Side | null)[]; readonly gapLevel: number | null } {
  let nearest = -1;
  let best: Decimal | null = null;
  for (const [i, p] of prices.entries()) {
    const d = p.minus(lastPrice).abs();
    // `lte` makes the later (upper) level win a tie.
    if (best === null || d.lte(best)) {
      best = d;
      nearest = i;
    }
  }
  let gapLevel: number | null = null;
  const p = prices[nearest];
  if (p !== undefined && best !== null) {
    const towardPrice = lastPrice.gt(p) ? nearest + 1 : nearest - 1;
    const inward = lastPrice.gt(p) ? nearest - 1 : nearest + 1;
    const neighbour = prices[towardPrice] ?? prices[inward];
    if (best.isZero() || (neighbour !== undefined && best.lte(neighbour.minus(p).abs().div(2)))) gapLevel = nearest;
  }
  const sides = prices.map((q, i): Side | null => (i === gapLevel ? null : q.lt(lastPrice) ? 'buy' : 'sell'));
  return { sides, gapLevel };
}

/**
 * Returns the grid plan for `spec` on a market with `rules`, with sides assigned against
 * `lastPrice`, or the issues that make it invalid (errors) or questionable (warnings).
 * Never throws; a pure function of its inputs.
 */
export function planGrid(spec: GridSpec, rules: MarketRules, lastPrice: DecimalLike): PlanResult {
  const issues: PlanIssue[] = [];
  const last = parseDecimal(lastPrice);
  if (last === null || !last.gt(0)) {
    return {
      ok: false,
      plan: null,
      issues: [planError('invalid-last-price', `last price must be a positive decimal, got ${String(lastPrice)}`)],
    };
  }
  if (spec.market !== rules.market) {
    issues.push(planError('invalid-spec', `spec market ${spec.market} does not match rules market ${rules.market}`, { field: 'market' }));
  }
  const perLevel = parseDecimal(spec.amountPerLevel.value);
  if (perLevel === null || !perLevel.gt(0)) {
    issues.push(
      planError('invalid-spec', `amountPerLevel.value must be a positive decimal, got ${String(spec.amountPerLevel.value)}`, {
        field: 'amountPerLevel.value',
      }),
    );
  }
  const budget = parseBudget(spec.budget, issues);
  const ladder = buildLadder(spec.spacing, spec.ladder, rules, last);
  if (!ladder.ok) return { ok: false, plan: null, issues: [...issues, ...ladder.issues] };
  if (perLevel === null || !perLevel.gt(0) || budget === null) return { ok: false, plan: null, issues };

  const { sides, gapLevel } = assignSides(ladder.prices, last);
  const levels: GridLevel[] = ladder.prices.map((price, index) => ({
    index,
    price,
    amount: spec.amountPerLevel.unit === 'base' ? roundAmount(perLevel, rules) : quoteToBase(perLevel, price, rules),
    side: sides[index] ?? null,
  }));
  const buys = levels.filter((l) => l.side === 'buy');
  const sells = levels.filter((l) => l.side === 'sell');
  const plan: GridPlan = {
    market: rules.market,
    spacing: spec.spacing,
    lastPrice: last,
    levels,
    gapLevel,
    quoteRequired: sumDec(buys.map((l) => l.price.times(l.amount))),
    baseRequired: sumDec(sells.map((l) => l.amount)),
  };
  const first = levels[0];
  const top = levels[levels.length - 1];
  if (gapLevel === null && first !== undefined && top !== undefined) {
    issues.push(
      planWarning(
        'price-outside-range',
        `last price ${last.toFixed()} is outside the ladder ${first.price.toFixed()}..${top.price.toFixed()}: every level is a ${
          last.lt(first.price) ? 'sell' : 'buy'
        }`,
      ),
    );
  }
  issues.push(...checkPlan(plan, rules, budget));
  return hasErrors(issues) ? { ok: false, plan, issues } : { ok: true, plan, issues };
}

/** A parsed budget: `null` fields mean no cap. */
export interface ParsedBudget {
  readonly quote: Decimal | null;
  readonly base: Decimal | null;
}

function parseBudget(budget: GridBudget, issues: PlanIssue[]): ParsedBudget | null {
  const one = (value: DecimalLike | undefined, field: string): Decimal | null | undefined => {
    if (value === undefined) return null;
    const d = parseDecimal(value);
    if (d === null || d.lt(0)) {
      issues.push(planError('invalid-spec', `${field} must be a non-negative decimal, got ${String(value)}`, { field }));
      return undefined;
    }
    return d;
  };
  const quote = one(budget.quote, 'budget.quote');
  const base = one(budget.base, 'budget.base');
  if (quote === undefined || base === undefined) return null;
  return { quote, base };
}

/** Returns the orders the initial plan places: every level with a side. */
export function plannedOrders(plan: GridPlan): readonly GridLevel[] {
  return plan.levels.filter((l) => l.side !== null);
}
