/**
 * POST /api/v4/order/cancel/bulk: cancels 1–100 orders, markets may differ, every item processed
 * (no stopOnFail). The answer is aligned with the request: `{result: {orderId, clientOrderId,
 * market}, error: null}` or `{result: null, error: {...}}` per item. Texts are the spec's, which
 * here are translation keys (`validation.required`, `api.validation.order.chooseOneId`); an unknown
 * or finished order is code 404 "Order not found". An empty `orders` counts as missing (the
 * spec's minItems 1; its exact text is unconfirmed).
 *
 * @see whitebit-protocol.md §4.5, openapi http-trade-v4 cancelBulkOrders
 */
import type { WbErrorBody } from '../errors.js';
import { validationError } from '../errors.js';
import type { OrderRef } from '../exchange.js';
import type { PrivateContext, PrivateHandler } from '../private-routes.js';
import { errorReply, json, present } from './reply.js';

const MAX_ITEMS = 100;

interface ItemResult {
  readonly result: { orderId: number; clientOrderId: string; market: string } | null;
  readonly error: WbErrorBody | null;
}

const itemError = (errors: Record<string, string[]>): ItemResult => ({ result: null, error: { code: 30, message: 'Validation failed', errors } });
const NOT_FOUND: ItemResult = {
  result: null,
  error: { code: 404, message: 'Order not found', errors: { orderId: ['Order does not exist or already cancelled'] } },
};

function itemRef(item: Record<string, unknown>): OrderRef | ItemResult {
  const hasId = present(item.orderId);
  const hasClientId = present(item.clientOrderId);
  if (!hasId && !hasClientId) return itemError({ request: ['validation.required'] });
  if (hasId && hasClientId) return itemError({ request: ['api.validation.order.chooseOneId'] });
  if (hasId) {
    const v = item.orderId;
    const id = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    return typeof id === 'number' && Number.isSafeInteger(id) ? { orderId: id } : itemError({ orderId: ['validation.integer'] });
  }
  return typeof item.clientOrderId === 'string' ? { clientOrderId: item.clientOrderId } : itemError({ clientOrderId: ['validation.string'] });
}

function cancelItem(ctx: PrivateContext, accountId: string, item: unknown): ItemResult {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return itemError({ request: ['Invalid order format'] });
  const fields = item as Record<string, unknown>;
  if (!present(fields.market)) return itemError({ market: ['validation.required'] });
  const m = typeof fields.market === 'string' ? ctx.exchange.market(fields.market) : undefined;
  if (!m) return itemError({ market: ['validation.market_not_exist'] });
  const ref = itemRef(fields);
  if ('result' in ref) return ref;
  const r = ctx.exchange.cancelOrder(accountId, m.name, ref, ctx.nowMs);
  if (!r.ok) return NOT_FOUND;
  return { result: { orderId: r.value.id, clientOrderId: r.value.clientOrderId, market: r.value.market }, error: null };
}

export const orderCancelBulk: PrivateHandler = (ctx, accountId, body) => {
  const orders = body.orders;
  if (!Array.isArray(orders) || orders.length === 0) return errorReply(validationError(30, { orders: ['validation.required'] }));
  if (orders.length > MAX_ITEMS) return errorReply(validationError(30, { orders: ['validation.between'] }));
  return json(orders.map((item) => cancelItem(ctx, accountId, item)));
};
