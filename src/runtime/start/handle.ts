/**
 * The handle of a running runtime: it starts the wired supervisor and answers for it afterwards:
 * one status row per configured market (the last known one for a market that ended), the
 * connection's state, an ordered `stop`, and `done`.
 *
 * Entry point: {@link startHandle}.
 */
import type { Actor } from 'xstate';
import type { connectionMachine } from '../../machines/connection/connection.machine.js';
import type { marketMachine } from '../../machines/market/market.machine.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Runtime } from '../runtime.js';
import type { Journal } from '../journal/index.js';
import { type ReloadResult, applyReload } from '../reload/apply-reload.js';
import { NO_FIGURES } from '../report/fleet-figures.js';
import { ordersLeft } from '../report/orders-left.js';
import { type MarketStatus, marketStatus, statePath } from '../status/market-status.js';
import { CONNECTION_ID, marketActorId } from '../supervisor/supervisor.machine.js';
import type { Preflight } from './preflight.js';
import type { Wiring } from './wiring.js';

type MarketActor = Actor<typeof marketMachine>;

/** Starts the wired supervisor and returns the runtime's handle. */
export function startHandle(initial: RuntimeConfig, pre: Preflight, wiring: Wiring, journal?: Journal): Runtime {
  const sup = wiring.supervisor;
  // A reload replaces it: the status rows are the grids of the file the fleet runs now.
  let config = initial;
  const marketRef = (market: string) => sup.system.get(marketActorId(market)) as MarketActor | undefined;
  // Each market actor, kept from before the start (the supervisor spawned them all when it was
  // created): once a market has ended and left the system, its actor still holds its last snapshot,
  // so its final row (fills, PnL, reason) comes from there, at no cost per transition.
  const actors = new Map<string, MarketActor>();
  for (const m of config.markets) {
    const ref = marketRef(m.market);
    if (ref) actors.set(m.market, ref);
  }
  // A market a reload starts replaces its last actor here (a removed one keeps its last, for ordersLeft).
  sup.on('market.started', (e) => {
    const ref = marketRef(e.market);
    if (ref) actors.set(e.market, ref);
  });
  const done = new Promise<void>((resolve) => {
    sup.subscribe({ complete: () => resolve(), error: () => resolve() });
  });
  sup.start();

  const statuses = (nowMs = Date.now()): MarketStatus[] =>
    config.markets.map((m) => {
      const ref = marketRef(m.market);
      if (ref && ref.getSnapshot().status === 'active') return marketStatus(ref.getSnapshot(), nowMs);
      const outcome = sup.getSnapshot().context.outcomes[m.market];
      const last = actors.get(m.market)?.getSnapshot();
      const base: MarketStatus = last
        ? marketStatus(last, nowMs)
        : {
            market: m.market,
            state: 'stopped',
            liveOrders: 0,
            pendingOrders: 0,
            fills: 0,
            realisedPnl: '0',
            fees: '0',
            inventory: '0',
            quoteAsset: null,
            allTime: NO_FIGURES,
            killSwitchSeconds: null,
            stopReason: null,
            waitingForPrice: 0,
            reason: null,
          };
      const state = outcome?.outcome === 'failed' ? 'failed' : outcome?.outcome === 'stopped' || !ref ? 'stopped' : base.state;
      const ended = state === 'stopped' || state === 'failed';
      return {
        ...base,
        state,
        liveOrders: ended ? 0 : base.liveOrders,
        killSwitchSeconds: ended ? null : base.killSwitchSeconds,
        stopReason: ended ? (outcome?.reason ?? base.stopReason ?? base.reason) : base.stopReason,
        reason: outcome?.reason ?? base.reason,
      };
    });
  const connectionState = (): string => {
    const ref = sup.system.get(CONNECTION_ID) as Actor<typeof connectionMachine> | undefined;
    if (!ref) return 'stopped';
    // `connection.open.idle` reads better as `open`.
    return (
      statePath(ref.getSnapshot().value)
        .replace(/^connection\./, '')
        .split('.')[0] ?? 'unknown'
    );
  };

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      wiring.runtimeStopping();
      if (sup.getSnapshot().status === 'active') sup.send({ type: 'shutdown', reason });
      await done;
      sup.stop();
      wiring.flushJournal();
      await pre.rest.close();
      await pre.endpoint.sim?.close();
    })();
    return stopping;
  };

  let reloads: Promise<unknown> = Promise.resolve();
  const reload = (next: RuntimeConfig): Promise<ReloadResult> => {
    const target = {
      supervisor: sup,
      rest: pre.rest,
      journal,
      current: () => config,
      adopt: (c: RuntimeConfig) => {
        config = c;
        wiring.useConfig(c);
      },
    };
    const result = reloads.then(() => applyReload(target, next));
    reloads = result.catch(() => undefined);
    return result;
  };

  return {
    // Every market's actor is kept (above), so its last snapshot answers even after a budget cut.
    ordersLeft: () => [...actors.values()].flatMap((a) => ordersLeft(a.getSnapshot()) ?? []),
    supervisor: sup,
    sim: pre.endpoint.sim,
    rest: pre.rest,
    router: wiring.router,
    frames: wiring.frames,
    restUrl: pre.endpoint.restUrl,
    wsUrl: pre.endpoint.wsUrl,
    statuses,
    connectionState,
    stop,
    done,
    reload,
  };
}
