/**
 * Checks of a grid plan against the market rules, the budget and the fee: each failing level gets
 * its own readable issue. Pure; returns issues, never throws.
 *
 * Entry points: `checkPlan` (all of the below), `checkLevelSizes`, `checkCounterSizes`,
 * `checkBudget`, `checkFees`, `checkOrdering`.
 *
 * Why counter sizes are checked: a level's amount travels between two adjacent prices for the life
 * of the grid (a buy at i comes back as a sell at i + 1 and then as a buy at i again). With the
 * amount given in quote, a sell's amount placed one level lower can fall below `minTotal`, so the
 * amount is checked at both prices it will ever be placed at.
 */
import { D, type Decimal } from './decimal.js';
import { checkOrderSize, type MarketRules } from './market-rules.js';
import type { GridLevel, GridPlan, ParsedBudget } from './plan.js';
import { planError, type PlanIssue } from './plan-issue.js';

/** Returns an issue per level whose initial order breaks precision, minAmount, minTotal or maxTotal. */
export function checkLevelSizes(plan: GridPlan, rules: MarketRules): PlanIssue[] {
  const out: PlanIssue[] = [];
  for (const level of plan.levels) {
    if (level.side === null) continue;
    for (const v of checkOrderSize(rules, level.price, level.amount)) {
      out.push(planError(v.code, `level ${level.index} ${level.side} at ${level.price.toFixed()}: ${v.message}`, { level: level.index }));
    }
  }
  return out;
}

/** Returns an issue per level whose amount, placed as the counter-order one level away, would break a size rule. */
export function checkCounterSizes(plan: GridPlan, rules: MarketRules): PlanIssue[] {
  const out: PlanIssue[] = [];
  for (const level of plan.levels) {
    if (level.side === null) continue;
    const target = plan.levels[level.side === 'buy' ? level.index + 1 : level.index - 1];
    if (target === undefined) continue;
    const own = new Set(checkOrderSize(rules, level.price, level.amount).map((v) => v.code));
    for (const v of checkOrderSize(rules, target.price, level.amount)) {
      if (own.has(v.code)) continue;
      const counterSide = level.side === 'buy' ? 'sell' : 'buy';
      out.push(
        planError(
          'counter-below-minimum',
          `level ${level.index} ${level.side}: its counter ${counterSide} at level ${target.index} (${target.price.toFixed()}) would break a rule: ${v.message}`,
          { level: level.index },
        ),
      );
    }
  }
  return out;
}

/**
 * Returns an issue per level beyond the budget. Buys are funded from the price outward (the buy
 * nearest the price first), and so are sells, so the issues name the far levels to drop.
 */
export function checkBudget(plan: GridPlan, budget: ParsedBudget): PlanIssue[] {
  const out: PlanIssue[] = [];
  if (budget.quote !== null) {
    let used = new D(0);
    const buys = plan.levels.filter((l) => l.side === 'buy').reverse();
    for (const l of buys) {
      used = used.plus(l.price.times(l.amount));
      if (used.gt(budget.quote)) {
        out.push(
          planError(
            'budget-quote',
            `level ${l.index} buy at ${l.price.toFixed()}: the buys down to here need ${used.toFixed()} quote, budget is ${budget.quote.toFixed()}`,
            { level: l.index },
          ),
        );
      }
    }
  }
  if (budget.base !== null) {
    let used = new D(0);
    for (const l of plan.levels.filter((x) => x.side === 'sell')) {
      used = used.plus(l.amount);
      if (used.gt(budget.base)) {
        out.push(
          planError(
            'budget-base',
            `level ${l.index} sell at ${l.price.toFixed()}: the sells up to here need ${used.toFixed()} base, budget is ${budget.base.toFixed()}`,
            { level: l.index },
          ),
        );
      }
    }
  }
  return out;
}

/**
 * Returns one issue when some step does not beat the round-trip maker fee.
 *
 * A round trip buys at p and sells at q one level up; per unit of base it earns q − p and pays
 * about (p + q) × fee / 100 (the buy's fee on p, the sell's on q). It loses money unless
 * q − p > (p + q) × fee / 100. The issue names the worst step and how many steps fail.
 */
export function checkFees(levels: readonly GridLevel[], makerFeePercent: Decimal): PlanIssue[] {
  const f = makerFeePercent.div(100);
  let failing = 0;
  let worst: { lower: GridLevel; upper: GridLevel; net: Decimal } | null = null;
  for (let i = 1; i < levels.length; i++) {
    const lower = levels[i - 1];
    const upper = levels[i];
    if (lower === undefined || upper === undefined) continue;
    const gain = upper.price.minus(lower.price);
    const fees = lower.price.plus(upper.price).times(f);
    // Compare relative to price so steps at different prices rank fairly.
    const net = gain.minus(fees).div(lower.price);
    if (!gain.gt(fees)) {
      failing += 1;
      if (worst === null || net.lt(worst.net)) worst = { lower, upper, net };
    }
  }
  if (worst === null) return [];
  const stepPct = worst.upper.price.minus(worst.lower.price).div(worst.lower.price).times(100).toSignificantDigits(4);
  return [
    planError(
      'step-below-fees',
      `step ${worst.lower.price.toFixed()} → ${worst.upper.price.toFixed()} (${stepPct.toFixed()} %) does not beat the round-trip maker fee ${makerFeePercent
        .times(2)
        .toFixed()} % (2 × ${makerFeePercent.toFixed()} %): ${failing} of ${levels.length - 1} steps lose money`,
      { level: worst.lower.index },
    ),
  ];
}

/** Returns issues when prices are not strictly increasing or a buy is not below the price and every sell above it. */
export function checkOrdering(plan: GridPlan): PlanIssue[] {
  const out: PlanIssue[] = [];
  for (let i = 1; i < plan.levels.length; i++) {
    const a = plan.levels[i - 1];
    const b = plan.levels[i];
    if (a !== undefined && b !== undefined && !a.price.lt(b.price)) {
      out.push(planError('not-monotonic', `level ${i} price ${b.price.toFixed()} is not above level ${i - 1}`, { level: i }));
    }
  }
  for (const l of plan.levels) {
    if ((l.side === 'buy' && !l.price.lt(plan.lastPrice)) || (l.side === 'sell' && !l.price.gt(plan.lastPrice))) {
      out.push(
        planError('crossed', `level ${l.index} ${l.side} at ${l.price.toFixed()} crosses the last price ${plan.lastPrice.toFixed()}`, {
          level: l.index,
        }),
      );
    }
  }
  return out;
}

/** Returns every issue of the checks above, in order: ordering, sizes, counter sizes, budget, fees. */
export function checkPlan(plan: GridPlan, rules: MarketRules, budget: ParsedBudget): PlanIssue[] {
  return [
    ...checkOrdering(plan),
    ...checkLevelSizes(plan, rules),
    ...checkCounterSizes(plan, rules),
    ...checkBudget(plan, budget),
    ...checkFees(plan.levels, rules.makerFeePercent),
  ];
}
