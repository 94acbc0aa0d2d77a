/**
 * Wires one running gridbot: the exchange (embedded simulator, an external one, or live WhiteBIT),
 * the REST client, the frame router, the supervisor with its connection and market actors.
 *
 * `startRuntime` checks everything that can be checked before an order is sent — credentials, the
 * exchange's market list — and throws a {@link RuntimeStartError} without touching any order.
 */
import { type Actor, type InspectionEvent, type SnapshotFrom, createActor } from 'xstate';
import { type RestObserver, WHITEBIT_LIVE, WhitebitRestClient } from '../adapters/whitebit/index.js';
import { connectionMachine } from '../machines/connection/connection.machine.js';
import type { ConnectionEmitted } from '../machines/connection/connection.types.js';
import type { FrameRouter } from '../machines/connection/frame-router.js';
import { marketMachine } from '../machines/market/market.machine.js';
import type { MarketInput } from '../machines/market/market.types.js';
import { DEMO_ACCOUNT, type Simulator, type SimulatorOptions, startSimulator } from '../sim/index.js';
import type { LevelBook } from '../grid/index.js';
import { type Credentials, CredentialsError, ENV_API_KEY, ENV_API_SECRET, loadCredentials } from './config/credentials.js';
import { foreignTimers, foreignTimersMessage } from './instance-guard.js';
import { type Journal, type MarketRunRecord, bookOfRun, journalInspector, killSwitchMsOfRun } from './journal/index.js';
import type { RuntimeConfig } from './config/runtime-config.js';
import {
  type StatusSource,
  connectionStatus$,
  createFrameRouting,
  createMarketActors,
  createSocketActor,
  createTokenActor,
  emptyFrameStats,
  type FrameStats,
  type LogSink,
} from './exchange/index.js';
import { TurnOrder } from './turn/index.js';
import { type MarketStatus, marketStatus, statePath } from './status/market-status.js';
import { CONNECTION_ID, marketActorId, supervisorMachine } from './supervisor/supervisor.machine.js';

export class RuntimeStartError extends Error {
  override readonly name = 'RuntimeStartError';
}

export interface RuntimeOptions {
  readonly config: RuntimeConfig;
  /** Use an external exchange (e.g. `gridbot sim` in another process) instead of the embedded one. */
  readonly exchangeUrl?: { readonly restUrl: string; readonly wsUrl: string };
  /** Required for `exchange: whitebit`: trading real money is never a default. */
  readonly live?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: LogSink;
  /** Every inspection event of every actor (journal, recorder, inspector). Runs synchronously: keep it cheap. */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Overrides per market (journal restore, first client id sequence), by market name. */
  readonly marketOverrides?: Readonly<Record<string, Partial<MarketInput>>>;
  /** Simulator options for the embedded exchange (tests: a manual clock, no rate limits…). */
  readonly simulator?: Parameters<typeof startSimulator>[0];
  readonly shutdownTimeoutMs?: number;
  /** Told about every REST attempt and rate-limit wait (the metrics; see metrics/rest-metrics.ts). */
  readonly restObserver?: RestObserver;
  /**
   * The journal: markets with `onStart: adopt` restore their book from it, and every event a market
   * receives is appended before the market acts on it. The caller opens and closes it.
   */
  readonly journal?: Journal;
}

export interface Runtime {
  readonly supervisor: Actor<typeof supervisorMachine>;
  /** The embedded simulator, when the runtime started one. */
  readonly sim: Simulator | null;
  readonly rest: WhitebitRestClient;
  readonly router: FrameRouter;
  readonly frames: FrameStats;
  readonly restUrl: string;
  readonly wsUrl: string;
  /** One status row per configured market (the last known one for a market that ended). */
  statuses(nowMs?: number): MarketStatus[];
  connectionState(): string;
  /** Stops every market (cancelling or leaving its orders as configured), then the connection; resolves when done. */
  stop(reason: string): Promise<void>;
  /** Resolves when the supervisor has stopped (after `stop`, or once every market ended on its own). */
  readonly done: Promise<void>;
}

interface Endpoint {
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly sim: Simulator | null;
}

async function resolveEndpoint(options: RuntimeOptions): Promise<Endpoint> {
  const { config } = options;
  const env = options.env ?? process.env;
  if (config.exchange === 'whitebit') {
    if (!options.live) throw new RuntimeStartError('exchange: whitebit trades real money: run with --live to confirm');
    const creds = liveCredentials(env);
    const urls = options.exchangeUrl ?? { restUrl: WHITEBIT_LIVE.rest, wsUrl: WHITEBIT_LIVE.ws };
    return { ...urls, apiKey: creds.apiKey.reveal(), apiSecret: creds.apiSecret.reveal(), sim: null };
  }
  if (options.exchangeUrl) {
    // An external simulator: its demo account unless both keys are given in the environment.
    const creds = env[ENV_API_KEY] && env[ENV_API_SECRET] ? liveCredentials(env) : null;
    return {
      ...options.exchangeUrl,
      apiKey: creds?.apiKey.reveal() ?? DEMO_ACCOUNT.apiKey,
      apiSecret: creds?.apiSecret.reveal() ?? DEMO_ACCOUNT.apiSecret,
      sim: null,
    };
  }
  const sim = await startSimulator({ ...embeddedSimulatorOptions(config), ...options.simulator });
  return { restUrl: sim.restUrl, wsUrl: sim.wsUrl, apiKey: sim.apiKey, apiSecret: sim.apiSecret, sim };
}

/**
 * Returns the options of the simulator `run` embeds for `exchange: sim`: any free port, the
 * config's seed, its balances (or the demo ones) on the demo account. `gridbot plan` and `doctor`
 * start theirs from this too, so they see the prices and balances `run` would.
 */
export function embeddedSimulatorOptions(config: RuntimeConfig): SimulatorOptions {
  const balances = config.sim?.balances ?? DEMO_ACCOUNT.balances;
  return {
    port: 0,
    seed: config.sim?.seed ?? 1,
    accounts: [{ id: DEMO_ACCOUNT.id, apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret, balances: { ...balances } }],
  };
}

/**
 * Returns the book a market's last run ended with, when that run traded the same grid; a changed grid
 * spec starts afresh (reconciling then cancels orders of ours that no longer fit).
 */
function restoreFor(last: MarketRunRecord | null, m: MarketInput, logger: LogSink | undefined): LevelBook | null {
  if (!last) return null;
  if (JSON.stringify(last.input.spec) !== JSON.stringify(m.spec)) {
    logger?.warn({ market: m.market }, 'journal: the grid spec changed since the last run; not restoring its book');
    return null;
  }
  return bookOfRun(last);
}

function liveCredentials(env: NodeJS.ProcessEnv): Credentials {
  try {
    const creds = loadCredentials('whitebit', env);
    if (creds) return creds;
  } catch (e) {
    if (!(e instanceof CredentialsError)) throw e;
    throw new RuntimeStartError(e.message);
  }
  throw new RuntimeStartError(`exchange: whitebit needs ${ENV_API_KEY} and ${ENV_API_SECRET} in the environment`);
}

/** Throws unless every configured market is a spot market the exchange lists. */
async function checkMarkets(rest: WhitebitRestClient, config: RuntimeConfig): Promise<void> {
  const listed = new Set((await rest.publicMarkets()).filter((m) => m.type === undefined || m.type === 'spot').map((m) => m.name));
  const missing = config.markets.map((m) => m.market).filter((m) => !listed.has(m));
  if (missing.length > 0) {
    throw new RuntimeStartError(`${config.file}: unknown market${missing.length > 1 ? 's' : ''} on this exchange: ${missing.join(', ')}`);
  }
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  // Each market's last journaled run, read (and decoded) once: the start-up guard and the restore both need it.
  const lastRuns = new Map(config.markets.map((m) => [m.market, options.journal?.lastMarketRun(m.market) ?? null]));
  const endpoint = await resolveEndpoint(options);
  const rest = new WhitebitRestClient({
    baseUrl: endpoint.restUrl,
    apiKey: endpoint.apiKey,
    apiSecret: endpoint.apiSecret,
    ...(options.restObserver ? { observer: options.restObserver } : {}),
  });
  try {
    await checkMarkets(rest, config);
    // Nonces must sit within ±5 s of the exchange's clock (nonceWindow): align before the first signed call.
    const offsetMs = await rest.syncTime();
    // A second bot on this account and market is refused here, before anything is sent (instance-guard.ts).
    const timers = await rest.killSwitchStatus();
    const found = foreignTimers(
      timers,
      config.markets.map((m) => m.market),
      (market) => {
        const last = lastRuns.get(market);
        return last ? killSwitchMsOfRun(last) : null;
      },
      (Date.now() + offsetMs) / 1000,
    );
    if (found.length > 0) throw new RuntimeStartError(foreignTimersMessage(found));
  } catch (error) {
    await rest.close();
    await endpoint.sim?.close();
    throw error;
  }

  const { router, depthGaps } = createFrameRouting();
  const frames = emptyFrameStats();
  // The order of a turn (turn/turn-order.ts): frames in journal batches, the markets' requests held until their commit.
  const turn = new TurnOrder({ journal: options.journal ?? null });
  const socket = createSocketActor({ wsUrl: endpoint.wsUrl, router, depthGaps, stats: frames, turn, ...(options.logger ? { logger: options.logger } : {}) });
  const fetchToken = createTokenActor(rest);

  // The connection actor is spawned by the supervisor; the market feeds reach it through the system.
  const holder: { supervisor?: Actor<typeof supervisorMachine>; stopping?: boolean } = {};
  const connectionRef = () => {
    const ref = holder.supervisor?.system.get(CONNECTION_ID) as Actor<typeof connectionMachine> | undefined;
    if (!ref) throw new Error('the connection actor is not running');
    return ref;
  };
  const statusSource: StatusSource = {
    getSnapshot: () => connectionRef().getSnapshot(),
    on: (type, handler) => connectionRef().on(type, handler as (e: ConnectionEmitted) => void),
  };
  const marketActors = createMarketActors({
    rest,
    router,
    connection: {
      // Once the whole runtime stops, the socket closes after the markets: their unsubscribes would
      // only make it re-send each shrinking channel set (and the exchange re-push every price), once
      // per market, which is quadratic in the markets for nothing.
      send: (event) => {
        if (event.type === 'unsubscribe' && holder.stopping) return;
        connectionRef().send(event);
      },
    },
    status$: connectionStatus$(statusSource),
    turn,
  });
  const machine = supervisorMachine.provide({
    actors: {
      connection: connectionMachine.provide({ actors: { socket, fetchToken } }),
      market: marketMachine.provide({ actors: marketActors }),
    },
  });
  const startMs = Date.now();
  const restored = new Map<string, LevelBook>();
  const markets = config.markets.map((m): MarketInput => {
    const fromJournal = restoreFor(lastRuns.get(m.market) ?? null, m, options.logger);
    if (fromJournal) restored.set(m.market, fromJournal);
    // Client ids must never repeat an earlier run's: start above both the clock and the journal's sequence.
    const firstSeq = Math.max(startMs, fromJournal?.nextSeq ?? 0);
    const restore = m.onStart === 'adopt' ? fromJournal : null;
    return { ...m, firstSeq, restore, ...(options.marketOverrides?.[m.market] ?? {}) };
  });
  // Each market's exact input is checkpointed before its actor exists, so replay starts where it did.
  for (const m of markets) options.journal?.beginMarketRun(m);
  // Reporting rows (orders, fills, intents, transitions, PnL) are written after the turn (turn/turn-order.ts rule 5).
  const journalHook = options.journal
    ? journalInspector(options.journal, {
        beforeAppend: () => turn.enter(),
        onError: (error) => options.logger?.warn({ error: String(error) }, 'journal: a reporting row could not be written'),
      })
    : null;
  const userInspect = options.inspect;
  const inspect =
    journalHook && userInspect
      ? (e: InspectionEvent) => {
          journalHook(e);
          userInspect(e);
        }
      : (journalHook ?? userInspect);
  // The last snapshot of each market actor, kept by reference (no work per transition): once a market
  // has stopped, its final row (fills, PnL, reason) comes from here, even if nobody asked while it ran.
  const lastSnapshots = new Map<string, SnapshotFrom<typeof marketMachine>>();
  const sup = createActor(machine, {
    input: {
      connection: { authenticate: true, seed: startMs % 2 ** 31 },
      markets,
      ...(options.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: options.shutdownTimeoutMs }),
    },
    ...(inspect ? { inspect } : {}),
  });
  holder.supervisor = sup;
  const done = new Promise<void>((resolve) => {
    sup.subscribe({ complete: () => resolve(), error: () => resolve() });
  });
  sup.start();
  for (const m of config.markets) {
    const ref = sup.system.get(marketActorId(m.market)) as Actor<typeof marketMachine> | undefined;
    if (!ref) continue;
    lastSnapshots.set(m.market, ref.getSnapshot());
    // The supervisor handles a market's failure; this observer only needs it not to be reported as unhandled.
    ref.subscribe({ next: (snap) => lastSnapshots.set(m.market, snap), error: () => {} });
  }

  const statuses = (nowMs = Date.now()): MarketStatus[] =>
    config.markets.map((m) => {
      const ref = sup.system.get(marketActorId(m.market)) as Actor<typeof marketMachine> | undefined;
      if (ref && ref.getSnapshot().status === 'active') return marketStatus(ref.getSnapshot(), nowMs);
      const outcome = sup.getSnapshot().context.outcomes[m.market];
      const last = lastSnapshots.get(m.market);
      const base: MarketStatus = last ? marketStatus(last, nowMs) : {
        market: m.market, state: 'stopped', liveOrders: 0, pendingOrders: 0, fills: 0, realisedPnl: '0', inventory: '0', killSwitchSeconds: null, reason: null,
      };
      const state = outcome?.outcome === 'failed' ? 'failed' : outcome?.outcome === 'stopped' || !ref ? 'stopped' : base.state;
      const ended = state === 'stopped' || state === 'failed';
      return {
        ...base,
        state,
        liveOrders: ended ? 0 : base.liveOrders,
        killSwitchSeconds: ended ? null : base.killSwitchSeconds,
        reason: outcome?.reason ?? base.reason,
      };
    });
  const connectionState = (): string => {
    const ref = sup.system.get(CONNECTION_ID) as Actor<typeof connectionMachine> | undefined;
    if (!ref) return 'stopped';
    // `connection.open.idle` reads better as `open`.
    return statePath(ref.getSnapshot().value).replace(/^connection\./, '').split('.')[0] ?? 'unknown';
  };

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      holder.stopping = true;
      if (sup.getSnapshot().status === 'active') sup.send({ type: 'shutdown', reason });
      await done;
      sup.stop();
      journalHook?.flush();
      await rest.close();
      await endpoint.sim?.close();
    })();
    return stopping;
  };

  return {
    supervisor: sup,
    sim: endpoint.sim,
    rest,
    router,
    frames,
    restUrl: endpoint.restUrl,
    wsUrl: endpoint.wsUrl,
    statuses,
    connectionState,
    stop,
    done,
  };
}
