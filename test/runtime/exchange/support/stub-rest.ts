/**
 * A stubbed placement REST client: records every call synchronously at the moment it is made and
 * answers with what the test decides, so tests can check that a request starts in the caller's tick.
 */
import type { WbBulkOrderRequest, WbBulkResult, WbCancelOrderRequest, WbNewOrderRequest, WbOrder } from '../../../../src/adapters/whitebit/index.js';
import type { OrderIntent } from '../../../../src/grid/index.js';
import type { RoutedRest } from '../../../../src/runtime/exchange/order-router.js';

export interface StubCall {
  readonly method: 'orderNew' | 'orderBulk' | 'orderCancel';
  readonly body: WbNewOrderRequest | WbBulkOrderRequest | WbCancelOrderRequest;
}

export type Answer = (call: StubCall) => Promise<unknown>;

export function stubPlacementRest(answer: Answer): RoutedRest & { calls: StubCall[] } {
  const calls: StubCall[] = [];
  return {
    calls,
    orderNew: (body: WbNewOrderRequest) => {
      const c: StubCall = { method: 'orderNew', body };
      calls.push(c);
      return answer(c) as Promise<WbOrder>;
    },
    orderBulk: (body: WbBulkOrderRequest) => {
      const c: StubCall = { method: 'orderBulk', body };
      calls.push(c);
      return answer(c) as Promise<WbBulkResult[]>;
    },
    orderCancel: (body: WbCancelOrderRequest) => {
      const c: StubCall = { method: 'orderCancel', body };
      calls.push(c);
      return answer(c) as Promise<WbOrder>;
    },
  };
}

let nextId = 1000;
/** An order/new answer echoing the request, resting untouched. */
export function restingOrder(req: WbNewOrderRequest): WbOrder {
  return {
    orderId: nextId++,
    clientOrderId: req.clientOrderId ?? '',
    market: req.market,
    side: req.side,
    type: 'limit',
    timestamp: 1_700_000_000.5,
    dealMoney: '0',
    dealStock: '0',
    amount: req.amount,
    left: req.amount,
    dealFee: '0',
    price: req.price,
    postOnly: req.postOnly ?? false,
  };
}

export function intentsOf(n: number, market = 'BTC_USDT'): OrderIntent[] {
  return Array.from({ length: n }, (_, i) => ({
    market,
    clientOrderId: `g-${i}`,
    level: i,
    side: i % 2 === 0 ? 'buy' : 'sell',
    price: String(100 + i),
    amount: '0.5',
    origin: 'counter',
  }));
}
