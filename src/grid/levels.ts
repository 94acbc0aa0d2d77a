/**
 * The price ladder of a grid: level prices from lower/upper bounds (with a level count or a step) or
 * from a center with N levels per side, with arithmetic (fixed step) or geometric (fixed ratio)
 * spacing, snapped to the market tick.
 *
 * Entry point: `buildLadder(spacing, ladder, rules, lastPrice)` → ascending prices or issues.
 *
 * Conventions:
 * - level 0 is the lowest price; indices grow with price;
 * - `step` is a quote amount for arithmetic spacing and a percent for geometric spacing
 *   (`"1"` = each level 1 % above the one below);
 * - bounds are snapped inward (lower up, upper down); every other level to the nearest tick
 *   (half up). Prices come out strictly increasing or the ladder is rejected (`levels-collapse`):
 *   two levels never share a tick silently;
 * - a centered ladder without a center uses the market's last price snapped to the tick, so the
 *   center level sits at the price and becomes the grid's gap (see plan.ts).
 */
import { D, parseDecimal, type Decimal, type DecimalLike } from './decimal.js';
import { roundPrice, type MarketRules } from './market-rules.js';
import { planError, type PlanIssue } from './plan-issue.js';

/** Spacing between adjacent levels. */
export type Spacing = 'arithmetic' | 'geometric';

/** The maximum number of levels a grid may have (keeps client order ids within 3 level digits). */
export const MAX_LEVELS = 1000;

/** How the ladder is laid out. */
export type LadderSpec =
  /** `levels` prices from `lower` to `upper`, both included. */
  | { readonly kind: 'range'; readonly lower: DecimalLike; readonly upper: DecimalLike; readonly levels: number }
  /** From `lower` upward by `step` while not above `upper`. */
  | { readonly kind: 'range-step'; readonly lower: DecimalLike; readonly upper: DecimalLike; readonly step: DecimalLike }
  /** `levelsPerSide` levels below and above `center` (default: the last price), plus the center level. */
  | {
      readonly kind: 'centered';
      readonly center?: DecimalLike;
      readonly levelsPerSide: number;
      readonly step: DecimalLike;
    };

export type LadderResult = { readonly ok: true; readonly prices: readonly Decimal[] } | { readonly ok: false; readonly issues: readonly PlanIssue[] };

function positive(value: DecimalLike, field: string, issues: PlanIssue[]): Decimal | null {
  const d = parseDecimal(value);
  if (d === null || !d.gt(0)) {
    issues.push(planError('invalid-spec', `${field} must be a positive decimal, got ${String(value)}`, { field }));
    return null;
  }
  return d;
}

function intInRange(value: number, min: number, field: string, issues: PlanIssue[]): number | null {
  if (!Number.isInteger(value) || value < min) {
    issues.push(planError('too-few-levels', `${field} must be an integer ≥ ${min}, got ${value}`, { field }));
    return null;
  }
  return value;
}

/** Returns the ratio 1 + percent/100 of a geometric step. */
function ratioOf(stepPercent: Decimal): Decimal {
  return new D(1).plus(stepPercent.div(100));
}

/** Returns the raw (unrounded) price `k` steps away from `base` (k may be negative). */
function stepAway(base: Decimal, k: number, spacing: Spacing, step: Decimal): Decimal {
  return spacing === 'arithmetic' ? base.plus(step.times(k)) : base.times(ratioOf(step).pow(k));
}

/**
 * Returns the ascending, tick-snapped level prices of a ladder, or the issues that prevent one.
 * Never throws.
 */
export function buildLadder(spacing: Spacing, ladder: LadderSpec, rules: MarketRules, lastPrice: Decimal): LadderResult {
  const issues: PlanIssue[] = [];
  let raw: Decimal[] = [];
  switch (ladder.kind) {
    case 'range': {
      const lower = positive(ladder.lower, 'ladder.lower', issues);
      const upper = positive(ladder.upper, 'ladder.upper', issues);
      const n = intInRange(ladder.levels, 2, 'ladder.levels', issues);
      if (lower === null || upper === null || n === null) return { ok: false, issues };
      if (n > MAX_LEVELS) return tooMany(n);
      const lo = roundPrice(lower, rules, 'up');
      const hi = roundPrice(upper, rules, 'down');
      if (!lo.lt(hi)) return boundsIssue(lower, upper);
      for (let i = 0; i < n; i++) {
        if (i === 0) raw.push(lo);
        else if (i === n - 1) raw.push(hi);
        else if (spacing === 'arithmetic')
          raw.push(
            lo.plus(
              hi
                .minus(lo)
                .times(i)
                .div(n - 1),
            ),
          );
        else raw.push(lo.times(hi.div(lo).pow(new D(i).div(n - 1))));
      }
      break;
    }
    case 'range-step': {
      const lower = positive(ladder.lower, 'ladder.lower', issues);
      const upper = positive(ladder.upper, 'ladder.upper', issues);
      const step = positive(ladder.step, 'ladder.step', issues);
      if (lower === null || upper === null || step === null) return { ok: false, issues };
      const lo = roundPrice(lower, rules, 'up');
      const hi = roundPrice(upper, rules, 'down');
      if (!lo.lt(hi)) return boundsIssue(lower, upper);
      // Bounded loop: a tiny step cannot build a huge array.
      for (let i = 0; ; i++) {
        const p = i === 0 ? lo : stepAway(lo, i, spacing, step);
        if (p.gt(hi)) break;
        if (i >= MAX_LEVELS) return tooMany(`more than ${MAX_LEVELS}`);
        raw.push(p);
      }
      if (raw.length < 2) {
        return {
          ok: false,
          issues: [planError('too-few-levels', `step ${step.toFixed()} leaves fewer than 2 levels in the range`, { field: 'ladder.step' })],
        };
      }
      break;
    }
    case 'centered': {
      const perSide = intInRange(ladder.levelsPerSide, 1, 'ladder.levelsPerSide', issues);
      const step = positive(ladder.step, 'ladder.step', issues);
      const center = ladder.center === undefined ? lastPrice : positive(ladder.center, 'ladder.center', issues);
      if (perSide === null || step === null || center === null) return { ok: false, issues };
      if (2 * perSide + 1 > MAX_LEVELS) return tooMany(2 * perSide + 1);
      const c = roundPrice(center, rules, 'nearest');
      raw = [];
      for (let k = -perSide; k <= perSide; k++) raw.push(k === 0 ? c : stepAway(c, k, spacing, step));
      break;
    }
  }
  const prices = raw.map((p) => roundPrice(p, rules, 'nearest'));
  for (const [i, p] of prices.entries()) {
    if (!p.gt(0)) {
      issues.push(planError('non-positive-price', `level ${i} price ${p.toFixed()} is not positive: the range reaches below zero`, { level: i }));
    }
  }
  for (let i = 1; i < prices.length; i++) {
    const a = prices[i - 1];
    const b = prices[i];
    if (a !== undefined && b !== undefined && !a.lt(b)) {
      issues.push(
        planError('levels-collapse', `levels ${i - 1} and ${i} both round to ${b.toFixed()}: the step is smaller than the price tick there`, { level: i }),
      );
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, prices };
}

function tooMany(n: number | string): LadderResult {
  return {
    ok: false,
    issues: [planError('too-many-levels', `the ladder has ${n} levels; at most ${MAX_LEVELS} are allowed`, { field: 'ladder' })],
  };
}

function boundsIssue(lower: Decimal, upper: Decimal): LadderResult {
  return {
    ok: false,
    issues: [
      planError('invalid-spec', `lower ${lower.toFixed()} must be below upper ${upper.toFixed()} after snapping to the tick`, {
        field: 'ladder.lower',
      }),
    ],
  };
}
