/**
 * Every actor the market machine needs, over the WhiteBIT adapter, for
 * `marketMachine.provide({ actors: createMarketActors(...) })`.
 *
 * One REST client, one router and one connection serve every market; the returned logics are
 * stateless between invocations, so one object can be provided to every market machine. With a
 * turn order, every REST call of these actors is held while a frame batch is open and starts once
 * the batch is committed (runtime/turn/turn-order.ts rule 3); so does every order the order router
 * sends over the socket (order-router.ts: single placements and cancels, when the grid's
 * `orderEntry` is `ws` and the socket is ready).
 */
import type { Observable } from 'rxjs';
import type { ConnectionStatus } from '../../machines/connection/connection.types.js';
import type { FrameRouter } from '../../machines/connection/frame-router.js';
import type { OrderWay } from '../../grid/index.js';
import { createDeskActor } from './desk-actor.js';
import { type ConnectionHandle, createFeedActor } from './feed-actor.js';
import { type TurnOrder, heldRequests } from '../turn/index.js';
import { sharedPublicLists } from './shared-public.js';
import { KillSwitchLeases } from './kill-switch-lease.js';
import { createOrderRouter } from './order-router.js';
import type { SocketOrders } from './socket-orders.js';
import {
  type MarketIoOptions,
  type MarketRest,
  createArmKillSwitch,
  createCancelAll,
  createCancelOrders,
  createDisarmKillSwitch,
  createFetchExchange,
  createLoadMarket,
  createPlaceBatch,
} from './market-io-actors.js';

export interface MarketActorsDeps extends MarketIoOptions {
  readonly rest: MarketRest;
  readonly router: Pick<FrameRouter, 'market' | 'release'>;
  /** The shared connection actor: the feeds tell it what to subscribe. */
  readonly connection: ConnectionHandle;
  /** The connection status, current value first (see `connectionStatus$`). */
  readonly status$: Observable<ConnectionStatus>;
  /** The runtime's turn order: REST calls started in a frame batch wait for its commit. */
  readonly turn?: TurnOrder;
  /** WebSocket order entry on the connection's socket; absent or null: every order goes over REST. */
  readonly socketOrders?: SocketOrders | null;
  /** Each grid's `orderEntry` (RuntimeConfig.orderEntry); absent: `rest` for every grid. */
  readonly orderEntryOf?: (market: string) => OrderWay;
  /**
   * How long before a market's kill-switch lease ends the desk stops placing (kill-switch-lease.ts):
   * the slowest an order can take to land, i.e. the REST deadline. Absent: 10 s.
   */
  readonly leaseMarginMs?: number;
}

/** Every REST method the market actors call: all of them wait for a batch's commit. */
const MARKET_REST_METHODS = [
  'orderNew',
  'orderBulk',
  'orderCancel',
  'orderCancelAll',
  'killSwitchArm',
  'killSwitchDisarm',
  'orders',
  'executedHistory',
  'publicMarkets',
  'publicTicker',
  'publicOrderbook',
] as const satisfies readonly (keyof MarketRest)[];

/** Returns the actor logics of a market machine, keyed as its `setup({ actors })` names them. */
export function createMarketActors(deps: MarketActorsDeps) {
  const rest = deps.turn === undefined ? deps.rest : heldRequests(deps.rest, deps.turn, MARKET_REST_METHODS);
  const placement = deps.postOnly === undefined ? {} : { postOnly: deps.postOnly };
  // The router gets the unheld client: it holds each whole route, so `ready` is asked at send time.
  const turn = deps.turn;
  const orders = createOrderRouter({
    rest: deps.rest,
    socket: deps.socketOrders ?? null,
    ...(turn === undefined ? {} : { hold: (start) => turn.hold(start) }),
    ...(deps.orderEntryOf === undefined ? {} : { entryOf: deps.orderEntryOf }),
  });
  const leases = new KillSwitchLeases({ marginMs: deps.leaseMarginMs ?? 10_000 });
  return {
    // One market list and ticker download for all the markets that start together (shared-public.ts).
    loadMarket: createLoadMarket(sharedPublicLists(rest)),
    cancelAll: createCancelAll(rest),
    armKillSwitch: createArmKillSwitch(rest, leases),
    disarmKillSwitch: createDisarmKillSwitch(rest, leases),
    placeBatch: createPlaceBatch(rest, placement),
    fetchExchange: createFetchExchange(rest, deps.maxPages === undefined ? {} : { maxPages: deps.maxPages }),
    cancelOrders: createCancelOrders(orders),
    feed: createFeedActor({ router: deps.router, connection: deps.connection, status$: deps.status$ }),
    desk: createDeskActor(orders, { ...placement, leases }),
  };
}
