/**
 * The WhiteBIT v4 REST client: one method per endpoint, named after the endpoint, over an undici
 * `Pool` with keep-alive. Responses are decoded once into the `Wb*` wire types; prices and amounts
 * stay decimal strings.
 *
 * Every method takes `{ signal }` and rejects only with a {@link WhitebitError}; use `kind` and
 * `retryClass(e)` to decide. Before anything is sent, inputs the protocol doc is clear about are
 * checked (`invalidRequest`). Idempotent calls are retried on gateway 429, 5xx and lost connections
 * with exponential backoff and jitter; order/new and order/bulk are retried only when nothing can
 * have executed (connect failure, gateway 429, nonce clash), never after a 5xx or a lost socket.
 * Every call has a total deadline (`deadlineMs`, headers and body, retries included): an answer that
 * trickles in never holds a caller for longer.
 *
 * Hot path: validation, the rate-limit token, the nonce, the signature and the dispatch to undici
 * all run synchronously in the caller's tick when a token is available (PERF.md).
 * @see whitebit-protocol.md §2–§6
 */
import { Pool } from 'undici';
import type { z } from 'zod';
import { type Clock, sleep, systemClock } from './clock.js';
import { tryParseJson } from './codec/error-body.js';
import { WhitebitError, bulkItemError, classifyHttpError } from './codec/errors.js';
import type {
  WbActiveOrdersRequest,
  WbBalance,
  WbBulkOrderRequest,
  WbCancelAllRequest,
  WbCancelOrderRequest,
  WbDeal,
  WbExecutedHistoryRequest,
  WbHistoryOrder,
  WbKillSwitch,
  WbKillSwitchArmRequest,
  WbKline,
  WbMarket,
  WbNewOrderRequest,
  WbOrder,
  WbOrderDeals,
  WbOrderDealsRequest,
  WbOrderHistoryRequest,
  WbOrderKindType,
  WbOrderbook,
  WbTicker,
  WbTime,
} from './codec/rest-models.js';
import {
  decodeJson,
  serverTimeMs,
  wbBalanceSchema,
  wbBalancesSchema,
  wbBulkSchema,
  wbDealsByMarketSchema,
  wbDealsSchema,
  wbEmptyArraySchema,
  wbKillSwitchSchema,
  wbKillSwitchStatusSchema,
  wbKlineReplySchema,
  wbMarketsSchema,
  wbOrderDealsSchema,
  wbOrderHistorySchema,
  wbOrderSchema,
  wbOrderbookSchema,
  wbOrdersSchema,
  wbPingSchema,
  wbTickersSchema,
  wbTimeSchema,
  wbWebsocketTokenSchema,
} from './codec/rest-schemas.js';
import { checkActiveOrders, checkBulk, checkCancel, checkCancelAll, checkKillSwitchArm, checkNewOrder } from './codec/rest-validation.js';
import { ENDPOINTS, type Endpoint, PUBLISHED_LIMITS, type RateGroup, type RateLimit } from './endpoints.js';
import { type HttpResponse, exchange } from './http-exchange.js';
import { NONCE_WINDOW, NonceSource } from './nonce.js';
import { RateLimiter } from './rate-limiter.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, decideRetry } from './retry.js';
import { RequestSigner } from './signer.js';

export interface WhitebitRestClientOptions {
  /** Origin only, e.g. `https://whitebit.com` or `http://127.0.0.1:8080` (no path). */
  readonly baseUrl: string;
  /** Needed for private calls only. */
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly clock?: Clock;
  /** Uniform [0, 1) source for backoff jitter. */
  readonly random?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-group limits (defaults: {@link PUBLISHED_LIMITS}); `false` turns client-side limiting off. */
  readonly rateLimits?: Partial<Record<RateGroup, RateLimit>> | false;
  /** Time allowed for response headers and between body chunks (default 10 s). */
  readonly timeoutMs?: number;
  /**
   * Time one call may take in all, from its first request to the last byte of its answer, retries
   * and backoff included (default {@link DEFAULT_REST_DEADLINE_MS}). Past it the call rejects: a
   * request on the wire as `unknownOutcome`, a backoff cut short with the error that caused it.
   * Keep it well below the kill-switch timeout: a refresh must be able to fail and be retried in time.
   */
  readonly deadlineMs?: number;
  readonly connectTimeoutMs?: number;
  /** Keep-alive sockets in the pool (default 8). */
  readonly connections?: number;
  readonly maxResponseBytes?: number;
  /** Told the duration and outcome of every HTTP attempt and every rate-limit wait (metrics). */
  readonly observer?: RestObserver;
}

/**
 * What the client reports about its own traffic, for metrics. Called synchronously; must not throw.
 * Without an observer the client reads no clock for it.
 */
export interface RestObserver {
  /**
   * One HTTP attempt ended (a retried call reports each attempt). `endpoint` is the endpoint's path
   * without the market suffix of the order book, so the label stays bounded; `outcome` is `ok` or the
   * {@link WhitebitError} kind (`server` for a 5xx, `rateLimited` or `nonceClash` for a 429, …);
   * `status` the HTTP status when an answer came.
   */
  request(endpoint: string, outcome: string, seconds: number, status: number | undefined): void;
  /** A call took a rate-limit token of `group` after `seconds` (0 when one was there at once). */
  limiterWait(group: string, seconds: number): void;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** One item of an order/bulk answer, aligned with the request's `orders`. */
export type WbBulkResult =
  | { readonly status: 'placed'; readonly order: WbOrder }
  | { readonly status: 'rejected'; readonly error: WhitebitError }
  /** `stopOnFail` stopped before this item: it was not processed. */
  | { readonly status: 'skipped' };

/** The default of {@link WhitebitRestClientOptions.deadlineMs}. */
export const DEFAULT_REST_DEADLINE_MS = 10_000;

const NO_PARAMS = Object.freeze({});
const MARKET_IN_PATH = /^[A-Za-z0-9_-]{1,40}$/;

export class WhitebitRestClient {
  /** The nonce counter; call `setOffset` after reading /public/time to correct clock skew. */
  readonly nonce: NonceSource;
  private readonly pool: Pool;
  private readonly signer: RequestSigner | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly policy: RetryPolicy;
  private readonly limiter: RateLimiter<RateGroup> | undefined;
  private readonly maxResponseBytes: number;
  private readonly deadlineMs: number;
  private readonly observer: RestObserver | undefined;

  constructor(options: WhitebitRestClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.pathname !== '/' || url.search !== '') {
      throw new TypeError('baseUrl must be an origin without path or query (the signed `request` is the full path)');
    }
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.nonce = new NonceSource(this.clock);
    this.signer = options.apiKey !== undefined && options.apiSecret !== undefined ? new RequestSigner(options.apiKey, options.apiSecret) : undefined;
    this.limiter = options.rateLimits === false ? undefined : new RateLimiter<RateGroup>({ ...PUBLISHED_LIMITS, ...options.rateLimits }, { clock: this.clock });
    const timeout = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 32 * 1024 * 1024;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_REST_DEADLINE_MS;
    this.observer = options.observer;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 8,
      pipelining: 1,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
    });
  }

  /** Closes the keep-alive sockets after in-flight requests finish. */
  close(): Promise<void> {
    return this.pool.close();
  }

  // ---------------- public ----------------

  /** GET /api/v4/public/markets: spot and futures markets (filter `type === "spot"`). @see §3.1 */
  publicMarkets(o: CallOptions = {}): Promise<WbMarket[]> {
    return this.call(ENDPOINTS.markets, undefined, wbMarketsSchema, o);
  }

  /** GET /api/v4/public/ticker: keyed by market. @see §3.2 */
  publicTicker(o: CallOptions = {}): Promise<Record<string, WbTicker>> {
    return this.call(ENDPOINTS.ticker, undefined, wbTickersSchema, o);
  }

  /**
   * GET /api/v4/public/orderbook/{market}. `limit` 0–100 (0 = 100), `level` 0–10 (aggregation).
   * @throws WhitebitError `unknownMarket` (422), `invalidRequest`
   * @see §3.3
   */
  publicOrderbook(market: string, q: { limit?: number; level?: number } = {}, o: CallOptions = {}): Promise<WbOrderbook> {
    if (!MARKET_IN_PATH.test(market)) return this.invalid(ENDPOINTS.orderbook, 'market', 'must match [A-Za-z0-9_-]{1,40}');
    if (q.limit !== undefined && !(Number.isInteger(q.limit) && q.limit >= 0 && q.limit <= 100)) {
      return this.invalid(ENDPOINTS.orderbook, 'limit', 'must be an integer 0-100');
    }
    if (q.level !== undefined && !(Number.isInteger(q.level) && q.level >= 0 && q.level <= 10)) {
      return this.invalid(ENDPOINTS.orderbook, 'level', 'must be an integer 0-10');
    }
    const query = new URLSearchParams();
    if (q.limit !== undefined) query.set('limit', String(q.limit));
    if (q.level !== undefined) query.set('level', String(q.level));
    const qs = query.size > 0 ? `?${query.toString()}` : '';
    return this.call(ENDPOINTS.orderbook, undefined, wbOrderbookSchema, o, { suffix: `/${market}${qs}` });
  }

  /** GET /api/v4/public/time. Use {@link serverTimeMs} on the result (seconds vs ms, §1). @see §3.4 */
  publicTime(o: CallOptions = {}): Promise<WbTime> {
    return this.call(ENDPOINTS.time, undefined, wbTimeSchema, o);
  }

  /**
   * GET /api/v1/public/kline: candles of `market` opening in [start, end] (Unix seconds, both
   * given, so the docs' "limit recomputes start" and ccxt's "from start" read the same window).
   * A `success:false` answer (HTTP 200, a field map in `message`) rejects as `unknownMarket` or
   * `invalidRequest`. @see whitebit-protocol-2.md §2.4
   */
  async publicKline(q: { market: string; interval: string; start: number; end: number; limit: number }, o: CallOptions = {}): Promise<WbKline[]> {
    const query = new URLSearchParams({ market: q.market, interval: q.interval, start: String(q.start), end: String(q.end), limit: String(q.limit) });
    const ep = ENDPOINTS.kline;
    const reply = await this.call(ep, undefined, wbKlineReplySchema, o, { suffix: `?${query.toString()}` });
    if (reply.success && reply.result !== null) return [...reply.result];
    const errors = (typeof reply.message === 'object' && reply.message !== null ? reply.message : { message: [String(reply.message)] }) as Record<
      string,
      string[]
    >;
    const text = JSON.stringify(reply.message);
    throw new WhitebitError({
      kind: 'market' in errors ? 'unknownMarket' : 'invalidRequest',
      message: `${ep.path}: ${text}`,
      errors,
      status: 200,
      endpoint: ep.path,
    });
  }

  /** GET /api/v4/public/ping → `["pong"]`. @see §3.4 */
  publicPing(o: CallOptions = {}): Promise<string[]> {
    return this.call(ENDPOINTS.ping, undefined, wbPingSchema, o);
  }

  /**
   * Reads /public/time and sets the nonce offset so window-mode nonces stay within ±5 s of the
   * server. Returns the offset in ms (server minus local, at the midpoint of the round trip).
   */
  async syncTime(o: CallOptions = {}): Promise<number> {
    const before = this.clock.now();
    const t = await this.publicTime(o);
    const after = this.clock.now();
    const offset = serverTimeMs(t) - (before + after) / 2;
    // Seconds resolution: only correct skews the ±5 s window would notice.
    this.nonce.setOffset(Math.abs(offset) > 1500 ? offset : 0);
    return offset;
  }

  // ---------------- private: account ----------------

  /** POST /api/v4/trade-account/balance: every non-zero asset, or one asset (flat). @see §4.1 */
  tradeAccountBalance(params?: Record<string, never>, o?: CallOptions): Promise<Record<string, WbBalance>>;
  tradeAccountBalance(params: { ticker: string }, o?: CallOptions): Promise<WbBalance>;
  tradeAccountBalance(params: { ticker?: string } = {}, o: CallOptions = {}): Promise<Record<string, WbBalance> | WbBalance> {
    return params.ticker === undefined
      ? this.call(ENDPOINTS.balance, NO_PARAMS, wbBalancesSchema, o)
      : this.call(ENDPOINTS.balance, { ticker: params.ticker }, wbBalanceSchema, o);
  }

  /** POST /api/v4/profile/websocket_token → the token (10 per 60 s: reuse it briefly). @see §4.13 */
  async websocketToken(o: CallOptions = {}): Promise<string> {
    const r = await this.call(ENDPOINTS.websocketToken, NO_PARAMS, wbWebsocketTokenSchema, o);
    return r.websocket_token;
  }

  // ---------------- private: orders ----------------

  /**
   * POST /api/v4/order/new (limit). Not idempotent: a 5xx or lost socket after sending rejects
   * with retryClass `unknownOutcome`; look the order up by clientOrderId before re-placing.
   * @throws WhitebitError `notEnoughBalance`, `postOnlyRejected`, `unknownMarket`, `duplicateClientOrderId`, `rejected`, ...
   * @see §4.2
   */
  orderNew(req: WbNewOrderRequest, o: CallOptions = {}): Promise<WbOrder> {
    const bad = checkNewOrder(req);
    if (bad) return Promise.reject(bad);
    return this.call(ENDPOINTS.orderNew, req, wbOrderSchema, o);
  }

  /**
   * POST /api/v4/order/bulk: 1–20 orders on one market. Resolves with one result per requested
   * order, in order; per-item rejections are values, not throws. Not idempotent.
   * @see §4.3
   */
  async orderBulk(req: WbBulkOrderRequest, o: CallOptions = {}): Promise<WbBulkResult[]> {
    const bad = checkBulk(req);
    if (bad) throw bad;
    const ep = ENDPOINTS.orderBulk;
    const items = await this.call(ep, req, wbBulkSchema, o);
    const n = req.orders.length;
    if (items.length > n || (items.length < n && req.stopOnFail !== true)) {
      throw new WhitebitError({
        kind: 'decode',
        message: `order/bulk answered ${items.length} items for ${n} orders`,
        status: 200,
        endpoint: ep.path,
        idempotent: false,
        sent: true,
        body: JSON.stringify(items),
      });
    }
    const out: WbBulkResult[] = [];
    for (let i = 0; i < n; i++) {
      const it = items[i];
      if (it === undefined) out.push({ status: 'skipped' });
      else if (it.result !== null) out.push({ status: 'placed', order: it.result });
      else out.push({ status: 'rejected', error: bulkItemError(it.error ?? {}, ep.path) });
    }
    return out;
  }

  /**
   * POST /api/v4/order/cancel by `orderId` or `clientOrderId` (exactly one). A cancel by orderId
   * is retried like a read; by clientOrderId it is not (the id may be reused once freed).
   * @throws WhitebitError `orderNotFound` (already filled, cancelled or unknown), `invalidRequest`, ...
   * @see §4.4
   */
  orderCancel(req: WbCancelOrderRequest, o: CallOptions = {}): Promise<WbOrder> {
    const bad = checkCancel(req);
    if (bad) return Promise.reject(bad);
    const params = req.orderId !== undefined ? { market: req.market, orderId: req.orderId } : { market: req.market, clientOrderId: req.clientOrderId };
    return this.call(ENDPOINTS.orderCancel, params, wbOrderSchema, o, { idempotent: req.orderId !== undefined });
  }

  /**
   * POST /api/v4/order/cancel/all for one market; resolves when WhiteBIT has cancelled them.
   * Pass `type: ["spot"]` to leave margin/futures orders alone. @see §4.6, §8.2
   */
  async orderCancelAll(req: WbCancelAllRequest, o: CallOptions = {}): Promise<void> {
    const bad = checkCancelAll(req);
    if (bad) throw bad;
    await this.call(ENDPOINTS.orderCancelAll, req, wbEmptyArraySchema, o);
  }

  /** POST /api/v4/orders: active orders, one page (a page shorter than `limit` is the last). @see §4.9 */
  orders(req: WbActiveOrdersRequest = {}, o: CallOptions = {}): Promise<WbOrder[]> {
    const bad = checkActiveOrders(req);
    if (bad) return Promise.reject(bad);
    return this.call(ENDPOINTS.orders, req, wbOrdersSchema, o);
  }

  /**
   * POST /api/v4/trade-account/executed-history: a flat list with `market`, an object keyed by
   * market without it. Newest first. @see §4.10
   */
  executedHistory(req: WbExecutedHistoryRequest & { market: string }, o?: CallOptions): Promise<WbDeal[]>;
  executedHistory(req?: WbExecutedHistoryRequest & { market?: undefined }, o?: CallOptions): Promise<Record<string, WbDeal[]>>;
  executedHistory(req: WbExecutedHistoryRequest = {}, o: CallOptions = {}): Promise<WbDeal[] | Record<string, WbDeal[]>> {
    return req.market === undefined
      ? this.call(ENDPOINTS.executedHistory, req, wbDealsByMarketSchema, o)
      : this.call(ENDPOINTS.executedHistory, req, wbDealsSchema, o);
  }

  /** POST /api/v4/trade-account/order: deals of one order (empty `records` if unknown). @see §4.11 */
  tradeAccountOrder(req: WbOrderDealsRequest, o: CallOptions = {}): Promise<WbOrderDeals> {
    if (!Number.isSafeInteger(req.orderId) || req.orderId <= 0) {
      return this.invalid(ENDPOINTS.orderDeals, 'orderId', 'must be a positive integer');
    }
    return this.call(ENDPOINTS.orderDeals, req, wbOrderDealsSchema, o);
  }

  /**
   * POST /api/v4/trade-account/order/history: finished orders keyed by market. With
   * `clientOrderId` (and `market`) it answers "was my unanswered order accepted?". @see §4.12
   */
  orderHistory(req: WbOrderHistoryRequest = {}, o: CallOptions = {}): Promise<Record<string, WbHistoryOrder[]>> {
    return this.call(ENDPOINTS.orderHistory, req, wbOrderHistorySchema, o);
  }

  // ---------------- private: kill-switch ----------------

  /**
   * POST /api/v4/order/kill-switch: arms or re-arms the market's timer (`timeout` "5"…"600").
   * @see §4.8
   */
  killSwitchArm(req: WbKillSwitchArmRequest, o: CallOptions = {}): Promise<WbKillSwitch> {
    const bad = checkKillSwitchArm(req);
    if (bad) return Promise.reject(bad);
    const params: { market: string; timeout: string; types?: readonly WbOrderKindType[] } = {
      market: req.market,
      timeout: req.timeout,
    };
    if (req.types !== undefined) params.types = req.types;
    return this.call(ENDPOINTS.killSwitch, params, wbKillSwitchSchema, o);
  }

  /** POST /api/v4/order/kill-switch with `timeout: null`: removes the market's timer. @see §4.8 */
  async killSwitchDisarm(market: string, o: CallOptions = {}): Promise<void> {
    const bad = checkCancelAll({ market });
    if (bad) throw bad;
    await this.call(ENDPOINTS.killSwitch, { market, timeout: null }, wbEmptyArraySchema, o);
  }

  /** POST /api/v4/order/kill-switch/status: active timers, for one market or all. @see §4.8 */
  killSwitchStatus(req: { market?: string } = {}, o: CallOptions = {}): Promise<WbKillSwitch[]> {
    return this.call(ENDPOINTS.killSwitchStatus, req, wbKillSwitchStatusSchema, o);
  }

  // ---------------- machinery ----------------

  private invalid(ep: Endpoint, field: string, message: string): Promise<never> {
    return Promise.reject(
      new WhitebitError({ kind: 'invalidRequest', message: `${ep.path}: ${field}: ${message}`, errors: { [field]: [message] }, endpoint: ep.path }),
    );
  }

  /**
   * Sends `ep` with retries. The first attempt reaches undici synchronously when a rate-limit
   * token is available: nothing before `this.attempt()` awaits.
   */
  private async call<T>(
    ep: Endpoint,
    params: object | undefined,
    schema: z.ZodType<T>,
    o: CallOptions,
    extra: { suffix?: string; idempotent?: boolean } = {},
  ): Promise<T> {
    const idempotent = extra.idempotent ?? ep.idempotent;
    const path = extra.suffix === undefined ? ep.path : ep.path + extra.suffix;
    const state = { attempts: 0, backoffs: 0, nonceRetried: false };
    const observer = this.observer;
    // On the client's clock, set at the first request (a wait for the first rate-limit token sends nothing).
    let deadlineAt = 0;
    let lastError: unknown;
    for (;;) {
      if (this.limiter) {
        if (this.limiter.tryTake(ep.group)) observer?.limiterWait(ep.group, 0);
        else {
          const waitStart = observer ? performance.now() : 0;
          await this.limiter.take(ep.group, o.signal);
          observer?.limiterWait(ep.group, (performance.now() - waitStart) / 1000);
        }
      }
      if (state.attempts === 0) deadlineAt = this.clock.now() + this.deadlineMs;
      else if (this.clock.now() >= deadlineAt) throw lastError;
      state.attempts++;
      // Read the clock only for an observer: the dispatch below stays synchronous either way.
      const start = observer ? performance.now() : 0;
      try {
        const res = await this.attempt(ep, path, params, idempotent, o.signal, deadlineAt);
        const value = this.decode(res, ep, schema, idempotent);
        observer?.request(ep.path, 'ok', (performance.now() - start) / 1000, res.status);
        return value;
      } catch (e) {
        if (observer) {
          const we = e instanceof WhitebitError ? e : null;
          observer.request(ep.path, we?.kind ?? 'error', (performance.now() - start) / 1000, we?.status);
        }
        const d = decideRetry(e, state, this.random, this.policy);
        if (d.action === 'surface') throw e;
        // A retry that could not be answered before the deadline is not tried: the caller decides now.
        if (this.clock.now() + d.delayMs >= deadlineAt) throw e;
        lastError = e;
        if (d.reason === 'nonce') state.nonceRetried = true;
        else state.backoffs++;
        if (d.delayMs > 0) await this.pause(d.delayMs, ep, idempotent, o.signal);
      }
    }
  }

  private pause(ms: number, ep: Endpoint, idempotent: boolean, signal: AbortSignal | undefined): Promise<void> {
    return sleep(this.clock, ms, signal).catch((reason: unknown) => {
      throw new WhitebitError({
        kind: 'aborted',
        message: 'aborted while backing off',
        endpoint: ep.path,
        idempotent,
        cause: reason,
      });
    });
  }

  private attempt(
    ep: Endpoint,
    path: string,
    params: object | undefined,
    idempotent: boolean,
    signal: AbortSignal | undefined,
    deadlineAt: number,
  ): Promise<HttpResponse> {
    const ctx = { endpoint: ep.path, idempotent, maxResponseBytes: this.maxResponseBytes, deadlineMs: deadlineAt - this.clock.now() };
    if (ep.method === 'GET') {
      return exchange(this.pool, { method: 'GET', path, headers: { accept: 'application/json' } }, signal, ctx);
    }
    if (!this.signer) {
      return Promise.reject(new WhitebitError({ kind: 'unauthorized', message: `${ep.path} needs apiKey and apiSecret`, endpoint: ep.path, idempotent }));
    }
    // A fresh nonce per attempt: a retry after a nonce clash must not repeat it.
    const signed = this.signer.sign(path, params ?? NO_PARAMS, this.nonce.next(), NONCE_WINDOW);
    return exchange(this.pool, { method: 'POST', path, headers: { accept: 'application/json', ...signed.headers }, body: signed.body }, signal, ctx);
  }

  private decode<T>(res: HttpResponse, ep: Endpoint, schema: z.ZodType<T>, idempotent: boolean): T {
    if (res.status < 200 || res.status > 299) {
      throw classifyHttpError(res.status, res.body, {
        endpoint: ep.path,
        idempotent,
        retryAfterMs: retryAfterMs(res.headers['retry-after']),
      });
    }
    const json = tryParseJson(res.body);
    const r = json === undefined ? ({ ok: false, reason: 'body is not JSON' } as const) : decodeJson(schema, json);
    if (r.ok) return r.value;
    throw new WhitebitError({
      kind: 'decode',
      message: `${ep.path}: malformed response: ${r.reason}`,
      status: res.status,
      body: res.body,
      endpoint: ep.path,
      idempotent,
      sent: true,
    });
  }
}

function retryAfterMs(h: string | string[] | undefined): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim()) * 1000;
}
