/**
 * POST /api/v4/order/modify (ccxt editOrder): cancel-and-replace through exchange.modifyOrder. The
 * answer is the bare replacement object (new orderId, same clientOrderId; old docs wrapped it in a
 * one-element array, which ccxt would mis-parse); ordersPending sees event 3 for the old id, then
 * event 1 for the new one (the engine's doing).
 *
 * Request validation (422, WhiteBIT's order/new and order/cancel texts where they exist): market
 * required and known (31); exactly one of orderId (an integer or a digit string, as ccxt sends the
 * caller's string) and clientOrderId; at least one of amount, total, price, activationPrice (ccxt
 * sends `activation_price`, the spec `activationPrice`: both are read); amount and total exclusive;
 * `stp`. `total` becomes a base amount at the (new) price, rounded down to the amount step.
 *
 * The modify page files engine codes 10–17 under HTTP 422 with "Validation failed", unlike order/new's
 * 400 "Inner validation failed", so those are re-statused here; 1, 2, 6, 20, 24, 101, 158 stay 400.
 * The "at least one"/"not both" texts are the simulator's (undocumented).
 *
 * @see whitebit-protocol-2.md §2.6, whitebit-protocol.md §4.7
 */
import { floorTo, parseNumeric, type Dec } from '../decimal.js';
import { validationError, type ApiError } from '../errors.js';
import type { OrderChange, OrderRef } from '../exchange.js';
import { STP } from '../order-validation.js';
import type { PrivateHandler } from '../private-routes.js';
import { isApiError, optInt, optString } from '../request-fields.js';
import { errorReply, orderReply, present } from './reply.js';

/** Engine rejections the modify page lists under 422. */
const UNPROCESSABLE = new Set([10, 11, 12, 13, 14, 15, 16, 17]);

/** A positive decimal field, or the 422 the order/new validator gives the same field. */
function decimalField(name: 'amount' | 'price' | 'total' | 'activationPrice', value: unknown): Dec | ApiError {
  const d = parseNumeric(value);
  if (d && d.greaterThan(0)) return d;
  const code = name === 'amount' ? 32 : name === 'price' ? 33 : 30;
  const label = name.charAt(0).toUpperCase() + name.slice(1);
  return validationError(code, { [name]: [d ? `${label} should be greater than 0.` : `${label} field should be numeric string or number.`] });
}

function orderRef(body: Record<string, unknown>): OrderRef | ApiError {
  const hasId = present(body.orderId);
  const hasClientId = present(body.clientOrderId);
  if (hasId && hasClientId) return validationError(30, { orderId: ['Only one of orderId or clientOrderId may be given.'] });
  if (hasId) {
    const id = optInt(body, 'orderId');
    return isApiError(id) || id === undefined ? validationError(30, { orderId: ['OrderId field should be an integer.'] }) : { orderId: id };
  }
  const cid = optString(body, 'clientOrderId');
  return isApiError(cid) || cid === undefined ? validationError(36, { clientOrderId: ['ClientOrderId field should be a string.'] }) : { clientOrderId: cid };
}

/** The change fields as Decimals (total still in quote). */
function changeFields(body: Record<string, unknown>): { amount?: Dec; total?: Dec; price?: Dec; activationPrice?: Dec } | ApiError {
  const activation = present(body.activationPrice) ? body.activationPrice : body.activation_price;
  const raw = { amount: body.amount, total: body.total, price: body.price, activationPrice: activation };
  if (!Object.values(raw).some(present)) {
    return validationError(30, { amount: ['At least one of amount, total, price or activationPrice should be specified.'] });
  }
  if (present(raw.amount) && present(raw.total)) return validationError(30, { total: ['Amount and total cannot be specified simultaneously.'] });
  const out: { amount?: Dec; total?: Dec; price?: Dec; activationPrice?: Dec } = {};
  for (const name of ['amount', 'total', 'price', 'activationPrice'] as const) {
    if (!present(raw[name])) continue;
    const d = decimalField(name, raw[name]);
    if (isApiError(d)) return d;
    out[name] = d;
  }
  return out;
}

export const orderModify: PrivateHandler = (ctx, accountId, body) => {
  const missing: Record<string, string[]> = {};
  if (!present(body.market)) missing.market = ['Market field is required.'];
  if (!present(body.orderId) && !present(body.clientOrderId)) missing.orderId = ['OrderId field is required.'];
  if (Object.keys(missing).length > 0) return errorReply(validationError(30, missing));
  const m = typeof body.market === 'string' ? ctx.exchange.market(body.market) : undefined;
  if (!m) return errorReply(validationError(31, { market: ['Market is not available.'] }));
  const ref = orderRef(body);
  if (isApiError(ref)) return errorReply(ref);
  const fields = changeFields(body);
  if (isApiError(fields)) return errorReply(fields);
  let stp: OrderChange['stp'];
  if (present(body.stp)) {
    stp = typeof body.stp === 'string' ? STP[body.stp] : undefined;
    if (!stp) return errorReply(validationError(30, { stp: ['Stp field should contain only no, cb, cn or co values.'] }));
  }

  const [old] = ctx.exchange.activeOrders(accountId, { market: m.name, ...ref });
  let amount = fields.amount;
  if (fields.total && old) amount = floorTo(fields.total.div(fields.price ?? old.priceD), m.stockPrec);
  const change: OrderChange = {
    ...(amount ? { amount } : {}),
    ...(fields.price ? { price: fields.price } : {}),
    ...(stp ? { stp } : {}),
    ...(fields.activationPrice ? { activationPrice: fields.activationPrice } : {}),
  };
  const r = ctx.exchange.modifyOrder(accountId, m.name, ref, change, ctx.nowMs);
  if (r.ok) return orderReply(ctx, r.value);
  const e = r.error;
  if (e.status === 400 && UNPROCESSABLE.has(e.body.code)) return errorReply({ status: 422, body: { ...e.body, message: 'Validation failed' } });
  return errorReply(e);
};
