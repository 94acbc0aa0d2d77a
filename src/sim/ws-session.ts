/**
 * One WebSocket connection: its authorization, its subscriptions and its timers.
 *
 * Subscription semantics follow WhiteBIT (protocol §7.5): a `X_subscribe` REPLACES that channel's
 * previous subscription on this connection; `depth_subscribe` with 4th param `true` adds one
 * market, with `false` (or absent) drops all other depth subscriptions first. Private channels and
 * queries before `authorize` get error 6. Unknown markets get error 9 `market X does not exist`.
 * A request beyond the connection's budget (ws-budgets.ts) gets error 7. Invalid JSON closes the
 * socket. No client message for `idleTimeoutMs` closes it too.
 *
 * Order-management methods (ws-orders.ts) run on the engine synchronously; the pushes they cause
 * are held and sent after the reply (or before it, under the `pushesBeforeReply` fault).
 *
 * The market-data channels `market_*`, `trades_*`, `candles_*`, `bookTicker_*` and `ordersExecuted_*`
 * live in channels/*.ts (the contract is channels/channel.ts) and are registered in CHANNELS below.
 *
 * Outgoing frames go through the fault layer per channel (drop / duplicate / reorder / delay /
 * corrupt / binary).
 *
 * @see whitebit-protocol.md §7
 */
import type { WebSocket } from 'ws';
import { bookTickerChannel } from './channels/book-ticker.js';
import { candlesChannel } from './channels/candles.js';
import {
  RequestError,
  WS_ERR,
  checkMarket,
  marketList,
  type Channel,
  type ChannelFactory,
  type Handler,
  type PushChannel,
  type WsError,
} from './channels/channel.js';
import { marketChannel } from './channels/market.js';
import { ordersExecutedChannel } from './channels/orders-executed.js';
import { tradesChannel } from './channels/trades.js';
import { TimerGroup, type Cancel, type SimClock } from './clock.js';
import { fmt } from './decimal.js';
import { DEPTH_INTERVALS, DEPTH_LIMITS, depthView, diffViews, type DepthView } from './depth-view.js';
import type { SimEvent } from './events.js';
import type { Exchange } from './exchange.js';
import type { FrameChannel, Faults } from './faults.js';
import { WsBudgets, type WsBudgetOptions } from './ws-budgets.js';
import { WS_ERRORS } from './ws-order-codec.js';
import { handleOrderMethod, isOrderMethod, type WsOrderOutcome } from './ws-orders.js';
import { toDealTuple, toSeconds, toWsDealRecord, toWsOrder } from './wire-format.js';
import type { WsTokens } from './ws-tokens.js';

export interface WsSessionDeps {
  readonly exchange: Exchange;
  readonly clock: SimClock;
  readonly faults: Faults;
  readonly tokens: WsTokens;
  readonly idleTimeoutMs: number;
  readonly budgets: WsBudgetOptions;
  readonly lastpriceIntervalMs: number;
  readonly depthIntervalMs: number;
  readonly depthKeepaliveMs: number;
  readonly balanceIntervalMs: number;
  /** False: new connections are closed at once (see SimulatorOptions.available). */
  readonly available?: () => boolean;
}

const ERR = {
  ...WS_ERR,
  methodNotFound: { code: 4, message: 'method not found' },
  tooManyRequests: { code: 7, message: 'too many requests' },
  regionSpot: WS_ERRORS.regionSpot,
} as const satisfies Record<string, WsError | ((m: string) => WsError)>;

/** Channels in their own files (channels/*.ts), one line each. */
const CHANNELS: readonly ChannelFactory[] = [marketChannel, tradesChannel, candlesChannel, bookTickerChannel, ordersExecutedChannel];

const SUCCESS = { status: 'success' };

interface DepthSub {
  readonly market: string;
  readonly limit: number;
  readonly interval: string;
  view: DepthView;
  lastUpdateId: number;
  lastPushMs: number;
  flush: Cancel | null;
  keepalive: Cancel | null;
}

type MarketSet = Set<string> | 'all';

export class WsSession {
  accountId: string | null = null;
  private readonly timers: TimerGroup;
  private readonly budget: WsBudgets;
  /** While an order request runs: the pushes it causes, held until its reply is out. */
  private heldPushes: [Exclude<FrameChannel, '*' | 'reply' | 'orderReply'>, string][] | null = null;
  private idle: Cancel | null = null;
  private lastprice: Set<string> | null = null;
  private lastpriceTimer: Cancel | null = null;
  private readonly depth = new Map<string, DepthSub>();
  private deals: MarketSet | null = null;
  private ordersPending: MarketSet | null = null;
  private balanceSpot: MarketSet | null = null;
  private pendingBalances = new Set<string>();
  private balanceFlush: Cancel | null = null;
  private lastBalancePushMs = -Infinity;
  private readonly held = new Map<string, string>();
  private closed = false;
  private readonly channels: readonly Channel[];
  private readonly channelMethods = new Map<string, Handler>();

  constructor(
    readonly serial: number,
    private readonly ws: WebSocket,
    private readonly deps: WsSessionDeps,
  ) {
    this.timers = new TimerGroup(deps.clock);
    this.budget = new WsBudgets(deps.budgets, deps.clock.now());
    this.armIdle();
    this.channels = CHANNELS.map((make) =>
      make({
        exchange: deps.exchange,
        clock: deps.clock,
        timers: this.timers,
        accountId: () => this.accountId,
        push: (channel, method, params) => this.push(channel, method, params),
      }),
    );
    for (const c of this.channels) for (const [name, handler] of Object.entries(c.methods)) this.channelMethods.set(name, handler);
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : String(data)));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  /** Drops the connection without a close handshake (the client sees 1006), as a network fault would. */
  private drop(): void {
    if (this.closed) return;
    this.ws.terminate();
    this.dispose();
  }

  /** Closes the connection (fault injection or shutdown). */
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.dispose();
  }

  /** Routes one exchange event to this connection's subscriptions. */
  onEvent(e: SimEvent): void {
    for (const c of this.channels) c.onEvent?.(e);
    switch (e.type) {
      case 'depth': {
        const sub = this.depth.get(e.market);
        if (sub) this.scheduleDepth(sub);
        return;
      }
      case 'order':
        if (e.accountId === this.accountId && includes(this.ordersPending, e.order.market)) {
          this.push('ordersPending', 'ordersPending_update', [e.event, toWsOrder(e.order)]);
        }
        return;
      case 'deal':
        if (e.accountId === this.accountId && includes(this.deals, e.deal.market)) {
          this.push('deals', 'deals_update', toDealTuple(e.deal));
        }
        return;
      case 'balance':
        if (e.accountId === this.accountId && this.balanceSpot) {
          for (const asset of e.assets) if (includes(this.balanceSpot, asset)) this.pendingBalances.add(asset);
          this.scheduleBalances();
        }
        return;
      default:
        return;
    }
  }

  // ---- inbound -------------------------------------------------------------------------------

  private onMessage(text: string): void {
    if (this.closed) return;
    this.armIdle();
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      // WhiteBIT closes the connection on invalid JSON instead of answering.
      this.close(1007, 'invalid json');
      return;
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as { id?: unknown; method?: unknown; params?: unknown };
    const id = typeof m.id === 'number' || typeof m.id === 'string' ? m.id : null;
    if (!this.budget.take(m.method, this.deps.clock.now())) {
      return this.reply(id, null, ERR.tooManyRequests, typeof m.method === 'string' && isOrderMethod(m.method));
    }
    if (typeof m.method === 'string' && isOrderMethod(m.method)) return this.onOrder(id, m.method, m.params);
    if (typeof m.method !== 'string' || (m.params !== undefined && !Array.isArray(m.params))) {
      return this.reply(id, null, ERR.invalidArgument);
    }
    const params = (m.params ?? []) as unknown[];
    const handler = this.handlers[m.method] ?? this.channelMethods.get(m.method);
    if (!handler) return this.reply(id, null, ERR.methodNotFound);
    try {
      const after = handler(params);
      this.reply(id, after.result, null);
      after.then?.();
    } catch (err) {
      if (err instanceof RequestError) this.reply(id, null, err.wsError);
      else throw err;
    }
  }

  /** Runs one order request with its pushes held, then sends reply and pushes in the faults' order. */
  private onOrder(id: number | string | null, method: string, params: unknown): void {
    const fault = this.deps.faults.decideOrder(this.serial, method.endsWith('_place'), this.accountId !== null);
    if (fault.regionRefused) return this.reply(id, null, ERR.regionSpot, true);
    if (fault.placeBudgetSpent) return this.reply(id, null, ERR.tooManyRequests, true);
    const held: NonNullable<typeof this.heldPushes> = [];
    this.heldPushes = held;
    let outcome: WsOrderOutcome;
    try {
      outcome = handleOrderMethod({ exchange: this.deps.exchange, accountId: this.accountId, nowMs: this.deps.clock.now() }, method, params);
    } finally {
      this.heldPushes = null;
    }
    if (fault.dropConnection) return this.drop();
    const flush = (): void => {
      for (const [channel, text] of held) this.send(channel, text);
    };
    if (fault.pushesFirst) flush();
    this.reply(id, outcome.ok ? outcome.result : null, outcome.ok ? null : outcome.error, true);
    if (!fault.pushesFirst) flush();
  }

  /** Method → handler; `then` runs after the reply is sent (a depth snapshot follows its reply). */
  private readonly handlers: Record<string, Handler> = {
    ping: () => ({ result: 'pong' }),
    time: () => ({ result: Math.floor(this.deps.clock.now() / 1000) }),
    authorize: (params) => {
      const token = params[0];
      const accountId = typeof token === 'string' ? this.deps.tokens.resolve(token, this.deps.clock.now()) : undefined;
      if (!accountId) throw new RequestError(ERR.invalidArgument);
      this.accountId = accountId;
      return { result: SUCCESS };
    },

    lastprice_subscribe: (params) => {
      const markets = this.marketList(params);
      this.lastprice = new Set(markets);
      this.lastpriceTimer?.();
      this.lastpriceTimer = this.timers.every(this.deps.lastpriceIntervalMs, () => this.pushLastPrices());
      return { result: SUCCESS, then: () => this.pushLastPrices() };
    },
    lastprice_unsubscribe: () => {
      this.lastprice = null;
      this.lastpriceTimer?.();
      this.lastpriceTimer = null;
      return { result: SUCCESS };
    },
    lastprice_request: (params) => {
      const [market] = this.marketList(params.slice(0, 1));
      if (market === undefined) throw new RequestError(ERR.invalidArgument);
      return { result: fmt(this.deps.exchange.lastPrice(market)) };
    },

    depth_subscribe: (params) => {
      const [market, limit, interval, multi] = params;
      this.checkMarket(market);
      const lim = limit ?? 100;
      const intv = interval ?? '0';
      if (typeof lim !== 'number' || !DEPTH_LIMITS.includes(lim)) throw new RequestError(ERR.invalidArgument);
      if (typeof intv !== 'string' || !DEPTH_INTERVALS.includes(intv)) throw new RequestError(ERR.invalidArgument);
      if (multi !== undefined && typeof multi !== 'boolean') throw new RequestError(ERR.invalidArgument);
      if (multi !== true) for (const sub of [...this.depth.values()]) this.dropDepth(sub.market);
      else this.dropDepth(market);
      const sub: DepthSub = {
        market,
        limit: lim,
        interval: intv,
        view: { asks: [], bids: [] },
        lastUpdateId: 0,
        lastPushMs: -Infinity,
        flush: null,
        keepalive: null,
      };
      this.depth.set(market, sub);
      return { result: SUCCESS, then: () => this.pushSnapshot(sub) };
    },
    depth_unsubscribe: (params) => {
      const [market] = params;
      if (market === undefined) for (const m of [...this.depth.keys()]) this.dropDepth(m);
      else if (typeof market === 'string') this.dropDepth(market);
      else throw new RequestError(ERR.invalidArgument);
      return { result: SUCCESS };
    },
    depth_request: (params) => {
      const [market, limit, interval] = params;
      this.checkMarket(market);
      const lim = limit ?? 100;
      const intv = interval ?? '0';
      if (typeof lim !== 'number' || !Number.isInteger(lim) || lim < 1 || lim > 100) throw new RequestError(ERR.invalidArgument);
      if (typeof intv !== 'string' || !DEPTH_INTERVALS.includes(intv)) throw new RequestError(ERR.invalidArgument);
      const view = depthView(this.deps.exchange, market, lim, intv);
      return { result: { timestamp: toSeconds(this.deps.clock.now()), asks: view.asks, bids: view.bids } };
    },

    deals_subscribe: (params) => {
      this.requireAuth();
      // The market list is nested one level: [["BTC_USDT", ...]]; [[]] means every market.
      const nested = params[0] ?? [];
      if (!Array.isArray(nested)) throw new RequestError(ERR.invalidArgument);
      const markets = this.marketList(nested);
      this.deals = markets.length === 0 ? 'all' : new Set(markets);
      return { result: SUCCESS };
    },
    deals_unsubscribe: () => {
      this.deals = null;
      return { result: SUCCESS };
    },
    deals_request: (params) => {
      this.requireAuth();
      const [market, offset, limit] = params;
      this.checkMarket(market);
      const { off, lim } = pageParams(offset, limit);
      const deals = this.deps.exchange.dealsOf(this.accountId ?? '').filter((d) => d.market === market);
      return { result: { limit: lim, offset: off, records: deals.slice(off, off + lim).map(toWsDealRecord) } };
    },

    ordersPending_subscribe: (params) => {
      this.requireAuth();
      const markets = this.marketList(params);
      // An empty list is UNCONFIRMED on WhiteBIT; the simulator reads it as "every market".
      this.ordersPending = markets.length === 0 ? 'all' : new Set(markets);
      return { result: SUCCESS };
    },
    ordersPending_unsubscribe: () => {
      this.ordersPending = null;
      return { result: SUCCESS };
    },
    ordersPending_request: (params) => {
      this.requireAuth();
      const [market, offset, limit] = params;
      this.checkMarket(market);
      const { off, lim } = pageParams(offset, limit);
      const orders = this.deps.exchange.activeOrders(this.accountId, { market });
      return { result: { limit: lim, offset: off, total: orders.length, records: orders.slice(off, off + lim).map(toWsOrder) } };
    },

    balanceSpot_subscribe: (params) => {
      this.requireAuth();
      const assets = this.assetList(params);
      this.balanceSpot = assets.length === 0 ? 'all' : new Set(assets);
      this.pendingBalances.clear();
      return { result: SUCCESS };
    },
    balanceSpot_unsubscribe: () => {
      this.balanceSpot = null;
      this.pendingBalances.clear();
      this.balanceFlush?.();
      this.balanceFlush = null;
      return { result: SUCCESS };
    },
    balanceSpot_request: (params) => {
      this.requireAuth();
      const assets = this.assetList(params);
      const ledger = this.deps.exchange.ledger;
      const list = assets.length === 0 ? ledger.assetsOf(this.accountId ?? '') : assets;
      return { result: this.balances(list) };
    },
  };

  // ---- outbound ------------------------------------------------------------------------------

  private reply(id: number | string | null, result: unknown, error: WsError | null, order = false): void {
    this.send(order ? 'orderReply' : 'reply', JSON.stringify({ id, result, error }));
  }

  private push(channel: PushChannel, method: string, params: unknown): void {
    const text = JSON.stringify({ id: null, method, params });
    if (this.heldPushes) this.heldPushes.push([channel, text]);
    else this.send(channel, text);
  }

  /** Sends one frame through the fault layer. */
  private send(channel: Exclude<FrameChannel, '*'>, text: string): void {
    if (this.closed) return;
    const decision = this.deps.faults.decideFrame(channel, this.serial);
    switch (decision.action) {
      case 'send': {
        this.raw(text);
        const held = this.held.get(channel);
        if (held !== undefined) {
          this.held.delete(channel);
          this.raw(held);
        }
        return;
      }
      case 'drop':
        return;
      case 'duplicate':
        this.raw(text);
        this.raw(text);
        return;
      case 'reorder': {
        // Hold this frame until the channel's next frame has gone out (or a second has passed).
        const previous = this.held.get(channel);
        if (previous !== undefined) this.raw(previous);
        this.held.set(channel, text);
        this.timers.setTimer(1_000, () => {
          if (this.held.get(channel) === text) {
            this.held.delete(channel);
            this.raw(text);
          }
        });
        return;
      }
      case 'delay':
        this.timers.setTimer(decision.delayMs, () => this.raw(text));
        return;
      case 'corrupt':
        this.raw(text.slice(0, Math.max(1, Math.floor(text.length * decision.keep))));
        return;
      case 'binary':
        this.raw(text, true);
        return;
    }
  }

  private raw(text: string, binary = false): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(binary ? Buffer.from(text, 'utf8') : text, { binary });
  }

  private pushLastPrices(): void {
    for (const market of this.lastprice ?? []) {
      this.push('lastprice', 'lastprice_update', [market, fmt(this.deps.exchange.lastPrice(market))]);
    }
  }

  private pushSnapshot(sub: DepthSub): void {
    const now = this.deps.clock.now();
    sub.flush?.();
    sub.flush = null;
    sub.view = depthView(this.deps.exchange, sub.market, sub.limit, sub.interval);
    sub.lastUpdateId = this.deps.exchange.updateId(sub.market);
    sub.lastPushMs = now;
    const data = { timestamp: toSeconds(now), update_id: sub.lastUpdateId, asks: sub.view.asks, bids: sub.view.bids, event_time: toSeconds(now) };
    this.push('depth', 'depth_update', [true, data, sub.market]);
    this.armKeepalive(sub);
  }

  /**
   * Coalesces book changes: at most one delta per `depthIntervalMs`. A change right after a quiet
   * period goes out at once; changes inside the interval go out together at its end.
   */
  private scheduleDepth(sub: DepthSub): void {
    if (sub.flush) return;
    const wait = sub.lastPushMs + this.deps.depthIntervalMs - this.deps.clock.now();
    if (wait <= 0) this.flushDepth(sub);
    else sub.flush = this.timers.setTimer(wait, () => this.flushDepth(sub));
  }

  private flushDepth(sub: DepthSub): void {
    sub.flush = null;
    if (this.depth.get(sub.market) !== sub) return;
    const now = this.deps.clock.now();
    const view = depthView(this.deps.exchange, sub.market, sub.limit, sub.interval);
    const delta = diffViews(sub.view, view);
    if (delta.asks.length === 0 && delta.bids.length === 0) return;
    const updateId = this.deps.exchange.updateId(sub.market);
    const data: Record<string, unknown> = { timestamp: toSeconds(now), update_id: updateId, past_update_id: sub.lastUpdateId };
    if (delta.asks.length > 0) data.asks = delta.asks;
    if (delta.bids.length > 0) data.bids = delta.bids;
    data.event_time = toSeconds(now);
    sub.view = view;
    sub.lastUpdateId = updateId;
    sub.lastPushMs = now;
    this.push('depth', 'depth_update', [false, data, sub.market]);
    this.armKeepalive(sub);
  }

  /** After `depthKeepaliveMs` without a push the full book is sent again (a reset, not a gap). */
  private armKeepalive(sub: DepthSub): void {
    sub.keepalive?.();
    sub.keepalive = this.timers.setTimer(this.deps.depthKeepaliveMs, () => {
      if (this.depth.get(sub.market) === sub) this.pushSnapshot(sub);
    });
  }

  private dropDepth(market: string): void {
    const sub = this.depth.get(market);
    if (!sub) return;
    sub.flush?.();
    sub.keepalive?.();
    this.depth.delete(market);
  }

  /** Balance pushes carry only changed assets and go out at most once per `balanceIntervalMs`. */
  private scheduleBalances(): void {
    if (this.balanceFlush || this.pendingBalances.size === 0) return;
    const wait = this.lastBalancePushMs + this.deps.balanceIntervalMs - this.deps.clock.now();
    if (wait <= 0) this.flushBalances();
    else this.balanceFlush = this.timers.setTimer(wait, () => this.flushBalances());
  }

  private flushBalances(): void {
    this.balanceFlush = null;
    if (!this.balanceSpot || this.pendingBalances.size === 0) return;
    const assets = [...this.pendingBalances].sort();
    this.pendingBalances.clear();
    this.lastBalancePushMs = this.deps.clock.now();
    this.push('balanceSpot', 'balanceSpot_update', [this.balances(assets)]);
  }

  private balances(assets: readonly string[]): Record<string, { available: string; freeze: string }> {
    const out: Record<string, { available: string; freeze: string }> = {};
    for (const asset of assets) {
      const b = this.deps.exchange.ledger.balance(this.accountId ?? '', asset);
      out[asset] = { available: fmt(b.available), freeze: fmt(b.freeze) };
    }
    return out;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private requireAuth(): void {
    if (this.accountId === null) throw new RequestError(ERR.requireAuth);
  }

  private checkMarket(market: unknown): asserts market is string {
    checkMarket(this.deps.exchange, market);
  }

  private marketList(params: readonly unknown[]): string[] {
    return marketList(this.deps.exchange, params);
  }

  private assetList(params: readonly unknown[]): string[] {
    const known = new Set<string>();
    for (const m of this.deps.exchange.markets.values()) known.add(m.stock).add(m.money);
    for (const p of params) if (typeof p !== 'string' || !known.has(p)) throw new RequestError(ERR.invalidArgument);
    return [...new Set(params as string[])];
  }

  private armIdle(): void {
    this.idle?.();
    this.idle = this.timers.setTimer(this.deps.idleTimeoutMs, () => this.close(1000, 'idle timeout'));
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.timers.clearAll();
    this.held.clear();
    for (const c of this.channels) c.dispose?.();
    this.onClose?.();
  }

  /** Set by the gateway to forget this session. */
  onClose: (() => void) | undefined;
}

function includes(set: MarketSet | null, key: string): boolean {
  return set === 'all' || (set !== null && set.has(key));
}

function pageParams(offset: unknown, limit: unknown): { off: number; lim: number } {
  const off = offset ?? 0;
  const lim = limit ?? 100;
  if (typeof off !== 'number' || !Number.isInteger(off) || off < 0) throw new RequestError(ERR.invalidArgument);
  if (typeof lim !== 'number' || !Number.isInteger(lim) || lim < 1 || lim > 100) throw new RequestError(ERR.invalidArgument);
  return { off, lim };
}
