/**
 * One runtime's metrics and health: a prom-client `Registry` of its own (never the global default,
 * so tests that start several runtimes in one process do not clash), the default process metrics,
 * and the market, connection and REST metrics.
 *
 * Entry points: `createRuntimeMetrics()`, then pass `inspect` (combined with any other observer) and
 * `restObserver` to `startRuntime`, and `attach(runtime)` once it started. `scrape()` is the
 * `/metrics` body and `health()` the `/health` verdict; both work before `attach` (the runtime is
 * then reported as starting).
 *
 * Cost on the order path: `inspect` runs synchronously inside every actor transition. It returns at
 * once for event types it does not use, finds its per-actor entry with one WeakMap lookup, and then
 * only increments counters or stores a timestamp. Everything that reads a snapshot's book runs in
 * `scrape()`, once per scrape.
 */
import type { ActorRefLike, InspectionEvent, SnapshotFrom } from 'xstate';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { RestObserver } from '../../adapters/whitebit/index.js';
import type { PlacementOutcome } from '../../grid/index.js';
import type { marketMachine } from '../../machines/market/market.machine.js';
import type { DeskPlace, MarketContext, MarketEvent } from '../../machines/market/market.types.js';
import type { Runtime } from '../runtime.js';
import { CONNECTION_ID, marketActorId } from '../supervisor/supervisor.machine.js';
import { ConnectionMetrics } from './connection-metrics.js';
import { type HealthReport, evaluateHealth } from './health.js';
import { type MarketEntry, MarketMetrics, type MarketRow } from './market-metrics.js';
import { restMetrics } from './rest-metrics.js';
import { StateTracker, connectionTop } from './state-tracker.js';

/** The parts of a {@link Runtime} the metrics read. */
export type MetricsRuntime = Pick<Runtime, 'statuses' | 'connectionState' | 'frames' | 'router' | 'supervisor'>;

export interface RuntimeMetrics {
  readonly registry: Registry;
  /** Pass to `startRuntime({ inspect })`. */
  readonly inspect: (event: InspectionEvent) => void;
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
}

/** The supervisor's market actor ids (`marketActorId`) start with this. */
const MARKET_PREFIX = marketActorId('');
const CONNECTION = Symbol('connection');
type ActorKind = MarketEntry | typeof CONNECTION | null;

type MarketSnapshot = SnapshotFrom<typeof marketMachine>;

export function createRuntimeMetrics(options: RuntimeMetricsOptions = {}): RuntimeMetrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const markets = new MarketMetrics(registry);
  const connection = new ConnectionMetrics(registry);
  const tracker = new StateTracker(now);
  const perfNow = () => performance.now();
  let runtime: MetricsRuntime | null = null;

  // Actor refs are classified once: a market entry, the connection, or nothing we track.
  const kinds = new WeakMap<object, ActorKind>();
  const kindOf = (ref: ActorRefLike | undefined): ActorKind => {
    if (ref === undefined) return null;
    let k = kinds.get(ref);
    if (k === undefined) {
      const id = (ref as { id?: unknown }).id;
      k = typeof id !== 'string' ? null : id === CONNECTION_ID ? CONNECTION : id.startsWith(MARKET_PREFIX) ? markets.entry(id.slice(MARKET_PREFIX.length)) : null;
      kinds.set(ref, k);
    }
    return k;
  };

  const inspect = (ie: InspectionEvent): void => {
    if (ie.type === '@xstate.snapshot') {
      const k = kindOf(ie.actorRef);
      if (k === null) return;
      const snap = ie.snapshot as { value?: unknown; context?: MarketContext };
      if (k === CONNECTION) {
        const change = tracker.connection(snap.value);
        if (change) connection.stateChanged(change.from, connectionTop(snap.value));
        return;
      }
      tracker.market(k.market, (snap.value as { lifecycle?: unknown } | undefined)?.lifecycle, ie.event.type);
      markets.snapshot(k, snap.context, perfNow);
      return;
    }
    if (ie.type !== '@xstate.event') return;
    const target = kindOf(ie.actorRef);
    if (target === CONNECTION) {
      if (ie.event.type === 'socket.depthGap' && tracker.connectionState()?.state === 'open') connection.depthGapResubscribe();
      return;
    }
    if (target !== null) {
      const e = ie.event as MarketEvent | { type: string; output?: unknown };
      switch (e.type) {
        case 'feed.deal': {
          const stamp = runtime?.frames.dealDecodedAt ?? -1;
          markets.deal(target, stamp >= 0 ? stamp : performance.now());
          return;
        }
        case 'desk.result':
          markets.answered(target, (e as Extract<MarketEvent, { type: 'desk.result' }>).outcomes);
          return;
        case 'xstate.done.actor.placeBatch':
          markets.answered(target, (e as { output: readonly PlacementOutcome[] }).output);
          return;
        case 'xstate.error.actor.placeBatch':
          markets.batchFailed(target);
          return;
        case 'stop':
          tracker.stopRequested(target.market);
          return;
        default:
          return;
      }
    }
    if (ie.event.type === 'desk.place') {
      const source = kindOf(ie.sourceRef);
      if (source !== null && source !== CONNECTION) markets.deskPlace(source, (ie.event as DeskPlace).intents);
    }
  };

  const activeSnapshot = (rt: MetricsRuntime, market: string): MarketSnapshot | null => {
    const ref = rt.supervisor.system.get(marketActorId(market)) as { getSnapshot(): MarketSnapshot } | undefined;
    const snap = ref?.getSnapshot();
    return snap && snap.status === 'active' ? snap : null;
  };

  const trackedSince = (market: string, state: string): number | null => {
    const t = tracker.marketState(market);
    const top = state.split('.')[0] ?? state;
    // After the actor ended, the row says stopped/failed: the time it entered `killed` is the one that counts.
    return t !== null && (t.state === top || top === 'stopped' || top === 'failed') ? t.since : null;
  };

  return {
    registry,
    inspect,
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
        markets: rt.statuses(t).map((s) => ({
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
