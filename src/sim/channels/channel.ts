/**
 * The contract between one WS connection (ws-session.ts) and a channel that lives in its own file
 * (market, trades, candles, bookTicker, ordersExecuted): the channel contributes request methods and
 * reacts to exchange events; the session owns the socket, the fault layer, the timers and the auth.
 *
 * A channel is created per connection by its `ChannelFactory` and keeps its subscription state in
 * the closure. Its timers go through `host.timers` (the session's TimerGroup on the simulator clock),
 * so they stop when the connection closes; `dispose` is for anything else.
 *
 * @see whitebit-protocol.md §7, whitebit-protocol-2.md §2.9–§2.11
 */
import type { SimClock, TimerGroup } from '../clock.js';
import type { SimEvent } from '../events.js';
import type { Exchange } from '../exchange.js';
import type { FrameChannel } from '../faults.js';

export interface WsError {
  code: number;
  message: string;
}

export const WS_ERR = {
  invalidArgument: { code: 1, message: 'invalid argument' },
  requireAuth: { code: 6, message: 'require authentication' },
  noMarket: (market: string): WsError => ({ code: 9, message: `market ${market} does not exist` }),
} as const;

export const SUCCESS = { status: 'success' } as const;

/** Thrown inside a handler to answer the request with an error. */
export class RequestError extends Error {
  constructor(readonly wsError: WsError) {
    super(wsError.message);
  }
}

/** Frame channels a push may travel on (fault rules select them by this name). */
export type PushChannel = Exclude<FrameChannel, '*' | 'reply' | 'orderReply'>;

/** What a request handler returns: the reply's result, and what to do once the reply is out. */
export interface HandlerResult {
  readonly result: unknown;
  /** Runs after the reply was sent (a snapshot follows its subscription's confirmation). */
  readonly then?: () => void;
}

export type Handler = (params: unknown[]) => HandlerResult;

/** What the session lends a channel. */
export interface ChannelHost {
  readonly exchange: Exchange;
  readonly clock: SimClock;
  /** The connection's timers: cleared when it closes. */
  readonly timers: TimerGroup;
  /** The authorized account, or null before `authorize`. */
  accountId(): string | null;
  /** Sends an update frame `{id:null, method, params}` through the fault layer. */
  push(channel: PushChannel, method: string, params: unknown): void;
}

export interface Channel {
  /** Request methods this channel answers, by name. */
  readonly methods: Readonly<Record<string, Handler>>;
  onEvent?(e: SimEvent): void;
  dispose?(): void;
}

export type ChannelFactory = (host: ChannelHost) => Channel;

/** Markets a subscription covers: a set, or every market. */
export type MarketSet = ReadonlySet<string> | 'all';

export function covers(set: MarketSet | null, market: string): boolean {
  return set === 'all' || (set !== null && set.has(market));
}

/** Asserts a listed market: code 1 when not a string, 9 when unknown. */
export function checkMarket(exchange: Exchange, market: unknown): asserts market is string {
  if (typeof market !== 'string') throw new RequestError(WS_ERR.invalidArgument);
  if (!exchange.market(market)) throw new RequestError(WS_ERR.noMarket(market));
}

/** A flat market list, deduplicated; every entry checked. */
export function marketList(exchange: Exchange, params: readonly unknown[]): string[] {
  for (const p of params) checkMarket(exchange, p);
  return [...new Set(params as string[])];
}

/** A market list where `[]` means every market. */
export function marketSet(exchange: Exchange, params: readonly unknown[]): MarketSet {
  const markets = marketList(exchange, params);
  return markets.length === 0 ? 'all' : new Set(markets);
}

/** The markets of a set, in the exchange's order. */
export function marketsOf(exchange: Exchange, set: MarketSet): string[] {
  return set === 'all' ? [...exchange.markets.keys()] : [...set];
}

/** An integer parameter in [min, max]; `fallback` when absent; code 1 otherwise. */
export function intArg(v: unknown, min: number, max: number, fallback?: number): number {
  const n = v === undefined || v === null ? fallback : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) throw new RequestError(WS_ERR.invalidArgument);
  return n;
}

export function requireAuth(host: ChannelHost): string {
  const accountId = host.accountId();
  if (accountId === null) throw new RequestError(WS_ERR.requireAuth);
  return accountId;
}

/** A subscription whose state is pushed as a whole on a period (market statistics, the current candle). */
export interface PeriodicSubscription<T> {
  /** Replaces the previous subscription; the first push follows the confirmation, then one per period. */
  subscribe(sub: T): HandlerResult;
  unsubscribe(): HandlerResult;
}

/** Returns a subscription that calls `push` with its value every `everyMs` of the simulator clock. */
export function periodicSubscription<T>(host: ChannelHost, everyMs: number, push: (sub: T) => void): PeriodicSubscription<T> {
  let stopTimer: (() => void) | null = null;
  const stop = (): void => {
    stopTimer?.();
    stopTimer = null;
  };
  return {
    subscribe: (value) => {
      stop();
      const pushNow = (): void => push(value);
      stopTimer = host.timers.every(everyMs, pushNow);
      return { result: SUCCESS, then: pushNow };
    },
    unsubscribe: () => {
      stop();
      return { result: SUCCESS };
    },
  };
}
