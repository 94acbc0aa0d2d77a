/**
 * Wires one running gridbot: the exchange (embedded simulator, an external one, or live WhiteBIT),
 * the REST client, the frame router, the supervisor with its connection and market actors.
 *
 * `startRuntime` composes three steps, each in its own module under `start/`: preflight checks
 * everything that can be checked before an order is sent (credentials, the exchange's market list,
 * a second bot on the account) and throws a {@link RuntimeStartError} without touching any order;
 * wiring creates the actors; the handle starts them and answers for them (statuses, stop).
 */
import type { Actor, InspectionEvent } from 'xstate';
import type { RestObserver, WhitebitRestClient } from '../adapters/whitebit/index.js';
import type { FrameRouter } from '../machines/connection/frame-router.js';
import type { MarketInput } from '../machines/market/market.types.js';
import type { Simulator, startSimulator } from '../sim/index.js';
import type { RuntimeConfig } from './config/runtime-config.js';
import type { ReloadResult } from './reload/apply-reload.js';
import type { FrameStats, LogSink } from './exchange/index.js';
import type { Journal } from './journal/index.js';
import type { OrdersLeft } from './report/orders-left.js';
import type { MarketStatus } from './status/market-status.js';
import type { supervisorMachine } from './supervisor/supervisor.machine.js';
import { startHandle } from './start/handle.js';
import type { RuntimeObserver } from './start/observers.js';
import { preflight } from './start/preflight.js';
import { wire } from './start/wiring.js';

export { RuntimeStartError, embeddedSimulatorOptions } from './start/preflight.js';
export type { ObservedActors, RuntimeObserver } from './start/observers.js';

export interface RuntimeOptions {
  readonly config: RuntimeConfig;
  /** Use an external exchange (e.g. `gridbot sim` in another process) instead of the embedded one. */
  readonly exchangeUrl?: { readonly restUrl: string; readonly wsUrl: string };
  /** Required for `exchange: whitebit`: trading real money is never a default. */
  readonly live?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: LogSink;
  /**
   * Every inspection event of every actor, from the start (tests' waits). Runs synchronously inside
   * every transition, ~15 times per fill: observers should rather use `observers`.
   */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Told the actors before they start (market log, metrics, inspector): see start/observers.ts. */
  readonly observers?: readonly RuntimeObserver[];
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
  /** After `stop`: the markets whose cancel-all never went through, with the orders that may rest (report/orders-left.ts). */
  ordersLeft(): OrdersLeft[];
  /** Stops every market (cancelling or leaving its orders as configured), then the connection; resolves when done. */
  stop(reason: string): Promise<void>;
  /** Resolves when the supervisor has stopped (after `stop`, or once every market ended on its own). */
  readonly done: Promise<void>;
  /**
   * Applies a new config (validated as a whole) to the running fleet, or refuses it with nothing
   * sent (reload/apply-reload.ts). Reloads run one after another; each resolves once the grids it
   * stopped have ended.
   */
  reload(next: RuntimeConfig): Promise<ReloadResult>;
}

/**
 * Starts a runtime: {@link preflight} (every check that can refuse before an order is sent), then
 * {@link wire} (the actors and what they are given), then {@link startHandle} (starts the supervisor).
 * @throws RuntimeStartError (or the journal's error) from preflight, with nothing sent
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const pre = await preflight(options);
  return startHandle(options.config, pre, wire(options, pre), options.journal);
}
