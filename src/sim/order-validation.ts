/**
 * Request-level validation of a limit order (order/new and each order/bulk item), in the order
 * WhiteBIT applies it: required fields → market → side → number formats → flags → clientOrderId
 * format → amount/price precision → min amount → min total → max total. Checks that need account
 * state (clientOrderId in use, balance, post-only) live in the exchange.
 *
 * @see whitebit-protocol.md §4.2, §8.3, §8.5, §10
 */
import { fmt, parseNumeric, type Dec } from './decimal.js';
import { fail, ok, validationError, type Result } from './errors.js';
import type { Market } from './markets.js';
import type { Side } from './book.js';

export type Stp = 'no' | 'cb' | 'cn' | 'co';

/** A limit order that passed request validation; amounts are exact Decimals. */
export interface OrderInput {
  readonly market: Market;
  readonly side: Side;
  readonly amount: Dec;
  readonly price: Dec;
  readonly clientOrderId: string;
  readonly postOnly: boolean;
  readonly ioc: boolean;
  readonly stp: Stp;
}

/** Accepted `stp` values, short and long forms (REST and WS alike). */
export const STP: Readonly<Record<string, Stp>> = { no: 'no', cb: 'cb', cn: 'cn', co: 'co', cancel_both: 'cb', cancel_new: 'cn', cancel_old: 'co' };
const CLIENT_ORDER_ID = /^[A-Za-z0-9._-]+$/;

/** Returns the error for a clientOrderId that breaks the format rules, or null when it is fine. */
export function clientOrderIdProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'ClientOrderId field should be a string.';
  if (value.length > 64) return 'ClientOrderId field should not be greater than 64 characters.';
  if (!CLIENT_ORDER_ID.test(value)) return 'ClientOrderId field should contain only latin letters, numbers and dashes.';
  return null;
}

const isMissing = (v: unknown): boolean => v === undefined || v === null;

/** `stp` (default "no"; long forms accepted) and `clientOrderId` ("" when absent), as every placement reads them. */
export function stpAndClientOrderId(raw: Record<string, unknown>): Result<{ stp: Stp; clientOrderId: string }> {
  let stp: Stp = 'no';
  if (!isMissing(raw.stp)) {
    const s = typeof raw.stp === 'string' ? STP[raw.stp] : undefined;
    if (!s) return fail(validationError(30, { stp: ['Stp field should contain only no, cb, cn or co values.'] }));
    stp = s;
  }
  let clientOrderId = '';
  // An empty string is treated as "no id" (the guide says omit it; a tolerant server loses nothing).
  if (!isMissing(raw.clientOrderId) && raw.clientOrderId !== '') {
    const problem = clientOrderIdProblem(raw.clientOrderId);
    if (problem) return fail(validationError(36, { clientOrderId: [problem] }));
    clientOrderId = raw.clientOrderId as string;
  }
  return ok({ stp, clientOrderId });
}

/** Validates one raw order object against the markets; returns the typed input or a 422 error. */
export function validateOrderRequest(raw: Record<string, unknown>, markets: ReadonlyMap<string, Market>): Result<OrderInput> {
  const missing: Record<string, string[]> = {};
  if (isMissing(raw.amount)) missing.amount = ['Amount field is required.'];
  if (isMissing(raw.market)) missing.market = ['Market field is required.'];
  if (isMissing(raw.price)) missing.price = ['Price field is required.'];
  if (isMissing(raw.side)) missing.side = ['Side field is required.'];
  if (Object.keys(missing).length > 0) return fail(validationError(30, missing));

  if (raw.market === '') return fail(validationError(31, { market: ['Market field should not be empty string.'] }));
  const market = typeof raw.market === 'string' ? markets.get(raw.market) : undefined;
  if (!market) return fail(validationError(31, { market: ['Market is not available.'] }));

  if (raw.side !== 'buy' && raw.side !== 'sell') {
    return fail(validationError(30, { side: ["Side field should contain only 'buy' or 'sell' values."] }));
  }
  const amount = parseNumeric(raw.amount);
  if (!amount) return fail(validationError(32, { amount: ['Amount field should be numeric string or number.'] }));
  const price = parseNumeric(raw.price);
  if (!price) return fail(validationError(33, { price: ['Price field should be numeric string or number.'] }));
  if (!price.greaterThan(0)) return fail(validationError(33, { price: ['Price should be greater than 0.'] }));

  for (const flag of ['postOnly', 'ioc', 'rpi', 'retail'] as const) {
    const v = raw[flag];
    if (!isMissing(v) && typeof v !== 'boolean') {
      const name = flag.charAt(0).toUpperCase() + flag.slice(1);
      return fail(validationError(30, { [flag]: [`${name} field should be a boolean.`] }));
    }
  }
  const postOnly = raw.postOnly === true;
  const ioc = raw.ioc === true;
  if (postOnly && ioc) return fail(validationError(37, { ioc: ['Either IOC or PostOnly flag in true state is allowed.'] }));
  // RPI and retail need account flags the simulator's accounts never have.
  if (raw.rpi === true && ioc) return fail(validationError(40, { rpi: ['RPI orders cannot be IOC.'] }));
  if (raw.rpi === true && raw.retail === true) return fail(validationError(41, { rpi: ['RPI and retail cannot be combined.'] }));
  if (raw.retail === true) return fail(validationError(42, { retail: ['Retail orders are not allowed for this account.'] }));
  if (raw.rpi === true) return fail(validationError(43, { rpi: ['RPI orders are not allowed for this account.'] }));
  if (!isMissing(raw.bboRole)) return fail(validationError(30, { bboRole: ['BboRole is not supported.'] }));

  const tags = stpAndClientOrderId(raw);
  if (!tags.ok) return tags;
  const { stp, clientOrderId } = tags.value;

  if (amount.decimalPlaces() > market.stockPrec) {
    return fail(validationError(32, { amount: [`Min amount step = ${market.amountStep}`] }));
  }
  if (price.decimalPlaces() > market.moneyPrec) {
    return fail(validationError(33, { price: [`Min price step = ${market.priceStep}`] }));
  }
  if (amount.lessThan(market.minAmountD) || amount.isZero()) {
    return fail(validationError(32, { amount: [`Given amount is less than min amount ${market.minAmount}`] }));
  }
  const total = amount.times(price);
  if (total.lessThan(market.minTotalD)) {
    return fail(validationError(30, { total: [`Total(amount * price) is less than ${market.minTotal}`] }));
  }
  if (!market.maxTotalD.isZero() && total.greaterThan(market.maxTotalD)) {
    return fail(validationError(30, { total: [`Total(amount * price) is greater than ${fmt(market.maxTotalD)}`] }));
  }
  return ok({ market, side: raw.side, amount, price, clientOrderId, postOnly, ioc, stp });
}
