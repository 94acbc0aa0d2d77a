/**
 * The end-to-end bench: the embedded simulator with a market and accounts the test controls, and
 * `startRuntime` pointed at it as an external exchange. Prices never move by themselves
 * (`priceProcess: false`): a fill happens when the test places a marketable taker order from a
 * second account, through the simulator's engine, at the moment it chooses.
 *
 * Assertions read the simulator (its books, orders and events), not the bot's belief. Two
 * invariants are checked on *every* exchange event of the bot's account, not only at the end:
 * at most one open order per grid level, and the market's kill-switch is armed whenever the bot has
 * an open order there (until shutdown begins).
 *
 * Waiting: `until(label, check)` re-runs `check` after every simulator event and every actor
 * inspection event (coalesced to one run per macrotask) and fails after a deadline with a dump of
 * what the exchange and the market actor looked like. No sleeps.
 */
import type { AnyActorRef, InspectionEvent, SnapshotFrom } from 'xstate';
import type { RestObserver } from '../../src/adapters/whitebit/index.js';
import type { OrderWay } from '../../src/grid/index.js';
import type { marketMachine } from '../../src/machines/market/market.machine.js';
import type { MarketInput } from '../../src/machines/market/market.types.js';
import { parseConfig } from '../../src/runtime/config/index.js';
import type { Journal } from '../../src/runtime/journal/index.js';
import { type Runtime, type RuntimeObserver, startRuntime } from '../../src/runtime/runtime.js';
import { statePath } from '../../src/runtime/status/market-status.js';
import { marketActorId } from '../../src/runtime/supervisor/supervisor.machine.js';
import { DEMO_ACCOUNT, type MarketSpec, type Simulator, type SimulatorOptions, startSimulator } from '../../src/sim/index.js';
import type { OrderSnapshot } from '../../src/sim/order.js';
import { type BotOrder, groupByLevel, openBotOrders, ownOrder, watchLiveInvariants } from '../support/sim-invariants.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';
import { type WsHoldProxy, startWsHoldProxy } from './support/ws-hold-proxy.js';

export { type BotOrder, groupByLevel } from '../support/sim-invariants.js';

export const MARKET = 'DBTC_DUSDT';
/** A second market with the same rules and start price, for tests of the shared connection. */
export const MARKET_B = 'DETH_DUSDT';
export const BOT_ID = 'it';
export const BOT_ACCOUNT = DEMO_ACCOUNT.id;
export const TAKER_ACCOUNT = 'taker';

/**
 * minTotal 10 (instead of the default 5) so that a partial fill of the minimum amount (0.0001 at
 * ~60 000 = 6 DUSDT) is below the minimum order, while a taker can still send it: a taker buy's
 * total is checked at its own (high) limit price.
 */
export const MARKET_SPEC: MarketSpec = {
  name: MARKET,
  stockPrec: 6,
  moneyPrec: 2,
  feePrec: 6,
  minAmount: '0.0001',
  minTotal: '10',
  maxTotal: '10000000',
  startPrice: '60000',
};

/**
 * The plan of {@link gridYaml} at last price 60 000: levels 0..4 at 59 600, 59 800, 60 000 (the gap),
 * 60 200, 60 400; buys below the gap, sells above; 0.002 each. (A 200 step is 0.33 %, above the
 * 0.2 % round-trip maker fee the plan checks demand.)
 */
export const PLAN: readonly { level: number; side: 'buy' | 'sell'; price: string }[] = [
  { level: 0, side: 'buy', price: '59600' },
  { level: 1, side: 'buy', price: '59800' },
  { level: 3, side: 'sell', price: '60200' },
  { level: 4, side: 'sell', price: '60400' },
];
export const LEVEL_PRICE: Readonly<Record<number, string>> = { 0: '59600', 1: '59800', 2: '60000', 3: '60200', 4: '60400' };
export const AMOUNT = '0.002';

export interface GridOptions {
  /** Markets to run the same grid on; default [MARKET]. */
  readonly markets?: readonly string[];
  readonly onStart?: 'cancel-all' | 'adopt';
  readonly onStop?: 'cancel' | 'leave';
  readonly killSwitchTimeout?: number;
  /** Default {@link BOT_ID}. */
  readonly botId?: string;
  /** Default `silent`; a bot child process logs `info` so tests can wait on its lines. */
  readonly logLevel?: string;
  /** markets.yaml `journal:` path (a bot child process opens it); default none. */
  readonly journalPath?: string;
  /** markets.yaml `orderEntry`; default {@link testOrderEntry} (env `GRIDBOT_TEST_ORDER_ENTRY`), else none (the exchange's default: ws). */
  readonly orderEntry?: OrderWay;
}

/**
 * The order entry the suites run with when a test does not choose: `GRIDBOT_TEST_ORDER_ENTRY=ws|rest`,
 * or undefined (markets.yaml says nothing: ws on the simulator). Read per bench, so a test file that
 * sets it before its first bench reruns another file's tests over that path.
 */
export function testOrderEntry(env: NodeJS.ProcessEnv = process.env): OrderWay | undefined {
  const raw = env.GRIDBOT_TEST_ORDER_ENTRY;
  if (raw === undefined || raw === '') return undefined;
  if (raw !== 'ws' && raw !== 'rest') throw new Error(`GRIDBOT_TEST_ORDER_ENTRY=${raw}: expected ws or rest`);
  return raw;
}

/** markets.yaml text of one small centered grid per market (default: one on {@link MARKET}). */
export function gridYaml(o: GridOptions = {}): string {
  const grid = (market: string): string[] => [
    `  - market: ${market}`,
    '    spacing: arithmetic',
    '    ladder:',
    '      center: last',
    '      levelsPerSide: 2',
    '      step: "200"',
    '    amountPerLevel:',
    `      base: "${AMOUNT}"`,
    '    killSwitch:',
    `      timeout: ${o.killSwitchTimeout ?? 30}`,
    `    onStart: ${o.onStart ?? 'cancel-all'}`,
    `    onStop: ${o.onStop ?? 'cancel'}`,
  ];
  const entry = o.orderEntry ?? testOrderEntry();
  return [
    'exchange: sim',
    `botId: ${o.botId ?? BOT_ID}`,
    ...(entry === undefined ? [] : [`orderEntry: ${entry}`]),
    `logLevel: ${o.logLevel ?? 'silent'}`,
    ...(o.journalPath === undefined ? [] : [`journal: ${JSON.stringify(o.journalPath)}`]),
    'grids:',
    ...(o.markets ?? [MARKET]).flatMap(grid),
    '',
  ].join('\n');
}

type MarketSnapshot = SnapshotFrom<typeof marketMachine>;

export interface Bench {
  readonly sim: Simulator;
  readonly runtime: Runtime;
  /** The REST proxy, with `proxy: true`. */
  readonly proxy: CountingProxy | null;
  /** The WebSocket proxy, with `wsProxy: true`. */
  readonly wsProxy: WsHoldProxy | null;
  /** The market actor's lifecycle state paths, in order, consecutive repeats collapsed. */
  readonly path: string[];
  /** The same, per market. */
  readonly paths: ReadonlyMap<string, string[]>;
  /** Every order of the bot the exchange accepted (ordersPending event 1), in order. */
  readonly placed: BotOrder[];
  /** Invariant violations seen on any exchange event. */
  readonly violations: string[];
  /** The desk's answered orders (counter-orders, re-placed levels) by the way that decided each, every market. */
  readonly via: Readonly<Record<OrderWay, number>>;
  /** The bot's open orders on a market (default {@link MARKET}), decoded. */
  openOrders(market?: string): BotOrder[];
  /** The bot's open orders on a market grouped by level. */
  byLevel(market?: string): Map<number, BotOrder[]>;
  /** The market actor's current snapshot, or null once it stopped. */
  market(market?: string): MarketSnapshot | null;
  /** The market's current lifecycle state path (`running.trading`, …). */
  state(market?: string): string;
  /** Takes liquidity from the taker account at once (synchronously, through the engine). */
  take(side: 'buy' | 'sell', amount: string, price: string, market?: string): void;
  until<T>(label: string, check: () => T | null | undefined | false, timeoutMs?: number): Promise<T>;
  /** Stops the runtime (markets to killed, then the connection); the simulator keeps running. */
  stop(): Promise<void>;
  /** Stops the runtime (once), then the simulator. */
  close(): Promise<void>;
}

export interface BenchOptions extends GridOptions {
  readonly seed?: number;
  /** Run against this simulator (a restart) instead of starting one; `close` then leaves it running. */
  readonly sim?: Simulator;
  /** Send REST through a {@link CountingProxy} (exposed as `bench.proxy`); the WebSocket goes direct. */
  readonly proxy?: boolean;
  /** Send the WebSocket through a {@link WsHoldProxy} (exposed as `bench.wsProxy`), to hold socket orders. */
  readonly wsProxy?: boolean;
  /** Runs after the simulator started and before the runtime does (arm faults here). */
  readonly beforeStart?: (sim: Simulator) => void;
  /** The bot account's balances (default 10 DBTC, 10 DETH, 100 000 DUSDT). */
  readonly botBalances?: Readonly<Record<string, string>>;
  /** A journal for the runtime (the caller opens and closes it). */
  readonly journal?: Journal;
  /** Kill-switch checks are off while this returns true (besides after `stop`). */
  readonly killSwitchExempt?: () => boolean;
  /** Also told every inspection event, before the bench's own bookkeeping (e.g. the metrics). */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Handed to `startRuntime` (e.g. the metrics' `observe`). */
  readonly observers?: readonly RuntimeObserver[];
  /** Handed to `startRuntime` (e.g. the metrics' REST observer). */
  readonly restObserver?: RestObserver;
  /** Applied to every market's input (settings markets.yaml would refuse, e.g. a 1 s reconcile period). */
  readonly marketOverrides?: Partial<MarketInput>;
  /** The runtime's shutdown budget; default 5 s (the runtime's own default is 30 s). */
  readonly shutdownTimeoutMs?: number;
  /** Merged into the simulator's options when the bench starts one (e.g. a tiny WS place budget). */
  readonly simulator?: Partial<SimulatorOptions>;
}

interface Waiter {
  run(): void;
}

/** Returns the decoded id when `order` is ours on `market`. */
export function ours(order: OrderSnapshot, market = MARKET): BotOrder | null {
  return ownOrder(order, BOT_ID, market);
}

export async function startBench(options: BenchOptions = {}): Promise<Bench> {
  const markets = options.markets ?? [MARKET];
  const ownSim = options.sim === undefined;
  const sim =
    options.sim ??
    (await startSimulator({
      port: 0,
      seed: options.seed ?? 1,
      priceProcess: false,
      markets: [MARKET_SPEC, { ...MARKET_SPEC, name: MARKET_B }],
      accounts: [
        {
          id: BOT_ACCOUNT,
          apiKey: DEMO_ACCOUNT.apiKey,
          apiSecret: DEMO_ACCOUNT.apiSecret,
          balances: { ...(options.botBalances ?? { DBTC: '10', DETH: '10', DUSDT: '100000' }) },
        },
        { id: TAKER_ACCOUNT, apiKey: 'taker-key', apiSecret: 'taker-secret', balances: { DBTC: '100', DETH: '100', DUSDT: '10000000' } },
      ],
      ...options.simulator,
    }));
  const waiters = new Set<Waiter>();
  let scheduled = false;
  const poke = (): void => {
    if (scheduled || waiters.size === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      for (const w of [...waiters]) w.run();
    });
  };

  const paths = new Map(markets.map((m) => [m, [] as string[]]));
  const path = paths.get(markets[0] ?? MARKET) ?? [];
  const lastSnapshots = new Map<string, MarketSnapshot>();
  let stopping = false;
  const scope = { accountId: BOT_ACCOUNT, botId: BOT_ID };
  const openOrders = (market = MARKET): BotOrder[] => openBotOrders(sim, scope, market);
  const byLevel = (market = MARKET): Map<number, BotOrder[]> => groupByLevel(openOrders(market));

  const watch = watchLiveInvariants(sim, {
    ...scope,
    markets,
    killSwitchExempt: () => stopping || (options.killSwitchExempt?.() ?? false),
    onEvent: poke,
  });
  const { placed, violations } = watch;
  const detach = watch.detach;

  const config = parseConfig(gridYaml(options), 'it-markets.yaml');
  if (!config.ok) throw new Error(`bench config: ${config.error.message}`);
  options.beforeStart?.(sim);

  const byActorId = new Map(markets.map((m) => [marketActorId(m), m]));
  const extraInspect = options.inspect;
  const inspect = (ev: InspectionEvent): void => {
    extraInspect?.(ev);
    const market = ev.type === '@xstate.snapshot' ? byActorId.get((ev.actorRef as AnyActorRef).id) : undefined;
    if (ev.type === '@xstate.snapshot' && market !== undefined) {
      const snap = ev.snapshot as MarketSnapshot;
      lastSnapshots.set(market, snap);
      const p = statePath((snap.value as { lifecycle?: unknown }).lifecycle);
      const list = paths.get(market);
      if (list && list[list.length - 1] !== p) list.push(p);
    }
    poke();
  };
  const proxy = options.proxy ? await startCountingProxy(sim.restUrl, poke) : null;
  const wsProxy = options.wsProxy ? await startWsHoldProxy(sim.wsUrl, poke) : null;
  const via: Record<OrderWay, number> = { ws: 0, rest: 0 };
  const countVia: RuntimeObserver = (actors) => {
    for (const m of actors.markets.values()) {
      m.on('market.ordersAnswered', (e) => {
        if (e.via !== 'desk') return;
        for (const o of e.outcomes) if (o.via !== undefined) via[o.via] += 1;
      });
    }
  };
  const runtime = await startRuntime({
    config: config.config,
    exchangeUrl: { restUrl: proxy?.url ?? sim.restUrl, wsUrl: wsProxy?.url ?? sim.wsUrl },
    env: {},
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.restObserver ? { restObserver: options.restObserver } : {}),
    observers: [...(options.observers ?? []), countVia],
    ...(options.marketOverrides ? { marketOverrides: Object.fromEntries(markets.map((m) => [m, options.marketOverrides ?? {}])) } : {}),
    inspect,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
  });

  const market = (name = MARKET): MarketSnapshot | null => {
    const ref = runtime.supervisor.system.get(marketActorId(name)) as { getSnapshot(): MarketSnapshot } | undefined;
    const snap = ref?.getSnapshot();
    return snap && snap.status === 'active' ? snap : null;
  };
  const state = (name = MARKET): string => {
    const snap = market(name);
    return snap ? statePath((snap.value as { lifecycle?: unknown }).lifecycle) : 'gone';
  };
  const describe = (): string =>
    markets
      .flatMap((m) => {
        const last = lastSnapshots.get(m);
        return [
          `${m} state: ${state(m)} (path ${(paths.get(m) ?? []).join(' → ')})`,
          `  open orders: ${
            openOrders(m)
              .map((o) => `${o.order.clientOrderId}@${o.order.price} left ${o.order.left.toFixed()}`)
              .join('; ') || 'none'
          }`,
          `  last error: ${last?.context.lastError ?? '-'}; stop reason: ${last?.context.stopReason ?? '-'}`,
        ];
      })
      .concat(`kill-switches: ${JSON.stringify(sim.state.killSwitches(BOT_ACCOUNT).map((k) => k.market))}; connection: ${runtime.connectionState()}`)
      .join('\n');

  const until = <T>(label: string, check: () => T | null | undefined | false, timeoutMs = 5_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        run: () => {
          let v: T | null | undefined | false;
          try {
            v = check();
          } catch (e) {
            finish();
            reject(e as Error);
            return;
          }
          if (v !== null && v !== undefined && v !== false) {
            finish();
            resolve(v);
          }
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${label}\n${describe()}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
      waiter.run();
    });

  let closing: Promise<void> | null = null;
  return {
    sim,
    runtime,
    proxy,
    wsProxy,
    path,
    paths,
    placed,
    violations,
    via,
    openOrders,
    byLevel,
    market,
    state,
    take: (side, amount, price, market = MARKET) => {
      const r = sim.exchange.placeOrder(TAKER_ACCOUNT, { market, side, amount, price }, sim.clock.now());
      if (!r.ok) throw new Error(`taker order refused: ${JSON.stringify(r.error)}`);
    },
    until,
    stop: () => {
      stopping = true;
      return runtime.stop('test stop');
    },
    close: () => {
      stopping = true;
      closing ??= (async () => {
        await runtime.stop('test done');
        detach();
        await proxy?.close();
        await wsProxy?.close();
        if (ownSim) await sim.close();
      })();
      return closing;
    },
  };
}
