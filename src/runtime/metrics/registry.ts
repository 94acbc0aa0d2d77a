/**
 * One runtime's metrics and health: a prom-client `Registry` of its own (never the global default,
 * so tests that start several runtimes in one process do not clash), the default process metrics,
 * and the market, connection and REST metrics.
 *
 * Entry points: `createRuntimeMetrics()`, then pass `observe` (to `observers`) and `restObserver`
 * to `startRuntime`, and `attach(runtime)` once it started. `scrape()` is the `/metrics` body and
 * `health()` the `/health` verdict; both work before `attach` (the runtime is then reported as
 * starting).
 *
 * Cost on the order path: per market, one listener per emitted event type it counts (market.emitted.ts),
 * which only increments counters or stores a timestamp; the supervisor's `shutdown`; and the
 * connection actor's snapshots (not on the fill path). No inspection stream: with nothing else
 * inspecting, XState builds no inspection event at all. Everything that reads a snapshot's book
 * runs in `scrape()`, once per scrape.
 */
import type { SnapshotFrom } from 'xstate';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { RestObserver } from '../../adapters/whitebit/index.js';
import { parseDecimal, toPlain } from '../../grid/index.js';
import type { marketMachine } from '../../machines/market/market.machine.js';
import type { Runtime } from '../runtime.js';
import { type MarketEvents, type ObservedActors, type RuntimeObserver, eachMarket } from '../start/observers.js';
import { marketActorId } from '../supervisor/supervisor.machine.js';
import { ConnectionMetrics } from './connection-metrics.js';
import { type HealthReport, type HealthWaiting, evaluateHealth } from './health.js';
import { MarketMetrics, type MarketRow } from './market-metrics.js';
import { restMetrics } from './rest-metrics.js';
import { StateTracker, connectionTop } from './state-tracker.js';

/** The parts of a {@link Runtime} the metrics read. */
export type MetricsRuntime = Pick<Runtime, 'statuses' | 'connectionState' | 'frames' | 'router' | 'supervisor'>;

export interface RuntimeMetrics {
  readonly registry: Registry;
  /** Pass to `startRuntime({ observers })`. */
  readonly observe: RuntimeObserver;
  /** Pass to `startRuntime({ restObserver })`. */
  readonly restObserver: RestObserver;
  /** Connects the scrape-time metrics and health to a started runtime. */
  attach(runtime: MetricsRuntime): void;
  /** Returns the `/metrics` body (Prometheus text format, `registry.contentType`). */
  scrape(): Promise<string>;
  /** Returns the `/health` verdict now. */
  health(): HealthReport;
}

export interface RuntimeMetricsOptions {
  /** Epoch ms (default Date.now). */
  readonly now?: () => number;
  /** Default true; tests of the pure parts turn the process metrics off. */
  readonly defaultMetrics?: boolean;
  /** markets.yaml `health.missingLevelsAfter`, in ms (default 600 s): see health.ts. */
  readonly missingLevelsAfterMs?: number;
  /** markets.yaml `exchange` (sim, whitebit, paper): exported as `gridbot_exchange_info{exchange}` 1. */
  readonly exchange?: string;
}

type MarketSnapshot = SnapshotFrom<typeof marketMachine>;

export function createRuntimeMetrics(options: RuntimeMetricsOptions = {}): RuntimeMetrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  if (options.exchange !== undefined) {
    const info = new Gauge({
      name: 'gridbot_exchange_info',
      help: 'The exchange the bot trades on (sim, whitebit or paper: live prices, local fills); always 1.',
      labelNames: ['exchange'],
      registers: [registry],
    });
    info.set({ exchange: options.exchange }, 1);
  }
  const markets = new MarketMetrics(registry);
  const connection = new ConnectionMetrics(registry);
  const tracker = new StateTracker(now);
  const perfNow = () => performance.now();
  let runtime: MetricsRuntime | null = null;
  // Since when each market has had levels waiting for price (market.waiting: rare, never per fill).
  const waitingSince = new Map<string, number>();

  const watchMarket = (market: string, events: MarketEvents): void => {
    const e = markets.entry(market);
    events.on('market.state', (ev) => void tracker.market(market, ev.state, ev.cause));
    events.on('market.fill', (ev) => {
      if (ev.dealId !== null) markets.fill(e, runtime?.frames ?? null);
    });
    events.on('market.ordersSent', (ev) => markets.sentOrders(e, ev.via, ev.intents, runtime?.frames ?? null, perfNow));
    events.on('market.ordersAnswered', (ev) => markets.answered(e, ev.outcomes));
    events.on('market.batchFailed', () => markets.batchFailed(e));
    events.on('market.waiting', (ev) => {
      if (ev.waiting === 0) waitingSince.delete(market);
      else if (!waitingSince.has(market)) waitingSince.set(market, now());
    });
  };

  // The connection's snapshots: rare (replies, pings, gaps), never per fill. Its depth-gap resubscribes
  // are the gaps the router counted while it was open: each reaches it at once, as its own event.
  let gapsSeen = 0;
  const watchConnection = (actors: ObservedActors): void => {
    actors.connection.subscribe({
      next: (snap) => {
        const gaps = runtime?.router.stats.depthGaps ?? 0;
        if (gaps > gapsSeen && tracker.connectionState()?.state === 'open') connection.depthGapResubscribe(gaps - gapsSeen);
        gapsSeen = gaps;
        const change = tracker.connection(snap.value);
        if (change) connection.stateChanged(change.from, connectionTop(snap.value));
      },
      error: () => {},
    });
  };

  const observe: RuntimeObserver = (actors) => {
    eachMarket(actors, watchMarket);
    actors.supervisor.on('shutdown', () => tracker.shutdownRequested());
    watchConnection(actors);
  };

  const activeSnapshot = (rt: MetricsRuntime, market: string): MarketSnapshot | null => {
    const ref = rt.supervisor.system.get(marketActorId(market)) as { getSnapshot(): MarketSnapshot } | undefined;
    const snap = ref?.getSnapshot();
    return snap && snap.status === 'active' ? snap : null;
  };

  /** A market's levels waiting for price and where its price is, read from its snapshot at health time. */
  const waitingOf = (rt: MetricsRuntime, market: string): HealthWaiting | undefined => {
    const since = waitingSince.get(market);
    const c = since === undefined ? null : (activeSnapshot(rt, market)?.context ?? null);
    if (since === undefined || c === null || c.book === null || c.plan === null) return undefined;
    const first = c.plan.levels[0]?.price;
    const last = c.plan.levels.at(-1)?.price;
    const price = c.lastPrice === null ? null : parseDecimal(c.lastPrice);
    const inRange = price !== null && first !== undefined && last !== undefined && price.gte(first) && price.lte(last);
    const range = first !== undefined && last !== undefined ? { lower: toPlain(first), upper: toPlain(last) } : null;
    return { levels: c.book.waiting.size, since, price: c.lastPrice, range, inRange };
  };

  const trackedSince = (market: string, state: string): number | null => {
    const t = tracker.marketState(market);
    const top = state.split('.')[0] ?? state;
    // After the actor ended, the row says stopped/failed: the time it entered `killed` is the one that counts.
    return t !== null && (t.state === top || top === 'stopped' || top === 'failed') ? t.since : null;
  };

  return {
    registry,
    observe,
    restObserver: restMetrics(registry),
    attach(rt) {
      runtime = rt;
    },
    async scrape() {
      const rt = runtime;
      if (rt !== null) {
        const rows: MarketRow[] = rt.statuses(now()).map((status) => ({
          status,
          context: activeSnapshot(rt, status.market)?.context ?? null,
          since: trackedSince(status.market, status.state),
        }));
        markets.refresh(rows);
      }
      connection.refresh(
        rt === null
          ? null
          : {
              frames: rt.frames,
              router: rt.router,
              state: () => rt.connectionState(),
              since: () => {
                const t = tracker.connectionState();
                return t !== null && t.state === rt.connectionState() ? t.since : null;
              },
            },
      );
      return registry.metrics();
    },
    health() {
      const rt = runtime;
      const t = now();
      if (rt === null) {
        return evaluateHealth({ now: t, starting: true, shuttingDown: false, connection: { state: 'starting', since: null }, markets: [] });
      }
      const connState = rt.connectionState();
      const tc = tracker.connectionState();
      return evaluateHealth({
        now: t,
        starting: false,
        shuttingDown: rt.supervisor.getSnapshot().value !== 'running',
        connection: { state: connState, since: tc !== null && tc.state === connState ? tc.since : null },
        missingLevelsAfterMs: options.missingLevelsAfterMs,
        markets: rt.statuses(t).map((s) => ({
          waiting: waitingOf(rt, s.market),
          market: s.market,
          state: s.state,
          since: trackedSince(s.market, s.state),
          reason: s.reason,
          stopCause: tracker.marketState(s.market)?.stopCause ?? null,
          routine: tracker.marketState(s.market)?.routine ?? false,
        })),
      });
    },
  };
}
