/**
 * Wiring: the actors of one runtime and what they are given, once preflight passed. The frame
 * router and the socket and token actors of the connection, the market actors' providers (REST,
 * feeds, the turn order that holds their requests until the journal commits), each market's input (the journal's restore, the first client
 * id), the journal's write-ahead hook, and the supervisor actor that spawns them all.
 *
 * Entry point: {@link wire}. It creates the supervisor actor but does not start it (the handle does),
 * so everything attached here sees each actor's first event.
 */
import { type Actor, createActor } from 'xstate';
import { connectionMachine } from '../../machines/connection/connection.machine.js';
import type { ConnectionEmitted } from '../../machines/connection/connection.types.js';
import type { FrameRouter } from '../../machines/connection/frame-router.js';
import { marketMachine } from '../../machines/market/market.machine.js';
import type { MarketInput, MarketSettings } from '../../machines/market/market.types.js';
import type { LevelBook } from '../../grid/index.js';
import {
  type FrameStats,
  type LogSink,
  type SocketOrders,
  type StatusSource,
  WsSocketOrders,
  connectionStatus$,
  createFrameRouting,
  createMarketActors,
  createSocketActor,
  createTokenActor,
  emptyFrameStats,
  restDeadlineMs,
} from '../exchange/index.js';
import { type MarketRunRecord, attachSystemHook, bookOfRun, journalInspector } from '../journal/index.js';
import type { RuntimeOptions } from '../runtime.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { priorFiguresAtStart } from '../report/prior-figures.js';
import { CONNECTION_ID, marketActorId, supervisorMachine } from '../supervisor/supervisor.machine.js';
import { TurnOrder } from '../turn/index.js';
import type { ObservedActors, ObservedMarket } from './observers.js';
import type { Preflight } from './preflight.js';

export type SupervisorActor = Actor<typeof supervisorMachine>;

/** The runtime's actors, created and not started yet. */
export interface Wiring {
  readonly supervisor: SupervisorActor;
  readonly router: FrameRouter;
  readonly frames: FrameStats;
  /** WS order entry on the connection's current socket (one for the runtime's life; the router's port). */
  readonly socketOrders: SocketOrders;
  /** Tells the market feeds that the whole runtime stops: their unsubscribes are dropped from then on. */
  runtimeStopping(): void;
  /** Writes the journal's deferred reporting rows now (at stop). */
  flushJournal(): void;
  /** After a reload: the config markets spawned from now on take their order entry from. */
  useConfig(config: RuntimeConfig): void;
}

/** Creates the runtime's actors from a passed preflight (not started). */
export function wire(options: RuntimeOptions, pre: Preflight): Wiring {
  const { router, depthGaps } = createFrameRouting();
  const frames = emptyFrameStats();
  // The order of a turn (turn/turn-order.ts): frames in journal batches, the markets' requests held until their commit.
  const turn = new TurnOrder({ journal: options.journal ?? null });
  const logger = options.logger;
  const socketOrders = new WsSocketOrders(logger ? { logger } : {});
  const socket = createSocketActor({ wsUrl: pre.endpoint.wsUrl, router, depthGaps, stats: frames, turn, orders: socketOrders, ...(logger ? { logger } : {}) });
  const fetchToken = createTokenActor(pre.rest);
  // Replaced by a reload (useConfig): a restarted market's order entry is the new file's.
  let config = options.config;

  // The connection actor is spawned by the supervisor; the market feeds reach it through the system.
  const holder: { supervisor?: SupervisorActor } = {};
  const connectionRef = () => {
    const ref = holder.supervisor?.system.get(CONNECTION_ID) as Actor<typeof connectionMachine> | undefined;
    if (!ref) throw new Error('the connection actor is not running');
    return ref;
  };
  const statusSource: StatusSource = {
    getSnapshot: () => connectionRef().getSnapshot(),
    on: (type, handler) => connectionRef().on(type, handler as (e: ConnectionEmitted) => void),
  };
  let stopping = false;
  const marketActors = createMarketActors({
    rest: pre.rest,
    router,
    // An order may take as long as a REST request to land: placements stop that long before a kill-switch lease ends.
    leaseMarginMs: restDeadlineMs(options.config.markets.map((m) => m.killSwitch.timeoutSec)),
    connection: {
      // Once the whole runtime stops, the socket closes after the markets: their unsubscribes would
      // only make it re-send each shrinking channel set (and the exchange re-push every price), once
      // per market, which is quadratic in the markets for nothing.
      send: (event) => {
        if (event.type === 'unsubscribe' && stopping) return;
        connectionRef().send(event);
      },
    },
    status$: connectionStatus$(statusSource),
    turn,
    socketOrders,
    orderEntryOf: (market) => config.orderEntry[market] ?? 'rest',
  });
  const machine = supervisorMachine.provide({
    actors: {
      connection: connectionMachine.provide({ actors: { socket, fetchToken } }),
      market: marketMachine.provide({ actors: marketActors }),
    },
  });
  const startMs = Date.now();
  const markets = marketInputs(options, pre.lastRuns, startMs);
  // Each market's exact input is checkpointed before its actor exists, so replay starts where it did.
  for (const m of markets) options.journal?.beginMarketRun(m);
  // Reporting rows (intents, transitions, PnL) are written together every 250 ms, after a turn's I/O, so never before a counter-order leaves.
  const journalHook = options.journal
    ? journalInspector(options.journal, {
        beforeAppend: () => turn.enter(),
        onError: (error) => logger?.warn({ error: String(error) }, 'journal: a reporting row could not be written'),
      })
    : null;
  // The last actor of each market: a restart's client ids start above the ones it used.
  const lastActors = new Map<string, Actor<typeof marketMachine>>();
  const prepare = (settings: MarketSettings): MarketInput => {
    const nowMs = Date.now();
    const last = options.journal?.lastMarketRun(settings.market) ?? null;
    const usedSeq = lastActors.get(settings.market)?.getSnapshot().context.book?.nextSeq ?? 0;
    const input = marketInput(options, settings, last, Math.max(nowMs, usedSeq));
    options.journal?.beginMarketRun(input);
    return input;
  };
  const supervisor = createActor(machine, {
    input: {
      connection: { authenticate: true, seed: startMs % 2 ** 31 },
      markets,
      prepare,
      ...(options.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: options.shutdownTimeoutMs }),
    },
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  // Not an `inspect` observer: one would make XState copy every inspection event (system-hook.ts).
  if (journalHook) attachSystemHook(supervisor, journalHook);
  holder.supervisor = supervisor;
  const remember = (market: string) => {
    const ref = supervisor.system.get(marketActorId(market)) as Actor<typeof marketMachine> | undefined;
    if (ref) lastActors.set(market, ref);
  };
  for (const m of markets) remember(m.market);
  supervisor.on('market.started', (e) => remember(e.market));
  const observers = options.observers ?? [];
  if (observers.length > 0) {
    const actors = { ...observedActors(supervisor, markets), balances: () => pre.rest.tradeAccountBalance() };
    for (const observe of observers) observe(actors);
  }
  return {
    supervisor,
    router,
    frames,
    socketOrders,
    runtimeStopping: () => {
      stopping = true;
    },
    flushJournal: () => journalHook?.flush(),
    useConfig: (next) => {
      config = next;
    },
  };
}

/**
 * Returns the actors observers are told about. They exist before the supervisor starts: it spawns
 * the connection and every market in its initial entry, which XState resolves when the actor is
 * created, and a child's emitted events of its own first entry are delivered only once it starts.
 */
function observedActors(supervisor: SupervisorActor, markets: readonly MarketInput[]): ObservedActors {
  const system = supervisor.system;
  const observed = new Map<string, ObservedMarket>();
  for (const m of markets) {
    const ref = system.get(marketActorId(m.market)) as Actor<typeof marketMachine> | undefined;
    if (ref) observed.set(m.market, ref);
  }
  const connection = system.get(CONNECTION_ID) as Actor<typeof connectionMachine> | undefined;
  if (!connection) throw new Error('the supervisor spawned no connection actor');
  return {
    markets: observed,
    connection,
    supervisor,
    inspect: (observer) => system.inspect(observer),
    // Emitted before the new actor starts (supervisor.machine.ts): the handler sees its first event.
    marketStarted: (handler) =>
      supervisor.on('market.started', (e) => {
        const ref = system.get(marketActorId(e.market)) as Actor<typeof marketMachine> | undefined;
        if (ref) handler(e.market, ref);
      }),
  };
}

/**
 * Returns each market's input: its settings, the book its last run ended with when it adopts, and a
 * first client-id sequence above both the clock and the journal's (client ids never repeat a run's).
 */
function marketInputs(options: RuntimeOptions, lastRuns: ReadonlyMap<string, MarketRunRecord | null>, startMs: number): MarketInput[] {
  return options.config.markets.map((m) => marketInput(options, m, lastRuns.get(m.market) ?? null, startMs));
}

/**
 * Returns one market's input, at start or when a reload starts it: its journal's last run restores
 * the book (with `adopt`) exactly as a restart of the process does.
 */
function marketInput(options: RuntimeOptions, m: MarketSettings, last: MarketRunRecord | null, minSeq: number): MarketInput {
  const fromJournal = restoreFor(last, m, options.logger);
  const firstSeq = Math.max(minSeq, fromJournal?.nextSeq ?? 0);
  const restore = m.onStart === 'adopt' ? fromJournal : null;
  // The all-time figures of the reports are the earlier runs' recorded figures plus this run's.
  const priorFigures = options.journal ? priorFiguresAtStart(options.journal, m.market, last, fromJournal) : null;
  // Preflight refused every grid whose plan failed at start: one failing at its own load saw the price move (market.types.ts).
  return { ...m, firstSeq, restore, priorFigures, invalidPlan: 'wait', ...(options.marketOverrides?.[m.market] ?? {}) };
}

/**
 * Returns the book a market's last run ended with, when that run traded the same grid; a changed grid
 * spec starts afresh (reconciling then cancels orders of ours that no longer fit).
 */
function restoreFor(last: MarketRunRecord | null, m: MarketSettings, logger: LogSink | undefined): LevelBook | null {
  if (!last) return null;
  if (JSON.stringify(last.input.spec) !== JSON.stringify(m.spec)) {
    logger?.warn({ market: m.market }, 'journal: the grid spec changed since the last run; not restoring its book');
    return null;
  }
  return bookOfRun(last);
}
