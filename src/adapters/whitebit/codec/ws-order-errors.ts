/**
 * WS order-method error codes → the REST {@link WhitebitError} kinds, so that a refusal on the socket
 * is handled exactly like the same refusal over REST (`retryClass`, `failedPlacement`).
 *
 * WS numbering is independent of REST's (WS 13 is the post-only cross, 43 a duplicate client id,
 * 6 both "order not found" and "require authentication"): branch on the code, and on the message
 * only where one code means two things.
 * @see whitebit-protocol-2.md §1.11
 */
import { WhitebitError, type WhitebitErrorKind } from './errors.js';

export interface WsOrderErrorContext {
  /** The method, e.g. `order_limit_place` (the error's `endpoint`). */
  readonly method: string;
  /** Whether repeating the request has no second effect (cancels by order id). */
  readonly idempotent: boolean;
}

/** Returns the REST kind of a WS order error `code` (its `message` only disambiguates code 6). */
export function wsOrderErrorKind(code: number, message: string): WhitebitErrorKind {
  switch (code) {
    case 13:
      return 'postOnlyRejected';
    case 43:
      return 'duplicateClientOrderId';
    case 6:
      return /auth/i.test(message) ? 'unauthorized' : 'orderNotFound';
    case 10:
      return 'notEnoughBalance';
    case 7:
    case 10000:
    case 10001:
      return 'rateLimited';
    // The engine or a service behind it failed: a placement may or may not exist (`server` on a
    // non-idempotent call is retryClass `unknownOutcome`, as for a REST 5xx).
    case 2:
    case 3:
    case 5:
      return 'server';
    // "method not found": our codec and the server disagree on the protocol.
    case 4:
      return 'invalidRequest';
    case 9:
      return 'unknownMarket';
    case 1:
      return /market does not exist/i.test(message) ? 'unknownMarket' : 'rejected';
    default:
      // 11 amount too small, 12, 40–42, 51, 101, 15x, 16x, 250, 251, 601, 602, 10006–10010: the
      // engine looked at the order and refused it; nothing happened.
      return 'rejected';
  }
}

/**
 * Codes that refuse order entry on the socket for the account's region, before the order is looked
 * at: 10006 `region is unknown or not supported`, 10009 `spot trading is not available in your
 * region` (WhiteBIT EU, whose accounts have no WebSocket order entry; the region comes with the
 * token). Region checks run before anything else, so nothing was placed or cancelled, and every
 * later order on any socket of this account meets the same answer. Not 10010 (one market restricted
 * in the region: REST refuses that market too) nor 10007/10008 (futures, margin).
 * @see whitebit-protocol-2.md §1.1, §1.11
 */
export const WS_REGION_REFUSAL_CODES: readonly number[] = [10006, 10009];

/** True for an answer of a WS order method that refuses the socket's order entry for the account's region. */
export function wsOrderEntryRefused(e: unknown): e is WhitebitError {
  return WhitebitError.is(e) && e.code !== undefined && WS_REGION_REFUSAL_CODES.includes(e.code) && e.endpoint?.startsWith('order_') === true;
}

/** Returns the error for a WS order reply `{error: {code, message}}` (the request was written and answered). */
export function wsOrderError(code: number, message: string, ctx: WsOrderErrorContext): WhitebitError {
  const kind = wsOrderErrorKind(code, message);
  return new WhitebitError({
    kind,
    message: `ws ${ctx.method} ${kind} (code ${code})${message ? `: ${message}` : ''}`,
    code,
    endpoint: ctx.method,
    idempotent: ctx.idempotent,
    sent: true,
  });
}
