/**
 * The REST endpoints we call: path, method, rate-limit group and whether a repeat is harmless.
 * Published limits live here, next to the paths they govern.
 * @see whitebit-protocol.md §3, §4, §6
 */

/** A token-bucket group; endpoints that share a server-side limit share a group. */
export type RateGroup =
  | 'public/markets'
  | 'public/ticker'
  | 'public/time'
  | 'public/ping'
  | 'public/orderbook'
  | 'public/v1'
  | 'order/new'
  | 'order/bulk'
  | 'order/cancel'
  | 'order/cancel/all'
  | 'order/kill-switch'
  | 'order/kill-switch/status'
  | 'orders'
  | 'trade-account'
  | 'profile/websocket_token';

/** `limit` requests per `windowMs`, as WhiteBIT publishes it (per IP). */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

const TEN_S = 10_000;

/**
 * WhiteBIT's published REST limits (§6). Two choices:
 * - `/api/v4/orders`: the new docs say 12000/10 s, the old docs and JKorf 1000/10 s; we budget 1000.
 * - `trade-account/*` is one 12000/10 s scope shared by balance, executed-history, order and
 *   order/history, so they share one bucket. The `public/*` scope (20000/10 s) is not modelled: the
 *   per-endpoint public buckets sum to 8600/10 s, below it.
 */
export const PUBLISHED_LIMITS: Readonly<Record<RateGroup, RateLimit>> = {
  'public/markets': { limit: 2000, windowMs: TEN_S },
  'public/ticker': { limit: 2000, windowMs: TEN_S },
  'public/time': { limit: 2000, windowMs: TEN_S },
  'public/ping': { limit: 2000, windowMs: TEN_S },
  'public/orderbook': { limit: 600, windowMs: TEN_S },
  /** Every `/api/v1/*` endpoint shares this one (whitebit-protocol-2.md §3). */
  'public/v1': { limit: 1000, windowMs: TEN_S },
  'order/new': { limit: 10_000, windowMs: TEN_S },
  'order/bulk': { limit: 10_000, windowMs: TEN_S },
  'order/cancel': { limit: 10_000, windowMs: TEN_S },
  'order/cancel/all': { limit: 10_000, windowMs: TEN_S },
  'order/kill-switch': { limit: 10_000, windowMs: TEN_S },
  'order/kill-switch/status': { limit: 10_000, windowMs: TEN_S },
  orders: { limit: 1000, windowMs: TEN_S },
  'trade-account': { limit: 12_000, windowMs: TEN_S },
  'profile/websocket_token': { limit: 10, windowMs: 60_000 },
};

export interface Endpoint {
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly group: RateGroup;
  /**
   * Whether sending the call twice has the effect of sending it once. A non-idempotent call that
   * fails after it was sent (5xx, timeout, lost socket) is an unknown outcome, never retried here.
   */
  readonly idempotent: boolean;
}

const get = (path: string, group: RateGroup): Endpoint => ({ path, method: 'GET', group, idempotent: true });
const post = (path: string, group: RateGroup, idempotent: boolean): Endpoint => ({
  path,
  method: 'POST',
  group,
  idempotent,
});

export const ENDPOINTS = {
  markets: get('/api/v4/public/markets', 'public/markets'),
  ticker: get('/api/v4/public/ticker', 'public/ticker'),
  time: get('/api/v4/public/time', 'public/time'),
  ping: get('/api/v4/public/ping', 'public/ping'),
  /** The market is appended to this path. */
  orderbook: get('/api/v4/public/orderbook', 'public/orderbook'),
  /** v1 candles (whitebit-protocol-2.md §2.4): the only v1 endpoint we call. */
  kline: get('/api/v1/public/kline', 'public/v1'),
  balance: post('/api/v4/trade-account/balance', 'trade-account', true),
  orderNew: post('/api/v4/order/new', 'order/new', false),
  orderBulk: post('/api/v4/order/bulk', 'order/bulk', false),
  /**
   * Idempotent by orderId (ids are never reused). By clientOrderId it is not: the id becomes free
   * once the order finishes, so a blind repeat could cancel a successor; the client overrides it.
   */
  orderCancel: post('/api/v4/order/cancel', 'order/cancel', true),
  orderCancelAll: post('/api/v4/order/cancel/all', 'order/cancel/all', true),
  orders: post('/api/v4/orders', 'orders', true),
  executedHistory: post('/api/v4/trade-account/executed-history', 'trade-account', true),
  orderDeals: post('/api/v4/trade-account/order', 'trade-account', true),
  orderHistory: post('/api/v4/trade-account/order/history', 'trade-account', true),
  killSwitch: post('/api/v4/order/kill-switch', 'order/kill-switch', true),
  killSwitchStatus: post('/api/v4/order/kill-switch/status', 'order/kill-switch/status', true),
  websocketToken: post('/api/v4/profile/websocket_token', 'profile/websocket_token', true),
} as const satisfies Record<string, Endpoint>;
