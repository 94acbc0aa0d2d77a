/**
 * Market rules (precision, minimums, fees) in domain form, and the rounding every price and amount
 * goes through before it reaches a plan or an order.
 *
 * Entry points: `marketRulesFrom`, `roundPrice`, `roundAmount`, `priceTick`, `amountStep`,
 * `checkOrderSize`, `quoteToBase`.
 *
 * Rounding rules (documented contract, see whitebit-protocol.md §8.5):
 * - amounts are always truncated (rounded toward zero) to `amountPrecision` decimals. A truncated
 *   amount never spends more quote than the budget, never sells more base than held, and is then
 *   checked against `minAmount`/`minTotal` as it is, so a level that truncation pushes below a
 *   minimum is reported, never silently rounded up;
 * - a quote amount becomes base as `quote / price` truncated to `amountPrecision` (never more than
 *   the quote given);
 * - prices are snapped to the tick by an explicit direction chosen by the caller: grid levels use
 *   `nearest` (a level is a buy at one time and a sell at another, so its price cannot depend on a
 *   side; crossing safety comes from assigning sides after rounding), the range bounds use `up`
 *   for the lower and `down` for the upper bound so the ladder never leaves the configured range.
 */
import { D, ZERO, cmpDec, isPositive, parseDecimal, timesKept, type Decimal, type DecimalLike } from './decimal.js';

/** Buy or sell, as the domain names them. */
export type Side = 'buy' | 'sell';

/** Returns the other side. */
export function oppositeSide(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

/**
 * The trading rules of one spot market, in domain names (the adapter maps WhiteBIT's
 * `stockPrec`/`moneyPrec`/`minAmount`/`minTotal`/`maxTotal`/`makerFee`/`takerFee` onto it).
 * @see whitebit-protocol.md §3.1
 */
export interface MarketRules {
  /** Market id, e.g. `BTC_USDT`. */
  readonly market: string;
  /** Base asset ticker (`stock`), e.g. `BTC`. */
  readonly baseAsset: string;
  /** Quote asset ticker (`money`), e.g. `USDT`. */
  readonly quoteAsset: string;
  /** Max decimals of a price (`moneyPrec`). */
  readonly pricePrecision: number;
  /** Max decimals of an amount (`stockPrec`). */
  readonly amountPrecision: number;
  /** Minimum order amount in base. */
  readonly minAmount: Decimal;
  /** Minimum amount × price in quote. */
  readonly minTotal: Decimal;
  /** Maximum amount × price in quote, or `null` for no cap (WhiteBIT sends `"0"`). */
  readonly maxTotal: Decimal | null;
  /** Maker fee in percent (`"0.1"` = 0.1 %). */
  readonly makerFeePercent: Decimal;
  /** Taker fee in percent. */
  readonly takerFeePercent: Decimal;
}

/** The raw rule values as decimal strings / integers, in domain names. */
export interface MarketRulesInput {
  readonly market: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** `moneyPrec`: a non-negative integer, as a number or an integer string. */
  readonly pricePrecision: number | string;
  /** `stockPrec`: a non-negative integer, as a number or an integer string. */
  readonly amountPrecision: number | string;
  readonly minAmount: DecimalLike;
  readonly minTotal: DecimalLike;
  /** `"0"` means no cap. */
  readonly maxTotal: DecimalLike;
  readonly makerFeePercent: DecimalLike;
  readonly takerFeePercent: DecimalLike;
}

/** A problem with a market's rule values. */
export interface RulesIssue {
  readonly field: keyof MarketRulesInput;
  readonly message: string;
}

export type MarketRulesResult = { readonly ok: true; readonly rules: MarketRules } | { readonly ok: false; readonly issues: readonly RulesIssue[] };

const MAX_PRECISION = 30;

function parsePrecision(value: number | string): number | null {
  const n = typeof value === 'number' ? value : /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= MAX_PRECISION ? n : null;
}

/** A market as `/api/v4/public/markets` lists it (and the simulator's market list holds it). */
export interface MarketListing {
  readonly name: string;
  readonly stock: string;
  readonly money: string;
  readonly moneyPrec: number | string;
  readonly stockPrec: number | string;
  readonly minAmount: DecimalLike;
  readonly minTotal: DecimalLike;
  readonly maxTotal: DecimalLike;
  readonly makerFee: DecimalLike;
  readonly takerFee: DecimalLike;
}

/** Returns `marketRulesFrom` of a market listing: the one mapping of WhiteBIT's field names onto ours. */
export function marketRulesFromListing(m: MarketListing): MarketRulesResult {
  return marketRulesFrom({
    market: m.name,
    baseAsset: m.stock,
    quoteAsset: m.money,
    pricePrecision: m.moneyPrec,
    amountPrecision: m.stockPrec,
    minAmount: m.minAmount,
    minTotal: m.minTotal,
    maxTotal: m.maxTotal,
    makerFeePercent: m.makerFee,
    takerFeePercent: m.takerFee,
  });
}

/** Returns validated `MarketRules`, or one issue per bad field. Never throws. */
export function marketRulesFrom(input: MarketRulesInput): MarketRulesResult {
  const issues: RulesIssue[] = [];
  const pricePrecision = parsePrecision(input.pricePrecision);
  if (pricePrecision === null) {
    issues.push({ field: 'pricePrecision', message: `pricePrecision must be an integer 0..${MAX_PRECISION}` });
  }
  const amountPrecision = parsePrecision(input.amountPrecision);
  if (amountPrecision === null) {
    issues.push({ field: 'amountPrecision', message: `amountPrecision must be an integer 0..${MAX_PRECISION}` });
  }
  const nonNegative = (field: keyof MarketRulesInput, value: DecimalLike): Decimal => {
    const d = parseDecimal(value);
    if (d === null || d.lt(0)) {
      issues.push({ field, message: `${field} must be a non-negative decimal, got ${String(value)}` });
      return ZERO;
    }
    return d;
  };
  const minAmount = nonNegative('minAmount', input.minAmount);
  const minTotal = nonNegative('minTotal', input.minTotal);
  const maxTotal = nonNegative('maxTotal', input.maxTotal);
  const makerFeePercent = nonNegative('makerFeePercent', input.makerFeePercent);
  const takerFeePercent = nonNegative('takerFeePercent', input.takerFeePercent);
  if (input.market.length === 0) issues.push({ field: 'market', message: 'market must not be empty' });
  if (issues.length > 0 || pricePrecision === null || amountPrecision === null) return { ok: false, issues };
  return {
    ok: true,
    rules: {
      market: input.market,
      baseAsset: input.baseAsset,
      quoteAsset: input.quoteAsset,
      pricePrecision,
      amountPrecision,
      minAmount,
      minTotal,
      maxTotal: maxTotal.isZero() ? null : maxTotal,
      makerFeePercent,
      takerFeePercent,
    },
  };
}

/** Returns the price tick, 10^-pricePrecision. */
export function priceTick(rules: MarketRules): Decimal {
  return new D(10).pow(-rules.pricePrecision);
}

/** Returns the amount step, 10^-amountPrecision. */
export function amountStep(rules: MarketRules): Decimal {
  return new D(10).pow(-rules.amountPrecision);
}

/** How a price is snapped to the tick. */
export type PriceRounding = 'down' | 'up' | 'nearest';

const ROUNDING: Record<PriceRounding, Decimal.Rounding> = {
  down: D.ROUND_DOWN,
  up: D.ROUND_UP,
  nearest: D.ROUND_HALF_UP,
};

/** Returns `price` snapped to the market tick in the given direction (for positive prices). */
export function roundPrice(price: Decimal, rules: MarketRules, direction: PriceRounding): Decimal {
  return new D(price).toDecimalPlaces(rules.pricePrecision, ROUNDING[direction]);
}

/** Returns `amount` truncated to the market's amount precision (never rounded up). */
export function roundAmount(amount: Decimal, rules: MarketRules): Decimal {
  return new D(amount).toDecimalPlaces(rules.amountPrecision, D.ROUND_DOWN);
}

/** Returns the base amount that `quote` buys at `price`: quote / price truncated to the amount precision. */
export function quoteToBase(quote: Decimal, price: Decimal, rules: MarketRules): Decimal {
  if (!price.gt(0)) return ZERO;
  return roundAmount(new D(quote).div(price), rules);
}

/** True when `value` has no more decimals than `places`. */
export function hasAtMostDecimals(value: Decimal, places: number): boolean {
  return value.decimalPlaces() <= places;
}

/** Why an order size breaks a market rule. */
export type SizeViolation =
  | { readonly code: 'amount-not-positive'; readonly message: string }
  | { readonly code: 'price-not-positive'; readonly message: string }
  | { readonly code: 'amount-precision'; readonly message: string }
  | { readonly code: 'price-precision'; readonly message: string }
  | { readonly code: 'below-min-amount'; readonly message: string }
  | { readonly code: 'below-min-total'; readonly message: string }
  | { readonly code: 'above-max-total'; readonly message: string };

/**
 * Returns every rule an order of `amount` at `price` breaks, in WhiteBIT's validation order
 * (precision, min amount, min total, max total); an empty list means the order is acceptable.
 * @see whitebit-protocol.md §8.5
 */
export function checkOrderSize(rules: MarketRules, price: Decimal, amount: Decimal): SizeViolation[] {
  const out: SizeViolation[] = [];
  const p = price.toFixed();
  const a = amount.toFixed();
  if (!price.gt(0)) out.push({ code: 'price-not-positive', message: `price ${p} is not positive` });
  if (!amount.gt(0)) out.push({ code: 'amount-not-positive', message: `amount ${a} is not positive` });
  if (!hasAtMostDecimals(price, rules.pricePrecision)) {
    out.push({ code: 'price-precision', message: `price ${p} has more than ${rules.pricePrecision} decimals` });
  }
  if (!hasAtMostDecimals(amount, rules.amountPrecision)) {
    out.push({ code: 'amount-precision', message: `amount ${a} has more than ${rules.amountPrecision} decimals` });
  }
  if (amount.lt(rules.minAmount)) {
    out.push({ code: 'below-min-amount', message: `amount ${a} is below minAmount ${rules.minAmount.toFixed()}` });
  }
  const total = price.times(amount);
  if (total.lt(rules.minTotal)) {
    out.push({
      code: 'below-min-total',
      message: `total ${total.toFixed()} (${a} × ${p}) is below minTotal ${rules.minTotal.toFixed()}`,
    });
  }
  if (rules.maxTotal !== null && total.gt(rules.maxTotal)) {
    out.push({
      code: 'above-max-total',
      message: `total ${total.toFixed()} (${a} × ${p}) is above maxTotal ${rules.maxTotal.toFixed()}`,
    });
  }
  return out;
}

/** True when an order of `amount` at `price` meets minAmount and minTotal (the thresholds a counter-order waits for). */
export function meetsMinimums(rules: MarketRules, price: Decimal, amount: Decimal): boolean {
  return isPositive(amount) && cmpDec(amount, rules.minAmount) >= 0 && cmpDec(timesKept(price, amount), rules.minTotal) >= 0;
}
