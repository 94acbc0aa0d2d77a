/**
 * Every actor the market machine needs, over the WhiteBIT adapter, for
 * `marketMachine.provide({ actors: createMarketActors(...) })`.
 *
 * One REST client, one router and one connection serve every market; the returned logics are
 * stateless between invocations, so one object can be provided to every market machine. With a
 * turn order, every REST call of these actors is held while a frame batch is open and starts once
 * the batch is committed (runtime/turn/turn-order.ts rule 3).
 */
import type { Observable } from 'rxjs';
import type { ConnectionStatus } from '../../machines/connection/connection.types.js';
import type { FrameRouter } from '../../machines/connection/frame-router.js';
import { createDeskActor } from './desk-actor.js';
import { type ConnectionHandle, createFeedActor } from './feed-actor.js';
import { type TurnOrder, heldRequests } from '../turn/index.js';
import { sharedPublicLists } from './shared-public.js';
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
  return {
    // One market list and ticker download for all the markets that start together (shared-public.ts).
    loadMarket: createLoadMarket(sharedPublicLists(rest)),
    cancelAll: createCancelAll(rest),
    armKillSwitch: createArmKillSwitch(rest),
    disarmKillSwitch: createDisarmKillSwitch(rest),
    placeBatch: createPlaceBatch(rest, placement),
    fetchExchange: createFetchExchange(rest, deps.maxPages === undefined ? {} : { maxPages: deps.maxPages }),
    cancelOrders: createCancelOrders(rest),
    feed: createFeedActor({ router: deps.router, connection: deps.connection, status$: deps.status$ }),
    desk: createDeskActor(rest, placement),
  };
}
