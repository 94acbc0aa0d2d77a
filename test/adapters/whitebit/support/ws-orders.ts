/**
 * Fixtures of the WS order-entry tests: the documented order object of a WS order reply, and the
 * WhitebitError a promise rejects with.
 * @see whitebit-protocol-2.md §1.3
 */
import { WhitebitError } from '../../../../src/adapters/whitebit/codec/errors.js';

/** order_limit_place.jsx (§1.3): a resting buy, no client id. */
export const WS_LIMIT_ORDER = {
  id: 2423735868673,
  market: 'ETH_USDT',
  type: 1,
  side: 2,
  post_only: false,
  ioc: false,
  ctime: 1786452689.828402,
  mtime: 1786452689.828402,
  price: '1859.75',
  amount: '0.00108',
  left: '0.00108',
  deal_stock: '0',
  deal_money: '0',
  deal_fee: '0',
  client_order_id: '',
  stp: 'no',
  status: 'OPEN',
} as const;

/** The documented order object with some fields changed. */
export function wsOrder(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...WS_LIMIT_ORDER, ...over };
}

/** Resolves with the WhitebitError `p` rejects with; fails the test when it resolves or rejects otherwise. */
export async function rejection(p: Promise<unknown>): Promise<WhitebitError> {
  const e = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
  if (!WhitebitError.is(e)) throw e as Error;
  return e;
}
