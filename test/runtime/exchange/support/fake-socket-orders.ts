/**
 * A fake {@link SocketOrders}: records every call at the moment it is made, answers with what the
 * test decides, and is `ready` as the test sets it (per budget, or by a function that may change
 * its mind from one call to the next).
 */
import type { WbCancelOrderRequest, WbNewOrderRequest, WbOrder } from '../../../../src/adapters/whitebit/index.js';
import type { SocketBudget, SocketOrders } from '../../../../src/runtime/exchange/socket-orders.js';

export type SocketCall =
  { readonly method: 'placeLimit'; readonly body: WbNewOrderRequest } | { readonly method: 'cancel'; readonly body: WbCancelOrderRequest };

export interface FakeSocketOrders extends SocketOrders {
  readonly calls: SocketCall[];
  /** Every `ready` question asked, in order. */
  readonly asked: SocketBudget[];
  isReady: (budget: SocketBudget) => boolean;
  /** Every `refuse` the router made, in order. */
  readonly refusals: string[];
}

export function fakeSocketOrders(answer: (call: SocketCall) => Promise<WbOrder>, ready = true): FakeSocketOrders {
  const calls: SocketCall[] = [];
  const asked: SocketBudget[] = [];
  const refusals: string[] = [];
  const fake: FakeSocketOrders = {
    calls,
    asked,
    refusals,
    isReady: () => ready,
    ready: (budget) => {
      asked.push(budget);
      return fake.isReady(budget);
    },
    placeLimit: (body) => {
      const c: SocketCall = { method: 'placeLimit', body };
      calls.push(c);
      return answer(c);
    },
    cancel: (body) => {
      const c: SocketCall = { method: 'cancel', body };
      calls.push(c);
      return answer(c);
    },
    refuse: (why) => {
      refusals.push(why);
      fake.isReady = () => false;
    },
  };
  return fake;
}
