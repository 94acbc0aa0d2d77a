/**
 * The embedded WhiteBIT-compatible exchange: `startSimulator(options)` starts the engine, the
 * seeded price process, the REST API and the WebSocket API on one loopback port.
 *
 * Time: every timer runs on `options.clock`. The default is the system clock (Date.now and the
 * global setTimeout, so `vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })`
 * drives it). Pass `clock: 'manual'` (or a ManualClock) to step time explicitly with
 * `sim.advance(ms)`: price ticks, kill-switch expiry, depth coalescing and keepalives, balance
 * coalescing, lastprice, market and candles pushes, WS idle timeouts and REST latency faults all fire
 * inside `advance`.
 * Sockets stay real either way.
 *
 * @see whitebit-protocol.md §10 for the fidelity checklist this implements.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccountSpec } from './accounts.js';
import { NonceBook, type ApiCredentials } from './auth.js';
import { ManualClock, TimerGroup, systemClock, type Cancel, type SimClock } from './clock.js';
import { fmt } from './decimal.js';
import type { SimEvent, SimEventListener } from './events.js';
import { Exchange } from './exchange.js';
import { Faults } from './faults.js';
import { createRequestListener } from './http-server.js';
import type { KillSwitchTimer } from './kill-switch.js';
import { resolveMarkets, type MarketSpec } from './markets.js';
import type { DealRecord, OrderSnapshot, PublicTrade } from './order.js';
import { HOUSE_ACCOUNT, PriceProcess, type PriceProcessOptions } from './price-process.js';
import { deriveSeed, mulberry32 } from './prng.js';
import { RateLimiter, type RateBucket, type RateLimit } from './rate-limit.js';
import { WS_PLACE_BUDGET, WS_REQUEST_BUDGET, type WsBudgetLimit } from './ws-budgets.js';
import { WsGateway } from './ws-server.js';
import { WsTokens } from './ws-tokens.js';

export { ManualClock, systemClock, type SimClock } from './clock.js';
export { DEFAULT_MARKETS, type MarketSpec } from './markets.js';
export type { AccountSpec } from './accounts.js';
export type { SimEvent } from './events.js';
export type { Faults, FrameChannel, FrameRuleSpec, OrderRuleSpec, RequestFailureSpec } from './faults.js';
export type { WsBudgetLimit } from './ws-budgets.js';
export { HOUSE_ACCOUNT } from './price-process.js';
export { listenErrorText } from './listen-error.js';

/** The fixed demo credentials of the default account (printed by `gridbot sim`). */
export const DEMO_ACCOUNT: Readonly<Required<AccountSpec>> = {
  id: 'demo',
  apiKey: 'gridbot-demo-key',
  apiSecret: 'gridbot-demo-secret',
  balances: { DBTC: '10', DUSDT: '100000', BTC: '1', USDT: '100000', ETH: '10' },
};

export interface SimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Listen address; default 127.0.0.1. */
  readonly host?: string;
  /** Seed of the price process and fault dice. Default 1. */
  readonly seed?: number;
  /** Markets; default DBTC_DUSDT, BTC_USDT, ETH_USDT. */
  readonly markets?: readonly MarketSpec[];
  /** Accounts; default one demo account. The first is the one `apiKey`/`apiSecret` report. */
  readonly accounts?: readonly AccountSpec[];
  /** Time source: the system clock (default), 'manual', or a clock of your own. */
  readonly clock?: SimClock | 'manual';
  /** Price process tick in ms; 0 disables automatic ticks (call `sim.tick()`). Default 1000. */
  readonly tickMs?: number;
  /** House quoting/taking parameters, or false for an empty exchange without a house. */
  readonly priceProcess?: Omit<PriceProcessOptions, 'seed'> | false;
  /** WS idle timeout in ms. Default 60 000. */
  readonly idleTimeoutMs?: number;
  /**
   * Legacy WS budget: this many requests per minute per connection, for every request (the pre-launch
   * documents' 200/min). When set it replaces `wsPlaceBudget` and `wsRequestBudget`.
   */
  readonly wsRequestsPerMinute?: number;
  /** Per-connection budget of WS `*_place` requests: default 10 000 per 10 000 ms (error 7 beyond). */
  readonly wsPlaceBudget?: WsBudgetLimit;
  /** Per-connection budget of every other WS request: default 12 000 per 10 000 ms (error 7 beyond). */
  readonly wsRequestBudget?: WsBudgetLimit;
  /** Lifetime of a websocket_token. Default 600 000 ms. */
  readonly tokenTtlMs?: number;
  /** REST rate-limit overrides per bucket, or false to disable rate limiting. */
  readonly rateLimits?: Partial<Record<RateBucket, RateLimit>> | false;
  /** Answer orders in the legacy shape (fee ratios, no status/stp). Default false. */
  readonly legacyOrderShape?: boolean;
  /** Depth delta coalescing (100), depth keepalive snapshot (10 000), balance coalescing (1 000), lastprice period (1 000), in ms. */
  readonly depthIntervalMs?: number;
  readonly depthKeepaliveMs?: number;
  readonly balanceIntervalMs?: number;
  readonly lastpriceIntervalMs?: number;
  /** Finished orders and deals kept per account. Default 10 000. */
  readonly historyLimit?: number;
  /** While this answers false, REST answers 503 and new WS connections are closed (the paper exchange's feed is down). */
  readonly available?: () => boolean;
}

/** Read-only views for test assertions (strings for money, like the wire). */
export interface SimState {
  book(market: string, limit?: number): { asks: [string, string][]; bids: [string, string][] };
  /** Active orders, of one account or all (the house included). */
  orders(accountId?: string): OrderSnapshot[];
  finishedOrders(accountId: string): OrderSnapshot[];
  /** Deals of one account, newest first. */
  fills(accountId: string): DealRecord[];
  /** Public trades of one market, newest first. */
  trades(market: string): PublicTrade[];
  killSwitches(accountId?: string): KillSwitchTimer[];
  balances(accountId: string): Record<string, { available: string; freeze: string }>;
  feesCollected(): Record<string, string>;
  lastPrice(market: string): string;
  updateId(market: string): number;
}

export interface Simulator {
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly port: number;
  /** Credentials and id of the first (default) account. */
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly accountId: string;
  readonly faults: Faults;
  readonly state: SimState;
  readonly exchange: Exchange;
  readonly clock: SimClock;
  /** Steps a manual clock by `ms` (throws with any other clock). */
  advance(ms: number): void;
  /** Runs one price-process step now (whether or not automatic ticks are on). */
  tick(): void;
  /** Moves a market's mid and requotes the house ladder around it at once. */
  setPrice(market: string, price: string): void;
  /** Subscribes to every exchange event. */
  onEvent(listener: SimEventListener): () => void;
  /** Resolves with the first event (from now on) that satisfies `predicate`. */
  waitFor<E extends SimEvent>(predicate: (e: SimEvent) => e is E): Promise<E>;
  waitFor(predicate: (e: SimEvent) => boolean): Promise<SimEvent>;
  /** Open WS connections, oldest first. */
  connections(): { serial: number; accountId: string | null }[];
  close(): Promise<void>;
}

/** Starts the simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const clock: SimClock = options.clock === 'manual' ? new ManualClock() : (options.clock ?? systemClock());
  const timers = new TimerGroup(clock);
  const markets = resolveMarkets(options.markets);
  const accounts = options.accounts && options.accounts.length > 0 ? options.accounts : [DEMO_ACCOUNT];
  const credentials = new Map<string, ApiCredentials>();
  for (const a of accounts) {
    const accountId = a.id ?? a.apiKey;
    if (accountId === HOUSE_ACCOUNT) throw new Error(`account id "${HOUSE_ACCOUNT}" is reserved`);
    if (credentials.has(a.apiKey)) throw new Error(`api key ${a.apiKey} is configured twice`);
    credentials.set(a.apiKey, { accountId, apiKey: a.apiKey, apiSecret: a.apiSecret });
  }
  const withHouse = options.priceProcess !== false;
  const exchange = new Exchange({
    markets,
    accounts: [
      ...accounts.map((a) => ({ id: a.id ?? a.apiKey, balances: a.balances ?? {} })),
      ...(withHouse ? [{ id: HOUSE_ACCOUNT, balances: PriceProcess.houseBalances(markets.values()), keepHistory: false }] : []),
    ],
    ...(options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit }),
  });
  const prices = options.priceProcess === false ? null : new PriceProcess(exchange, { ...options.priceProcess, seed });

  // Kill-switch expiry: one timer, always aimed at the earliest deadline.
  let killTimer: Cancel | null = null;
  const aimKillTimer = (): void => {
    killTimer?.();
    killTimer = null;
    const next = exchange.nextKillSwitchDeadline();
    if (next === null) return;
    killTimer = timers.setTimer(next - clock.now(), () => {
      killTimer = null;
      exchange.expireKillSwitches(clock.now());
      aimKillTimer();
    });
  };
  exchange.on((e) => {
    if (e.type === 'killSwitch' && e.action !== 'fired') aimKillTimer();
  });

  let paused = false;
  let gateway: WsGateway | null = null;
  const faults = new Faults(mulberry32(deriveSeed(seed, 'faults')), {
    closeSockets: (which) => gateway?.closeSockets(which) ?? 0,
    setPricesPaused: (p) => {
      paused = p;
    },
  });

  const tokens = new WsTokens(options.tokenTtlMs ?? 600_000);
  const server = createServer(
    { keepAlive: true },
    createRequestListener({
      exchange,
      clock,
      faults,
      nonces: new NonceBook(),
      limiter: options.rateLimits === false ? null : new RateLimiter(() => clock.now(), options.rateLimits ?? {}),
      tokens,
      credentials: (key) => credentials.get(key),
      legacyOrderShape: options.legacyOrderShape ?? false,
      ...(options.available ? { available: options.available } : {}),
    }),
  );
  gateway = new WsGateway(server, exchange, {
    exchange,
    clock,
    faults,
    tokens,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    budgets: {
      place: options.wsPlaceBudget ?? WS_PLACE_BUDGET,
      other: options.wsRequestBudget ?? WS_REQUEST_BUDGET,
      ...(options.wsRequestsPerMinute === undefined ? {} : { legacyPerMinute: options.wsRequestsPerMinute }),
    },
    lastpriceIntervalMs: options.lastpriceIntervalMs ?? 1_000,
    depthIntervalMs: options.depthIntervalMs ?? 100,
    depthKeepaliveMs: options.depthKeepaliveMs ?? 10_000,
    balanceIntervalMs: options.balanceIntervalMs ?? 1_000,
    ...(options.available ? { available: options.available } : {}),
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  prices?.seed(clock.now());
  const tickMs = options.tickMs ?? 1_000;
  if (prices && tickMs > 0) {
    timers.every(tickMs, () => {
      if (!paused) prices.tick(clock.now());
    });
  }

  const first = accounts[0] ?? DEMO_ACCOUNT;
  const state: SimState = {
    book: (market, limit = 1_000) => exchange.depth(market, limit),
    orders: (accountId) => exchange.activeOrders(accountId ?? null),
    finishedOrders: (accountId) => exchange.finishedOrders(accountId),
    fills: (accountId) => exchange.dealsOf(accountId),
    trades: (market) => exchange.publicTrades(market),
    killSwitches: (accountId) => exchange.killSwitches.list(accountId),
    balances: (accountId) => {
      const out: Record<string, { available: string; freeze: string }> = {};
      for (const asset of exchange.ledger.assetsOf(accountId)) {
        const b = exchange.ledger.balance(accountId, asset);
        out[asset] = { available: fmt(b.available), freeze: fmt(b.freeze) };
      }
      return out;
    },
    feesCollected: () => Object.fromEntries([...exchange.ledger.feesCollected()].map(([k, v]) => [k, fmt(v)])),
    lastPrice: (market) => fmt(exchange.lastPrice(market)),
    updateId: (market) => exchange.updateId(market),
  };

  let closed = false;
  const sim: Simulator = {
    restUrl: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    port,
    apiKey: first.apiKey,
    apiSecret: first.apiSecret,
    accountId: first.id ?? first.apiKey,
    faults,
    state,
    exchange,
    clock,
    advance: (ms) => {
      if (!(clock instanceof ManualClock)) throw new Error('sim.advance needs clock: "manual" (or a ManualClock)');
      clock.advance(ms);
    },
    tick: () => prices?.tick(clock.now()),
    setPrice: (market, price) => {
      if (!prices) throw new Error('setPrice needs the price process (priceProcess is false)');
      prices.setMid(market, price, clock.now());
    },
    onEvent: (listener) => exchange.on(listener),
    waitFor: (predicate: (e: SimEvent) => boolean) =>
      new Promise<SimEvent>((resolve) => {
        const off = exchange.on((e) => {
          if (predicate(e)) {
            off();
            resolve(e);
          }
        });
      }),
    connections: () => gateway?.connections() ?? [],
    close: async () => {
      if (closed) return;
      closed = true;
      timers.clearAll();
      await gateway?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sim;
}
