/**
 * The market actor's view of the exchange: domain-level calls the runtime provides (over the
 * WhiteBIT adapter in production, a fake in tests) and the one error type they throw.
 *
 * The runtime maps every adapter error onto a {@link MarketIoError} `kind`, so the machine decides by
 * what it must do and never imports the adapter:
 * - `fatal`          stop trading now (401/403, broken signing): never retried;
 * - `retry`          nothing happened, the adapter's own retries ran out (429, 5xx on a read, connect failure);
 * - `unknownOutcome` the request may have taken effect (timeout, socket loss, 5xx after an order was sent):
 *                    reconcile by client order id, never re-send blindly;
 * - `rejected`       the exchange refused the whole request (422/400): not retried.
 */
import type { ExchangeSnapshot, GridPlan, MarketRules, OrderIntent, OrderWay, PlacementOutcome } from '../../grid/index.js';

export type MarketIoErrorKind = 'fatal' | 'retry' | 'unknownOutcome' | 'rejected';

export class MarketIoError extends Error {
  override readonly name = 'MarketIoError';
  constructor(
    readonly kind: MarketIoErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Returns the kind of any error an actor threw; a non-IO error (a bug) stops the market. */
export function ioErrorKind(error: unknown): MarketIoErrorKind {
  return error instanceof MarketIoError ? error.kind : 'fatal';
}

export interface LoadedMarket {
  readonly rules: MarketRules;
  readonly lastPrice: string;
}

export interface KillSwitchArmed {
  /** Epoch ms at which the exchange cancels the market's spot orders unless refreshed. */
  readonly cancellationTimeMs: number;
}

export interface CancelOutcome {
  readonly orderId: number;
  readonly ok: boolean;
  readonly reason: string | null;
  /** The way the cancel went (WebSocket order entry or REST); absent where no router decided. */
  readonly via?: OrderWay;
}

/** Input types of the invoked actors, one per call. */
export interface MarketIoInputs {
  readonly loadMarket: { readonly market: string };
  readonly cancelAll: { readonly market: string };
  readonly armKillSwitch: { readonly market: string; readonly timeoutSec: number };
  readonly disarmKillSwitch: { readonly market: string };
  readonly placeBatch: { readonly market: string; readonly intents: readonly OrderIntent[] };
  readonly fetchExchange: { readonly market: string; readonly sinceSec: number | null };
  readonly cancelOrders: { readonly market: string; readonly orderIds: readonly number[] };
}

export type { ExchangeSnapshot, GridPlan, PlacementOutcome };
