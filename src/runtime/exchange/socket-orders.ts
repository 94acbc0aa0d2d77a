/**
 * The port between WebSocket order entry (WhiteBIT's `order_limit_place`, `order_cancel`, … on the
 * authorized socket the connection actor already holds) and the runtime that routes orders over it
 * or over REST. The adapter implements it on the connection's current socket; the router
 * (`orderEntry: ws | rest`) only asks `ready` and calls the methods, so tests swap in a fake.
 *
 * Contract, so that a socket order is handled exactly like a REST one (io-errors.ts):
 * - Results use the REST models (`WbOrder`), so `placedOutcome` and the cancel mapping are shared.
 * - Failures reject with a `WhitebitError` of the REST kinds: a post-only cross (WS code 13) is
 *   `postOnlyRejected`, a duplicate active client id (43) `duplicateClientOrderId`, an unknown or
 *   finished order (6) `orderNotFound`, not enough balance (10) `notEnoughBalance`, the socket's
 *   own budget (7) or the account's (10000/10001) `rateLimited`, a validation refusal (1, 11, …)
 *   `rejected`/`invalidRequest`, a missing authorization (6 `require authentication`) `unauthorized`.
 * - Nothing written to the socket (not open, not authorized, budget known spent): `transport` with
 *   `sent: false`, so the caller may send the same request over REST at once.
 * - Written, then no reply within the deadline or the socket closed first: `unknownOutcome` (the
 *   order may exist; reconcile by client id), exactly like a REST timeout.
 * - Calls are non-idempotent placements (`idempotent: false`) except cancels by order id.
 * - A region refusal (10006, 10009: the account has no order entry on the socket) is a `rejected`
 *   with that code; the router sends the order over REST and calls `refuse`.
 * @see whitebit-protocol-2.md §1
 */
import type { WbCancelOrderRequest, WbNewOrderRequest, WbOrder } from '../../adapters/whitebit/index.js';

/** Which per-connection budget a request draws on (§1.14: 10,000 placements / 12,000 others per 10 s). */
export type SocketBudget = 'place' | 'other';

export interface SocketCallOptions {
  readonly signal?: AbortSignal;
}

export interface SocketOrders {
  /**
   * Whether a request drawing on `budget` would be written now: the socket is open and authorized
   * and the client-side budget has room. False means: send it over REST instead.
   */
  ready(budget: SocketBudget): boolean;
  /** `order_limit_place` (post-only as the request says). */
  placeLimit(req: WbNewOrderRequest, o?: SocketCallOptions): Promise<WbOrder>;
  /** `order_cancel` by order id or client order id. */
  cancel(req: WbCancelOrderRequest, o?: SocketCallOptions): Promise<WbOrder>;
  /**
   * The exchange refused order entry on the socket for this account's region (WhiteBIT EU:
   * ws-order-errors.ts `wsOrderEntryRefused`): `ready` is false from now on, on every later socket
   * of the connection too (the region comes with the account, not the socket). `why` is the
   * exchange's answer, for the one warning it logs.
   */
  refuse(why: string): void;
}
