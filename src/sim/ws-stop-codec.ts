/**
 * WS stop orders, wire side: `order_stop_limit_place` (type 3) and `order_stop_market_place` (type
 * 4, a buy sized in quote) → the engine's StopOrderInput, and the terms of an `order_modify` of an
 * untriggered stop. Checks and texts follow ws-order-codec.ts (§1.15's order); the activation price
 * must be a positive decimal within the market's price precision. What needs market state (101:
 * activation price equal to the last price) comes from the engine.
 *
 * A stop-market has no price, so its minimum amount and total are checked at its activation price
 * (the simulator's choice; the docs only say market orders check at the best opposite price).
 *
 * @see whitebit-protocol-2.md §1.5, §1.6, §1.11
 */
import type { Side } from './book.js';
import { floorTo, fmt, type Dec } from './decimal.js';
import type { OrderChange } from './exchange.js';
import type { Market } from './markets.js';
import type { StopInfo } from './order.js';
import type { StopOrderInput } from './stop-validation.js';
import { checkLimits, clientOrderIdOf, decimal, placementHead, WS_ERRORS, WsOrderError, type WsModifyRequest } from './ws-order-codec.js';

const field = (message: string): never => {
  throw new WsOrderError({ code: 1, message });
};

function checkActivation(m: Market, activationPrice: Dec): void {
  if (activationPrice.decimalPlaces() > m.moneyPrec) field(`activation_price: precision is greater than ${m.moneyPrec}`);
}

/** Precision (money for a buy's quote amount), min amount / min total (11) and max total of a stop-market, at its activation price. */
function checkStopMarketLimits(m: Market, side: Side, amount: Dec, activationPrice: Dec): void {
  const inQuote = side === 'buy';
  const precision = inQuote ? m.moneyPrec : m.stockPrec;
  if (amount.decimalPlaces() > precision) field(`amount: precision is greater than ${precision}`);
  const base = inQuote ? amount.div(activationPrice) : amount;
  const total = inQuote ? amount : amount.times(activationPrice);
  if (amount.isZero() || base.lessThan(m.minAmountD) || total.lessThan(m.minTotalD)) throw new WsOrderError(WS_ERRORS.amountTooSmall);
  if (!m.maxTotalD.isZero() && total.greaterThan(m.maxTotalD)) field(`amount * price must be <= ${fmt(m.maxTotalD)}`);
}

export function parseStopLimitPlace(params: unknown, markets: ReadonlyMap<string, Market>): StopOrderInput {
  const { p, market, side, stp } = placementHead(params, markets, ['price', 'activation_price']);
  const amount = decimal(p, 'amount');
  const price = decimal(p, 'price');
  const activationPrice = decimal(p, 'activation_price');
  const clientOrderId = clientOrderIdOf(p);
  checkLimits(market, amount, price);
  checkActivation(market, activationPrice);
  return { market, side, type: 3, amount, price, activationPrice, clientOrderId, stp };
}

export function parseStopMarketPlace(params: unknown, markets: ReadonlyMap<string, Market>): StopOrderInput {
  const { p, market, side, stp } = placementHead(params, markets, ['activation_price']);
  const amount = decimal(p, 'amount');
  const activationPrice = decimal(p, 'activation_price');
  const clientOrderId = clientOrderIdOf(p);
  checkActivation(market, activationPrice);
  checkStopMarketLimits(market, side, amount, activationPrice);
  return { market, side, type: 4, amount, price: null, activationPrice, clientOrderId, stp };
}

/**
 * The change an `order_modify` makes to an untriggered stop. A stop-limit takes `amount` or `total`
 * (turned into base at the new price) and `price` as a limit order does; a stop-market has no price
 * (159) and is sized in its own unit: `total` (quote) for a buy, `amount` (base) for a sell.
 */
export function stopModifiedTerms(req: WsModifyRequest, old: { side: Side; left: Dec; priceD: Dec; stop: StopInfo }): OrderChange {
  const m = req.market;
  const activationPrice = req.activationPrice ?? old.stop.activationPrice;
  checkActivation(m, activationPrice);
  const withActivation = req.activationPrice ? { activationPrice: req.activationPrice } : {};
  if (old.stop.type === 3) {
    const price = req.price ?? old.priceD;
    const amount = req.amount ?? (req.total ? floorTo(req.total.div(price), m.stockPrec) : old.left);
    checkLimits(m, amount, price);
    return { amount, price, ...withActivation };
  }
  if (req.price) throw new WsOrderError(WS_ERRORS.wrongStopMarketPrice);
  if (old.side === 'buy' && req.amount) throw new WsOrderError({ code: 163, message: 'wrong param amount' });
  if (old.side === 'sell' && req.total) throw new WsOrderError({ code: 162, message: 'wrong param total' });
  const amount = (old.side === 'buy' ? req.total : req.amount) ?? old.left;
  checkStopMarketLimits(m, old.side, amount, activationPrice);
  return { amount, ...withActivation };
}
