/**
 * Chooses, per order, the way it leaves: WebSocket order entry ({@link SocketOrders}) or REST.
 *
 * The rules (issue 15):
 * - Single placements (the desk's counter-orders, re-placed levels) and single cancels go over the
 *   socket when the grid's `orderEntry` is `ws` and the socket is `ready` for that budget; otherwise
 *   over REST. The initial ladder never comes here: it stays on REST `order/bulk` (no bulk on the
 *   socket, whitebit-protocol-2.md §1.9).
 * - A socket failure that says nothing was written (`transport`, `sent: false`) or nothing executed
 *   (`rateLimited`: the socket's or the account's budget; `unauthorized`: the connection lost its
 *   authorization, code 6) is sent again over REST at once, with the same client id: the exchange
 *   saw no order, so this is the first order, not a second one.
 * - A region refusal (WhiteBIT EU has no order entry on the socket: 10006, 10009, answered before
 *   the order is looked at) is sent again over REST at once too, and the socket is told to
 *   `refuse` every later order: the account's region does not change with the next order.
 * - An `unknownOutcome` (written, then no reply) is never sent again: the order may exist, and the
 *   market reconciles it by client id as after a REST timeout. A refusal is the order's outcome.
 *
 * Every route runs inside `hold` (the turn order's, turn/turn-order.ts rule 3): in a frame batch it
 * starts after the batch's commit, and `ready` is asked then, when the frame is written. Nothing is
 * awaited before the send, so the order still leaves in the tick the hold releases it (PERF.md).
 * Each outcome says `via`, the way that decided it.
 * @see whitebit-protocol-2.md §1.1, §1.9, §1.14, socket-orders.ts
 */
import { WhitebitError, type WbCancelOrderRequest, type WbOrder, type WhitebitRestClient, wsOrderEntryRefused } from '../../adapters/whitebit/index.js';
import type { OrderIntent, OrderWay, PlacementOutcome } from '../../grid/index.js';
import { type PlacementReport, orderRequestOf, placeIntents, started } from './order-placement.js';
import { failedPlacement } from './io-errors.js';
import { placedOutcome } from './wire-to-domain.js';
import type { SocketBudget, SocketOrders } from './socket-orders.js';

/** The REST calls the router falls back on; handed in unheld (the router holds the whole route). */
export type RoutedRest = Pick<WhitebitRestClient, 'orderNew' | 'orderBulk' | 'orderCancel'>;

/** Runs `start` now, or once the current frame batch is committed (TurnOrder.hold). */
export type Hold = <T>(start: () => Promise<T>) => Promise<T>;

export interface OrderRouterDeps {
  readonly rest: RoutedRest;
  /** Null: no WebSocket order entry on this connection; everything goes over REST. */
  readonly socket: SocketOrders | null;
  /** Default: start at once (no turn order: tools, tests). */
  readonly hold?: Hold;
  /** The grid's `orderEntry` (markets.yaml, order-entry-support.ts); default `rest`. */
  readonly entryOf?: (market: string) => OrderWay;
}

export interface RouteOptions {
  readonly postOnly: boolean;
  readonly signal?: AbortSignal;
}

/** A cancel's result: the order as the exchange returned it, or the error, and the way that decided it. */
export type RoutedCancel =
  { readonly ok: true; readonly order: WbOrder; readonly via: OrderWay } | { readonly ok: false; readonly error: unknown; readonly via: OrderWay };

export interface OrderRouter {
  /**
   * Places the desk's intents, one outcome per intent in their order (each with `via`). Those the
   * socket takes go one frame each; the rest go over REST as `placeIntents` sends them (one
   * `order/new`, or `order/bulk`). Never rejects.
   */
  place(intents: readonly OrderIntent[], o: RouteOptions): Promise<PlacementReport>;
  /** Cancels one order. Never rejects. */
  cancel(req: WbCancelOrderRequest, o?: Pick<RouteOptions, 'signal'>): Promise<RoutedCancel>;
}

const now: Hold = (start) => start();

/** True when the socket said the exchange saw nothing of the request: REST may send it at once. */
export function socketSentNothing(e: unknown): boolean {
  if (!WhitebitError.is(e)) return false;
  return (e.kind === 'transport' && !e.sent) || e.kind === 'rateLimited' || e.kind === 'unauthorized' || wsOrderEntryRefused(e);
}

/** A socket failure the router sends over REST instead; a region refusal also turns the socket's order entry off. */
function fallsBack(ws: SocketOrders, e: unknown): boolean {
  if (wsOrderEntryRefused(e)) ws.refuse(e.message);
  return socketSentNothing(e);
}

const withVia = (o: PlacementOutcome, via: OrderWay): PlacementOutcome => ({ ...o, via });

export function createOrderRouter(deps: OrderRouterDeps): OrderRouter {
  const { rest, socket } = deps;
  const hold = deps.hold ?? now;
  const entryOf = deps.entryOf ?? (() => 'rest');
  const socketFor = (market: string, budget: SocketBudget): SocketOrders | null =>
    socket !== null && entryOf(market) === 'ws' && socket.ready(budget) ? socket : null;

  /** Sends over REST the intents the socket did not take and tags their outcomes. */
  const overRest = (intents: readonly OrderIntent[], o: RouteOptions): Promise<PlacementReport> =>
    placeIntents(rest, intents, o).then((r) => ({ outcomes: r.outcomes.map((x) => withVia(x, 'rest')), failures: r.failures }));

  const overSocket = (ws: SocketOrders, intent: OrderIntent, o: RouteOptions): Promise<PlacementReport> => {
    const call = o.signal === undefined ? {} : { signal: o.signal };
    return started(() => ws.placeLimit(orderRequestOf(intent, o.postOnly), call)).then(
      (order): PlacementReport => ({ outcomes: [withVia(placedOutcome(intent, order), 'ws')], failures: [] }),
      (e: unknown): PlacementReport | Promise<PlacementReport> => {
        if (fallsBack(ws, e)) return overRest([intent], o);
        const f = failedPlacement([intent], e);
        return { outcomes: f.outcomes.map((x) => withVia(x, 'ws')), failures: f.retryClass === 'never' ? [] : [f] };
      },
    );
  };

  const sendAll = (intents: readonly OrderIntent[], o: RouteOptions): Promise<PlacementReport> => {
    // A fill's counter-order is one intent: its own report is already in order, nothing to merge.
    const only = intents.length === 1 ? intents[0] : undefined;
    if (only !== undefined) {
      const ws = socketFor(only.market, 'place');
      return ws === null ? overRest(intents, o) : overSocket(ws, only, o);
    }
    const sends: Promise<PlacementReport>[] = [];
    const viaRest: OrderIntent[] = [];
    // Asked per order: each frame draws on the budget, so the socket may stop being ready midway.
    for (const i of intents) {
      const ws = socketFor(i.market, 'place');
      if (ws === null) viaRest.push(i);
      else sends.push(overSocket(ws, i, o));
    }
    if (viaRest.length > 0) sends.push(overRest(viaRest, o));
    return Promise.all(sends).then((reports) => {
      const byId = new Map<string, PlacementOutcome>();
      for (const r of reports) for (const x of r.outcomes) byId.set(x.clientOrderId, x);
      return {
        outcomes: intents.map(
          (i) => byId.get(i.clientOrderId) ?? { kind: 'notSent', clientOrderId: i.clientOrderId, reason: 'no answer from the order router' },
        ),
        failures: reports.flatMap((r) => r.failures),
      };
    });
  };

  const cancelOverRest = (req: WbCancelOrderRequest, call: { signal?: AbortSignal }): Promise<RoutedCancel> =>
    started(() => rest.orderCancel(req, call)).then(
      (order): RoutedCancel => ({ ok: true, order, via: 'rest' }),
      (error: unknown): RoutedCancel => ({ ok: false, error, via: 'rest' }),
    );

  return {
    place: (intents, o) =>
      started(() => hold(() => sendAll(intents, o))).catch(
        // The hold refused (a failed journal commit): nothing left, and the failure is fatal.
        (e: unknown): PlacementReport => {
          const f = failedPlacement(intents, e);
          return { outcomes: f.outcomes, failures: [f] };
        },
      ),
    cancel: (req, o = {}) => {
      const call = o.signal === undefined ? {} : { signal: o.signal };
      return started(() =>
        hold(() => {
          const ws = socketFor(req.market, 'other');
          if (ws === null) return cancelOverRest(req, call);
          return started(() => ws.cancel(req, call)).then(
            (order): RoutedCancel => ({ ok: true, order, via: 'ws' }),
            (error: unknown): Promise<RoutedCancel> | RoutedCancel => (fallsBack(ws, error) ? cancelOverRest(req, call) : { ok: false, error, via: 'ws' }),
          );
        }),
      ).catch((error: unknown): RoutedCancel => ({ ok: false, error, via: 'rest' }));
    },
  };
}
