/**
 * REST stop orders: POST /api/v4/order/stop_limit and /api/v4/order/stop_market (10 000 / 10 s each,
 * the `order` bucket of rate-limit.ts). Request validation is stop-validation.ts; the exchange parks
 * the order in its trigger book and answers the REST OrderResponse with type "stop limit" / "stop
 * market" and `activation_price`.
 *
 * @see whitebit-protocol-2.md §2.5
 */
import type { Result } from '../errors.js';
import type { OrderSnapshot } from '../order.js';
import type { PrivateHandler, Reply } from '../private-routes.js';
import { validateStopLimitRequest, validateStopMarketRequest, type StopOrderInput } from '../stop-validation.js';
import { toOrderResponse } from '../wire-format.js';

type Validator = (raw: Record<string, unknown>, markets: Parameters<typeof validateStopLimitRequest>[1]) => Result<StopOrderInput>;

const stopRoute =
  (validate: Validator): PrivateHandler =>
  (ctx, accountId, body): Reply => {
    const v = validate(body, ctx.exchange.markets);
    const r: Result<OrderSnapshot> = v.ok ? ctx.exchange.placeStop(accountId, v.value, ctx.nowMs) : v;
    if (!r.ok) return { status: r.error.status, body: r.error.body };
    return { status: 200, body: toOrderResponse(r.value, ctx.exchange.market(r.value.market), ctx.legacyOrderShape) };
  };

export const orderStopLimit: PrivateHandler = stopRoute(validateStopLimitRequest);
export const orderStopMarket: PrivateHandler = stopRoute(validateStopMarketRequest);
