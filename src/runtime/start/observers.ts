/**
 * How the runtime's observers (market log, metrics, inspector) reach its actors.
 *
 * An observer is told the actors once, after the supervisor spawned them and before any of them
 * starts, so it sees every market's first `market.state`. A market spawned later by a reload (added,
 * or restarted with new settings) is told through `marketStarted`, also before it starts:
 * {@link eachMarket} watches both.
 *
 * What an observer should listen to, cheapest first:
 * - a market's typed emitted events (`market.*`, market.emitted.ts) with `on(type, handler)`: a
 *   market nobody listens to pays one map lookup per emit, a listener runs only for its type;
 * - the supervisor's emitted events (`market.outcome`, `shutdown`), the connection's snapshots;
 * - `inspect`: XState's whole inspection stream, every event of every actor (~15 per fill). Only
 *   for what the typed events do not say (the chart's transitions while the inspector's page is
 *   open, a recording), and unsubscribed as soon as nobody needs it.
 */
import type { InspectionEvent, Observer, SnapshotFrom, Subscription } from 'xstate';
import type { connectionMachine } from '../../machines/connection/connection.machine.js';
import type { MarketEmitted } from '../../machines/market/market.emitted.js';
import type { marketMachine } from '../../machines/market/market.machine.js';
import type { SupervisorEmitted } from '../supervisor/supervisor.machine.js';

export type MarketEmittedType = MarketEmitted['type'];
export type MarketEmittedOf<K extends MarketEmittedType> = Extract<MarketEmitted, { readonly type: K }>;
/** XState's typing of `on`'s handler argument (`*`: every emitted event). */
type Emitted<E, K> = E & (K extends '*' ? unknown : { type: K });
export type MarketSnapshot = SnapshotFrom<typeof marketMachine>;

/** A market actor's emitted events, by type. */
export interface MarketEvents {
  on<K extends MarketEmittedType | '*'>(type: K, handler: (event: Emitted<MarketEmitted, K>) => void): Subscription;
}

/** Any actor's current snapshot, read on demand. */
export interface SnapshotSource<S> {
  readonly id: string;
  getSnapshot(): S;
}

/** A market actor as observers see it: its events, and its snapshot to read on demand (never per event). */
export interface ObservedMarket extends MarketEvents, SnapshotSource<MarketSnapshot> {}

/** The connection actor as observers see it: its snapshots, one per event it handles (never per fill). */
export interface ObservedConnection extends SnapshotSource<SnapshotFrom<typeof connectionMachine>> {
  subscribe(observer: Partial<Observer<SnapshotFrom<typeof connectionMachine>>>): Subscription;
}

/** The supervisor as observers see it. */
export interface ObservedSupervisor extends SnapshotSource<{ readonly value: unknown; readonly status: string }> {
  on<K extends SupervisorEmitted['type'] | '*'>(type: K, handler: (event: Emitted<SupervisorEmitted, K>) => void): Subscription;
}

/** What an observer is told once the supervisor spawned its actors. */
export interface ObservedActors {
  /** Every configured market's actor, by market name. */
  readonly markets: ReadonlyMap<string, ObservedMarket>;
  readonly connection: ObservedConnection;
  readonly supervisor: ObservedSupervisor;
  /** Subscribes to XState's whole inspection stream (see the module doc for when). */
  inspect(observer: (event: InspectionEvent) => void): Subscription;
  /** Reads the exchange's trade-account balances (one signed REST call, never on the fill path); absent in tests without an exchange. */
  readonly balances?: () => Promise<Readonly<Record<string, { readonly available: string; readonly freeze: string }>>>;
  /** Tells `handler` each market actor a reload spawns (added or restarted), before it starts. */
  marketStarted(handler: (market: string, actor: ObservedMarket) => void): Subscription;
}

/** Runs `watch` for every market: the ones running now and each one a reload starts later. */
export function eachMarket(actors: ObservedActors, watch: (market: string, actor: ObservedMarket) => void): void {
  for (const [market, actor] of actors.markets) watch(market, actor);
  actors.marketStarted(watch);
}

/** Told once, before any actor starts; subscribes to what it needs. */
export type RuntimeObserver = (actors: ObservedActors) => void;
