/**
 * The runtime's exchange wiring: the real actors provided to the connection and market machines,
 * over the WhiteBIT adapter (live or the embedded simulator, which speak the same protocol).
 */
export {
  type FrameRouting,
  type FrameStats,
  type SocketActorOptions,
  createFrameRouting,
  createSocketActor,
  createTokenActor,
  emptyFrameStats,
} from './connection-providers.js';
export { type StatusSource, connectionStatus$ } from './connection-status.js';
export { DepthGapSink } from './depth-gap-sink.js';
export { type ConnectionHandle, FEED_CHANNELS, type FeedOptions, createFeedActor, feedEventOf } from './feed-actor.js';
export { createDeskActor } from './desk-actor.js';
export { describeError, failedPlacement, ioKindOf, toMarketIoError } from './io-errors.js';
export { type LogSink, RateLimitedLog, silentLog } from './log-sink.js';
export { type MarketActorsDeps, createMarketActors } from './market-providers.js';
export { type MarketIoOptions, type MarketRest, PAGE_SIZE, type PublicMarketRest, loadMarket } from './market-io-actors.js';
export { restDeadlineMs } from './rest-deadline.js';
export { sharedPublicLists } from './shared-public.js';
export { type Hold, type OrderRouter, type OrderRouterDeps, type RoutedCancel, type RoutedRest, createOrderRouter, socketSentNothing } from './order-router.js';
export { type SocketBudget, type SocketCallOptions, type SocketOrders } from './socket-orders.js';
export { BULK_MAX, type PlacementReport, type PlacementRest, orderRequestOf, placeIntents } from './order-placement.js';
export { WireMappingError, dealFromHistory, dealFromWs, exchangeOrderFromRest, orderUpdateFromWs, placedOutcome, sideFromRest } from './wire-to-domain.js';
export { type OrderSocket, type SocketOrdersLink, WS_ORDER_BUDGETS, WsSocketOrders, type WsSocketOrdersOptions } from './ws-socket-orders.js';
export { DEFAULT_TOKEN_MAX_AGE_MS, WsTokenCache, type WsTokenCacheOptions, type WsTokenSource } from './ws-token-cache.js';
