/**
 * Request-level validation of REST stop orders (order/stop_limit, order/stop_market), with the
 * texts of WhiteBIT's create-stop-limit-order / create-stop-market-order pages. A stop-limit is a
 * limit order plus `activation_price`, so it runs the limit rules of order-validation.ts; a
 * stop-market has no price: a buy's `amount` is quote to spend, a sell's is base, and the minimum
 * amount and total are checked at the activation price (the price it is meant to fire at; the docs
 * do not say which price the server uses, so this is the simulator's choice).
 *
 * What needs market or account state (activation price equal to the last price, client id in use,
 * balance) is the exchange's.
 *
 * @see whitebit-protocol-2.md §2.5
 */
import type { Side } from './book.js';
import { fmt, parseNumeric, type Dec } from './decimal.js';
import { fail, ok, validationError, type Result } from './errors.js';
import type { Market } from './markets.js';
import { stpAndClientOrderId, validateOrderRequest, type Stp } from './order-validation.js';

/** A stop order that passed request validation (REST or WS). */
export interface StopOrderInput {
  readonly market: Market;
  readonly side: Side;
  /** 3 stop-limit, 4 stop-market. */
  readonly type: 3 | 4;
  /** Base amount; quote to spend for a stop-market buy. */
  readonly amount: Dec;
  /** The limit price of a stop-limit; null for a stop-market. */
  readonly price: Dec | null;
  readonly activationPrice: Dec;
  readonly clientOrderId: string;
  readonly stp: Stp;
}

/** The refusal of a stop whose activation price equals the last price (REST 30; WS answers 101). */
export const ACTIVATION_EQUALS_LAST = 'Activation price should not be equal to the last price';

const isMissing = (v: unknown): boolean => v === undefined || v === null;

/** Code 30 with every missing field, named as WhiteBIT names them (alphabetical, as in the docs' example). */
function missing(raw: Record<string, unknown>, fields: readonly string[]): Result<never> | null {
  const TEXT: Record<string, string> = {
    activation_price: 'Activation price field is required.',
    amount: 'Amount field is required.',
    market: 'Market field is required.',
    price: 'Price field is required.',
    side: 'Side field is required.',
  };
  const errors: Record<string, string[]> = {};
  for (const f of fields) if (isMissing(raw[f])) errors[f] = [TEXT[f] ?? `${f} is required.`];
  return Object.keys(errors).length > 0 ? fail(validationError(30, errors)) : null;
}

/** `activation_price`: a positive numeric string within the market's price precision. */
function activationPriceOf(raw: Record<string, unknown>, m: Market): Result<Dec> {
  const d = parseNumeric(raw.activation_price);
  if (!d) return fail(validationError(30, { activation_price: ['Activation price should be numeric string.'] }));
  if (!d.greaterThan(0)) return fail(validationError(30, { activationPrice: ['Activation price should be greater than 0.'] }));
  if (d.decimalPlaces() > m.moneyPrec) return fail(validationError(30, { activationPrice: [`Min activation price step = ${m.priceStep}`] }));
  return ok(d);
}

/** order/stop_limit: the limit-order rules (flags are not stop-order fields and are ignored), then the activation price. */
export function validateStopLimitRequest(raw: Record<string, unknown>, markets: ReadonlyMap<string, Market>): Result<StopOrderInput> {
  const absent = missing(raw, ['activation_price', 'amount', 'market', 'price', 'side']);
  if (absent) return absent;
  const v = validateOrderRequest({ ...raw, postOnly: undefined, ioc: undefined, rpi: undefined, retail: undefined }, markets);
  if (!v.ok) return v;
  const { market, side, amount, price, clientOrderId, stp } = v.value;
  const activation = activationPriceOf(raw, market);
  if (!activation.ok) return activation;
  return ok({ market, side, type: 3, amount, price, activationPrice: activation.value, clientOrderId, stp });
}

/** order/stop_market: market, side, amount (buy: quote; sell: base), activation_price, clientOrderId, stp. */
export function validateStopMarketRequest(raw: Record<string, unknown>, markets: ReadonlyMap<string, Market>): Result<StopOrderInput> {
  const absent = missing(raw, ['activation_price', 'amount', 'market', 'side']);
  if (absent) return absent;
  if (raw.market === '') return fail(validationError(31, { market: ['Market field should not be empty string.'] }));
  const market = typeof raw.market === 'string' ? markets.get(raw.market) : undefined;
  if (!market) return fail(validationError(31, { market: ['Market is not available.'] }));
  if (raw.side !== 'buy' && raw.side !== 'sell') {
    return fail(validationError(30, { side: ["Side field should contain only 'buy' or 'sell' values."] }));
  }
  const side: Side = raw.side;
  const amount = parseNumeric(raw.amount);
  if (!amount) return fail(validationError(32, { amount: ['Amount field should be numeric string or number.'] }));
  const activation = activationPriceOf(raw, market);
  if (!activation.ok) return activation;
  const tags = stpAndClientOrderId(raw);
  if (!tags.ok) return tags;
  const { stp, clientOrderId } = tags.value;
  const limits = stopMarketLimitsProblem(market, side, amount, activation.value);
  if (limits) return fail(validationError(limits.code, limits.errors));
  return ok({ market, side, type: 4, amount, price: null, activationPrice: activation.value, clientOrderId, stp });
}

/**
 * Precision and size limits of a stop-market, sized in quote for a buy: the amount's own precision
 * (money for a quote amount), then min amount and min/max total at the activation price. Shared by
 * placement and modify; null when the order is fine.
 */
export function stopMarketLimitsProblem(m: Market, side: Side, amount: Dec, activationPrice: Dec): { code: number; errors: Record<string, string[]> } | null {
  const inQuote = side === 'buy';
  const [precision, step] = inQuote ? [m.moneyPrec, m.priceStep] : [m.stockPrec, m.amountStep];
  if (amount.decimalPlaces() > precision) return { code: 32, errors: { amount: [`Min amount step = ${step}`] } };
  const base = inQuote ? amount.div(activationPrice) : amount;
  const total = inQuote ? amount : amount.times(activationPrice);
  if (amount.isZero() || base.lessThan(m.minAmountD)) return { code: 32, errors: { amount: [`Given amount is less than min amount ${m.minAmount}`] } };
  if (total.lessThan(m.minTotalD)) return { code: 30, errors: { total: [`Total(amount * price) is less than ${m.minTotal}`] } };
  if (!m.maxTotalD.isZero() && total.greaterThan(m.maxTotalD)) {
    return { code: 30, errors: { total: [`Total(amount * price) is greater than ${fmt(m.maxTotalD)}`] } };
  }
  return null;
}
