/**
 * Applies a new markets.yaml to a running fleet, all or nothing: the plan (reload-plan.ts) refuses
 * what cannot change live; every grid the reload starts (added or changed) must pass the checks a
 * start makes before anything is sent (listed market, plan placeable at the last price, no other
 * bot's kill-switch on an added market: start/preflight.ts); only then is the plan sent to the
 * supervisor, which owns the actors (supervisor.machine.ts). A refusal leaves the fleet untouched:
 * nothing is sent to any market actor.
 *
 * Entry point: {@link applyReload}; it resolves once the markets it stopped have ended (and the
 * changed ones were started again), with what was done.
 */
import type { Actor } from 'xstate';
import type { WhitebitRestClient } from '../../adapters/whitebit/index.js';
import type { marketMachine } from '../../machines/market/market.machine.js';
import type { ConfigIssue } from '../config/index.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Journal } from '../journal/index.js';
import { ordersLeft } from '../report/orders-left.js';
import { marketStatus } from '../status/market-status.js';
import { RuntimeStartError, checkForeignTimers, checkMarkets } from '../start/preflight.js';
import { type supervisorMachine, marketActorId } from '../supervisor/supervisor.machine.js';
import { type ReloadPlan, planReload } from './reload-plan.js';

/** A removed grid as it ended: the orders its `onStop` cancelled or left, and whether its cancel-all failed. */
export interface RemovedGrid {
  readonly market: string;
  readonly onStop: 'cancel' | 'leave';
  /** Live orders when it was told to stop. */
  readonly orders: number;
  /** True when its cancel-all on stop never went through (orders may rest under the kill-switch). */
  readonly cancelFailed: boolean;
}

export type ReloadResult =
  | { readonly kind: 'applied'; readonly plan: ReloadPlan; readonly removed: readonly RemovedGrid[] }
  /** Nothing was sent: `reasons` say why, `issues` name grids at file:line:col. */
  | { readonly kind: 'refused'; readonly reasons: readonly string[]; readonly issues: readonly ConfigIssue[] };

export interface ReloadTarget {
  readonly supervisor: Actor<typeof supervisorMachine>;
  readonly rest: WhitebitRestClient;
  readonly journal?: Journal | undefined;
  /** The config the fleet runs now. */
  current(): RuntimeConfig;
  /** Makes `next` the config the fleet runs (statuses, order entry of new actors). */
  adopt(next: RuntimeConfig): void;
}

type MarketActor = Actor<typeof marketMachine>;

/** Applies `next` to the fleet, or refuses it with nothing sent. */
export async function applyReload(target: ReloadTarget, next: RuntimeConfig): Promise<ReloadResult> {
  const { supervisor } = target;
  const refused = (reasons: string[], issues: readonly ConfigIssue[] = []): ReloadResult => ({ kind: 'refused', reasons, issues });
  if (supervisor.getSnapshot().value !== 'running') return refused(['the fleet is stopping']);
  const decision = planReload(target.current(), next);
  if (decision.kind === 'refused') return refused([...decision.reasons]);
  const { plan } = decision;
  try {
    const starting = new Set([...plan.added, ...plan.changed].map((m) => m.market));
    if (starting.size > 0) await checkMarkets(target.rest, next, starting);
    if (plan.added.length > 0) {
      const offsetMs = await target.rest.syncTime();
      await checkForeignTimers(
        target.rest,
        plan.added.map((m) => m.market),
        (market) => target.journal?.lastMarketRun(market) ?? null,
        offsetMs,
      );
    }
  } catch (e) {
    if (e instanceof RuntimeStartError) return refused([e.message], e.issues);
    throw e;
  }
  // The checks took a moment: the fleet may have begun stopping meanwhile.
  if (supervisor.getSnapshot().value !== 'running') return refused(['the fleet is stopping']);

  const actorOf = (market: string) => supervisor.system.get(marketActorId(market)) as MarketActor | undefined;
  const stopping = [...plan.removed, ...plan.changed.map((m) => m.market)].filter((m) => actorOf(m)?.getSnapshot().status === 'active');
  const removedActors = new Map(plan.removed.flatMap((m) => (actorOf(m) ? [[m, actorOf(m) as MarketActor] as const] : [])));
  const ordersAtStop = new Map([...removedActors].map(([m, ref]) => [m, marketStatus(ref.getSnapshot(), Date.now()).liveOrders]));
  const ended = waitForEnds(supervisor, stopping);
  target.adopt(next);
  supervisor.send({ type: 'reload', plan });
  await ended;
  const removed = plan.removed.map((market): RemovedGrid => {
    const ref = removedActors.get(market);
    return {
      market,
      onStop: ref?.getSnapshot().context.settings.onStop ?? 'cancel',
      orders: ordersAtStop.get(market) ?? 0,
      cancelFailed: ordersLeft(ref?.getSnapshot() ?? null) !== null,
    };
  });
  return { kind: 'applied', plan, removed };
}

/** Resolves once every market of `markets` has ended (or the supervisor did). */
function waitForEnds(supervisor: Actor<typeof supervisorMachine>, markets: readonly string[]): Promise<void> {
  const waiting = new Set(markets);
  if (waiting.size === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      outcome.unsubscribe();
      end.unsubscribe();
      resolve();
    };
    const outcome = supervisor.on('market.outcome', (e) => {
      waiting.delete(e.market);
      if (waiting.size === 0) done();
    });
    const end = supervisor.subscribe({ complete: done, error: done });
  });
}
