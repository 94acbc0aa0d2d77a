/**
 * Adapter errors → what the market actor must do. Every decision goes through `retryClass(e)`
 * (fatal | backoff | never | retryNow | unknownOutcome), never through `kind` alone, because the same
 * kind means different things on an idempotent read and on an order placement.
 *
 * | retryClass | MarketIoError kind | placement outcome per intent |
 * |---|---|---|
 * | fatal (401/403, unknown route, a bug) | fatal | notSent, and the call is fatal |
 * | backoff, retryNow (adapter retries ran out; nothing executed) | retry | notSent |
 * | unknownOutcome (sent, then 5xx / timeout / lost socket) | unknownOutcome | unknown |
 * | never (400/422 refusal, bad input, unreadable answer to a read) | rejected | rejected |
 * @see whitebit-protocol.md §5, market.io.ts
 */
import { type RetryClass, WhitebitError, retryClass } from '../../adapters/whitebit/index.js';
import type { OrderIntent, PlacementOutcome } from '../../grid/index.js';
import { MarketIoError, type MarketIoErrorKind } from '../../machines/market/market.io.js';
import { WireMappingError } from './wire-to-domain.js';

/** Returns a one-line reason naming the error kind, code and the exchange's first field message. */
export function describeError(e: unknown): string {
  if (WhitebitError.is(e)) {
    if (e.kind === 'postOnlyRejected') return `post-only rejected: the price crossed the book (code ${e.code ?? '?'})`;
    const field = Object.entries(e.errors)[0];
    const detail = field && field[1][0] !== undefined ? ` [${field[0]}: ${field[1][0]}]` : '';
    return `${e.kind}${e.code === undefined ? '' : ` (code ${e.code})`}: ${e.message}${detail}`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Returns the market-level kind of an adapter retry class. */
export function ioKindOf(cls: RetryClass): MarketIoErrorKind {
  switch (cls) {
    case 'fatal':
      return 'fatal';
    case 'unknownOutcome':
      return 'unknownOutcome';
    case 'never':
      return 'rejected';
    case 'backoff':
    case 'retryNow':
      return 'retry';
  }
}

/** Returns `e` as a {@link MarketIoError} for the step `step` (an existing one passes through). */
export function toMarketIoError(step: string, e: unknown): MarketIoError {
  if (e instanceof MarketIoError) return e;
  // The exchange answered, but with something the domain cannot hold: refusing beats guessing.
  const kind = e instanceof WireMappingError ? 'rejected' : ioKindOf(retryClass(e));
  return new MarketIoError(kind, `${step}: ${describeError(e)}`, { cause: e });
}

/** The outcomes of intents whose whole request failed with `e`, and whether that failure is fatal. */
export interface FailedPlacement {
  readonly outcomes: PlacementOutcome[];
  readonly retryClass: RetryClass;
  readonly error: unknown;
}

/** Returns one outcome per intent for a request that failed as a whole. */
export function failedPlacement(intents: readonly OrderIntent[], e: unknown): FailedPlacement {
  const cls = retryClass(e);
  const reason = describeError(e);
  if (cls === 'never') return { outcomes: intents.map((i) => rejectedOutcome(i, e)), retryClass: cls, error: e };
  const kind = cls === 'unknownOutcome' ? 'unknown' : 'notSent';
  return { outcomes: intents.map((i) => ({ kind, clientOrderId: i.clientOrderId, reason })), retryClass: cls, error: e };
}

/**
 * Returns the outcome of an intent the exchange refused with `e`; a post-only refusal is marked
 * `wouldTake` (its level waits for price). A duplicate client id (REST 422 code 36, WS 43) is no
 * refusal of the order but proof that one with its id is active, e.g. an earlier copy whose answer
 * was lost: `unknown`, so the market reconciles by client id and adopts it. As `rejected` the level
 * looked empty while the order rested there, and its quantity was placed a second time.
 */
export function rejectedOutcome(intent: OrderIntent, e: unknown): PlacementOutcome {
  const reason = describeError(e);
  if (WhitebitError.is(e) && e.kind === 'duplicateClientOrderId') return { kind: 'unknown', clientOrderId: intent.clientOrderId, reason };
  return WhitebitError.is(e) && e.kind === 'postOnlyRejected'
    ? { kind: 'rejected', clientOrderId: intent.clientOrderId, reason, wouldTake: true }
    : { kind: 'rejected', clientOrderId: intent.clientOrderId, reason };
}
