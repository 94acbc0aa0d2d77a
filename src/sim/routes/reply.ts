/**
 * Reply helpers shared by the endpoint files under routes/: a JSON answer, an ApiError as an
 * answer, the REST order object, and the "field present" test WhiteBIT's validators use.
 */
import type { ApiError } from '../errors.js';
import type { OrderSnapshot } from '../order.js';
import type { PrivateContext, Reply } from '../private-routes.js';
import { toOrderResponse } from '../wire-format.js';

export const json = (body: unknown, status = 200): Reply => ({ status, body });
export const errorReply = (e: ApiError): Reply => ({ status: e.status, body: e.body });

/** The REST OrderResponse of `o` in the simulator's configured shape. */
export const orderReply = (ctx: PrivateContext, o: OrderSnapshot): Reply => json(toOrderResponse(o, ctx.exchange.market(o.market), ctx.legacyOrderShape));

/** JSON null counts as absent, as in every WhiteBIT request validator. */
export const present = (v: unknown): boolean => v !== undefined && v !== null;
