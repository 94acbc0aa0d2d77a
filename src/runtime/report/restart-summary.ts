/**
 * After a restart, one line per market saying what its start-up reconcile did:
 * `DBTC_DUSDT after restart: adopted 3, cancelled 1 strays, placed 1 missed counter-orders, 0 levels waiting for price`.
 *
 * It listens to the typed `market.reconciled` event (market.emitted.ts). The first reconcile of a
 * market that starts with `onStart: adopt` is its start-up one (the machine goes init → reconciling);
 * that one is the restart line, for the log and the terminal (`at start` instead of `after restart`
 * when the journal had no book of the market to restore, e.g. a first run). Later reconciles (after a reconnect,
 * an unknown outcome) are logged with the same counts and are not announced on the terminal.
 *
 * Entry points: `restartSummaryObserver(sink)` for `startRuntime({ observers })`, `reconcileText`,
 * `levelsWaitingForPrice`.
 */
import { type MarketEmittedOf, type MarketSnapshot, type ObservedMarket, type RuntimeObserver, eachMarket } from '../start/observers.js';

/** What one reconcile of a market did. */
export interface ReconcileSummary {
  readonly market: string;
  /** The start-up reconcile of a restart (true) or a later one. */
  readonly restart: boolean;
  readonly adopted: number;
  readonly strays: number;
  readonly missedCounterOrders: number;
  readonly waitingForPrice: number;
}

/** Where the lines go: `announce` is true for the restart line (log and terminal), false for a later reconcile (log only). */
export type ReconcileSink = (summary: ReconcileSummary, line: string, announce: boolean) => void;

/** Returns how many of the market's levels wait for the price to let their order rest as a maker again (grid/price-wait.ts). */
export function levelsWaitingForPrice(snapshot: MarketSnapshot): number {
  return snapshot.context.book?.waiting.size ?? 0;
}

/** Returns the line's text after the market name. */
export function reconcileText(s: Omit<ReconcileSummary, 'market' | 'restart'>): string {
  return (
    `adopted ${s.adopted}, cancelled ${s.strays} strays, placed ${s.missedCounterOrders} missed counter-orders, ` +
    `${s.waitingForPrice} levels waiting for price`
  );
}

/** Reports each reconcile of one market to `sink`. */
export function watchReconciles(market: string, actor: ObservedMarket, sink: ReconcileSink): void {
  let first = true;
  actor.on('market.reconciled', (e: MarketEmittedOf<'market.reconciled'>) => {
    const snapshot = actor.getSnapshot();
    const restart = first && snapshot.context.settings.onStart === 'adopt';
    // A first run with `adopt` has nothing of its own to restart from: the same line, named for what it is.
    const label = !restart ? 'reconciled' : snapshot.context.settings.restore !== null ? 'after restart' : 'at start';
    first = false;
    const summary: ReconcileSummary = {
      market,
      restart,
      adopted: e.adopted,
      strays: e.strays,
      missedCounterOrders: e.missedCounterOrders,
      waitingForPrice: levelsWaitingForPrice(snapshot),
    };
    sink(summary, `${market} ${label}: ${reconcileText(summary)}`, restart);
  });
}

/** Returns an observer that reports every market's reconciles to `sink`. */
export function restartSummaryObserver(sink: ReconcileSink): RuntimeObserver {
  return (actors) => {
    eachMarket(actors, (market, actor) => watchReconciles(market, actor, sink));
  };
}
