/**
 * POST /api/v4/order/market (a buy's `amount` is quote to spend, a sell's is base) and
 * POST /api/v4/order/stock_market (base on both sides), on exchange.placeMarket — the engine path
 * WS order_market_place / order_market_stock_place use. The answer is the REST OrderResponse with
 * type "market" / "stock market", price "0", and the order already finished.
 *
 * Validation in order/new's order and texts: required fields (30) → market (31) → side (30) →
 * amount format (32) → stp (30) → clientOrderId (36) → amount step (32; a quote amount has the
 * price step) → min amount (32) and min total (30), both at the opposite side's best price (an empty
 * side is the engine's 400 code 12). The market-order pages file "Not enough balance." under 422
 * code 32, so the engine's 400 code 10 is re-coded here.
 *
 * @see whitebit-protocol-2.md §2.5, openapi http-trade-v4 createMarketOrder / createStockMarketOrder
 */
import type { Side } from '../book.js';
import { parseNumeric, type Dec } from '../decimal.js';
import { validationError, type ApiError } from '../errors.js';
import type { MarketOrderRequest } from '../exchange.js';
import type { Market } from '../markets.js';
import { clientOrderIdProblem, STP, type Stp } from '../order-validation.js';
import type { PrivateHandler } from '../private-routes.js';
import { isApiError } from '../request-fields.js';
import { errorReply, orderReply, present } from './reply.js';

/** Validates a market-order body of the given WS type code (2: order/market, 202: order/stock_market). */
function marketRequest(
  body: Record<string, unknown>,
  type: 2 | 202,
  markets: ReadonlyMap<string, Market>,
  best: (market: string, side: Side) => Dec | null,
): MarketOrderRequest | ApiError {
  const missing: Record<string, string[]> = {};
  if (!present(body.amount)) missing.amount = ['Amount field is required.'];
  if (!present(body.market)) missing.market = ['Market field is required.'];
  if (!present(body.side)) missing.side = ['Side field is required.'];
  if (Object.keys(missing).length > 0) return validationError(30, missing);
  if (body.market === '') return validationError(31, { market: ['Market field should not be empty string.'] });
  const m = typeof body.market === 'string' ? markets.get(body.market) : undefined;
  if (!m) return validationError(31, { market: ['Market is not available.'] });
  const side = body.side;
  if (side !== 'buy' && side !== 'sell') return validationError(30, { side: ["Side field should contain only 'buy' or 'sell' values."] });
  const amount = parseNumeric(body.amount);
  if (!amount) return validationError(32, { amount: ['Amount field should be numeric string or number.'] });
  let stp: Stp = 'no';
  if (present(body.stp)) {
    const s = typeof body.stp === 'string' ? STP[body.stp] : undefined;
    if (!s) return validationError(30, { stp: ['Stp field should contain only no, cb, cn or co values.'] });
    stp = s;
  }
  const clientOrderId = present(body.clientOrderId) && body.clientOrderId !== '' ? body.clientOrderId : '';
  const problem = clientOrderId === '' ? null : clientOrderIdProblem(clientOrderId);
  if (problem) return validationError(36, { clientOrderId: [problem] });

  const inQuote = type === 2 && side === 'buy';
  if (amount.decimalPlaces() > (inQuote ? m.moneyPrec : m.stockPrec)) {
    return validationError(32, { amount: [`Min amount step = ${inQuote ? m.priceStep : m.amountStep}`] });
  }
  const price = best(m.name, side);
  const base = inQuote && price ? amount.div(price) : amount;
  if (amount.isZero() || base.lessThan(m.minAmountD)) return validationError(32, { amount: [`Given amount is less than min amount ${m.minAmount}`] });
  const total = inQuote ? amount : price ? amount.times(price) : null;
  if (total && total.lessThan(m.minTotalD)) return validationError(30, { total: [`Total(amount * price) is less than ${m.minTotal}`] });
  return { market: m, side, size: inQuote ? { quote: amount } : { base: amount }, type, clientOrderId: clientOrderId as string, stp };
}

function marketRoute(type: 2 | 202): PrivateHandler {
  return (ctx, accountId, body) => {
    const best = (market: string, side: Side) => ctx.exchange.bookOf(market).opposite(side).best()?.priceD ?? null;
    const req = marketRequest(body, type, ctx.exchange.markets, best);
    if (isApiError(req)) return errorReply(req);
    const r = ctx.exchange.placeMarket(accountId, req, ctx.nowMs);
    if (r.ok) return orderReply(ctx, r.value);
    if (r.error.status === 400 && r.error.body.code === 10) return errorReply(validationError(32, { amount: ['Not enough balance.'] }));
    return errorReply(r.error);
  };
}

export const orderMarket = marketRoute(2);
export const orderStockMarket = marketRoute(202);
