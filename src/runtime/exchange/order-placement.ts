/**
 * Sends order intents to WhiteBIT and returns exactly one {@link PlacementOutcome} per intent, in
 * order: one intent goes as `order/new`, several as `order/bulk` in chunks of 20 (all chunks start
 * at once; each carries its own market, and a grid's intents share one).
 *
 * Every request is handed to the REST client synchronously, inside the caller's tick: nothing here
 * awaits before the dispatch, so a counter-order leaves in the same tick as the fill (PERF.md), at
 * the end of the fill's batch once it is committed (the runtime's client holds it until then:
 * runtime/turn/turn-order.ts rule 3).
 *
 * Grid orders are post-only: a grid must never take. A post-only order that would cross is refused
 * (HTTP 400 code 13, or the bulk item's error) and becomes a `rejected` outcome with that reason,
 * marked `wouldTake`: the level waits for the price to come back (grid/price-wait.ts). Per-item bulk refusals are values, not errors; a
 * request that failed as a whole is mapped by `retryClass` (io-errors.ts).
 * @see whitebit-protocol.md §4.2, §4.3, §8.6
 */
import type { WbBulkResult, WbNewOrderRequest, WhitebitRestClient } from '../../adapters/whitebit/index.js';
import type { OrderIntent, PlacementOutcome } from '../../grid/index.js';
import { type FailedPlacement, describeError, failedPlacement, rejectedOutcome } from './io-errors.js';
import { placedOutcome } from './wire-to-domain.js';

/** WhiteBIT's order/bulk maximum. */
export const BULK_MAX = 20;

export type PlacementRest = Pick<WhitebitRestClient, 'orderNew' | 'orderBulk'>;

export interface PlacementOptions {
  /** Default true: grid orders only ever make. */
  readonly postOnly?: boolean;
  readonly signal?: AbortSignal;
}

export interface PlacementReport {
  /** One per intent, in the intents' order. */
  readonly outcomes: readonly PlacementOutcome[];
  /** The requests that failed as a whole (their intents' outcomes are in `outcomes`). */
  readonly failures: readonly FailedPlacement[];
}

/** Returns the order/new body of an intent. */
export function orderRequestOf(intent: OrderIntent, postOnly: boolean): WbNewOrderRequest {
  return {
    market: intent.market,
    side: intent.side,
    amount: intent.amount,
    price: intent.price,
    clientOrderId: intent.clientOrderId,
    postOnly,
  };
}

type ResolvedOptions = PlacementOptions & { readonly postOnly: boolean };

interface ChunkResult {
  readonly outcomes: readonly PlacementOutcome[];
  readonly failure: FailedPlacement | null;
}

/** Calls `f`, turning a synchronous throw (a stub, a bug) into a rejection so it is mapped like any failure. */
export function started<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

function bulkOutcome(intent: OrderIntent, r: WbBulkResult | undefined): PlacementOutcome {
  if (r === undefined || r.status === 'skipped') {
    return { kind: 'notSent', clientOrderId: intent.clientOrderId, reason: 'order/bulk skipped the item' };
  }
  if (r.status === 'placed') return placedOutcome(intent, r.order);
  return rejectedOutcome(intent, r.error);
}

function placeOne(rest: PlacementRest, intent: OrderIntent, o: ResolvedOptions): Promise<ChunkResult> {
  const call = o.signal === undefined ? {} : { signal: o.signal };
  return started(() => rest.orderNew(orderRequestOf(intent, o.postOnly), call)).then(
    (order) => ({ outcomes: [placedOutcome(intent, order)], failure: null }),
    (e: unknown) => {
      const f = failedPlacement([intent], e);
      // A refusal of a single order is that order's outcome, not a failed request.
      return { outcomes: f.outcomes, failure: f.retryClass === 'never' ? null : f };
    },
  );
}

function placeChunk(rest: PlacementRest, intents: readonly OrderIntent[], o: ResolvedOptions): Promise<ChunkResult> {
  const call = o.signal === undefined ? {} : { signal: o.signal };
  const orders = intents.map((i) => orderRequestOf(i, o.postOnly));
  return started(() => rest.orderBulk({ orders, stopOnFail: false }, call)).then(
    (results) => ({ outcomes: intents.map((i, k) => bulkOutcome(i, results[k])), failure: null }),
    (e: unknown) => {
      const f = failedPlacement(intents, e);
      return { outcomes: f.outcomes, failure: f };
    },
  );
}

/**
 * Places `intents` and resolves with one outcome per intent. Never rejects: a failed request is
 * reported in `failures` and its intents get `notSent` / `unknown` / `rejected` outcomes.
 */
export function placeIntents(rest: PlacementRest, intents: readonly OrderIntent[], options: PlacementOptions = {}): Promise<PlacementReport> {
  const o = { ...options, postOnly: options.postOnly ?? true };
  const first = intents[0];
  if (first === undefined) return Promise.resolve({ outcomes: [], failures: [] });
  if (intents.length === 1) {
    return placeOne(rest, first, o).then((c) => ({ outcomes: c.outcomes, failures: c.failure ? [c.failure] : [] }));
  }
  const chunks: Promise<ChunkResult>[] = [];
  for (let i = 0; i < intents.length; i += BULK_MAX) chunks.push(placeChunk(rest, intents.slice(i, i + BULK_MAX), o));
  return Promise.all(chunks).then((done) => ({
    outcomes: done.flatMap((c) => c.outcomes),
    failures: done.flatMap((c) => (c.failure ? [c.failure] : [])),
  }));
}

/** Returns the reason of the first fatal failure (the account or signing is broken), or null. */
export function fatalReason(report: PlacementReport): string | null {
  const f = report.failures.find((x) => x.retryClass === 'fatal');
  return f === undefined ? null : describeError(f.error);
}
