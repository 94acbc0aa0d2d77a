/**
 * The notifier: turns what the actors tell their observers into notifications, and sends them to
 * every target (delivery.ts), off the fill path.
 *
 * Sources, all read by observers (start/observers.ts), never by the machines:
 * - `market.state` entering `killed`: a risk stop (the event was a `feed.price` breaching `risk:`,
 *   as metrics/state-tracker.ts tells it) or any other stop, with the market's stop reason. Stops
 *   after the supervisor's `shutdown` (the operator stopping the whole bot) are not told: the
 *   operator is there. A market whose actor failed is told from the supervisor's `market.outcome`.
 * - `market.waiting`: levels waiting for price start a timer of `waitingForPriceAfterSec`; told once
 *   per episode if some still wait when it fires, re-armed when none waits any more.
 * - the connection's snapshots: a reconnect is `open` → anything but `stopped`; `reconnects` of them
 *   within `withinMin` minutes is a storm, told once, and the count starts again.
 * - a timer at `dailySummaryAt` (UTC) reads the status rows (`Runtime.statuses()`) for the summary.
 *
 * An actor's handler only records; building the message and the HTTP request runs in the turn
 * order's after-turn phase (turn/turn-order.ts `afterTurn`) or on the notifier's own timers, so a
 * counter-order never waits for it. Entry point: {@link createNotifier}.
 */
import type { SimClock } from '../../sim/clock.js';
import type { NotifyConfig } from '../config/notify-schema.js';
import type { MarketLogSink } from '../market-log.js';
import { connectionTop, topOfPath } from '../metrics/state-tracker.js';
import { type RuntimeObserver, eachMarket } from '../start/observers.js';
import type { MarketStatus } from '../status/market-status.js';
import { afterTurn } from '../turn/index.js';
import { type DeliveryOptions, TargetDelivery } from './delivery.js';
import type { GridSummary, NotifyEvent } from './messages.js';
import { type ResolvedTarget, buildRequest } from './targets.js';

/** How long `close` may take to send what is queued at stop. */
export const FLUSH_WITHIN_MS = 5_000;

const DAY_MS = 86_400_000;

export interface NotifierOptions {
  readonly config: NotifyConfig;
  readonly botId: string;
  readonly targets: readonly ResolvedTarget[];
  readonly clock: SimClock;
  readonly log: MarketLogSink;
  /** Defers building and queueing to after the turn (default `afterTurn`); tests may run it at once. */
  readonly defer?: (work: () => void) => void;
  /** Overrides of the delivery's retry and queue settings (tests). */
  readonly delivery?: Partial<Omit<DeliveryOptions, 'clock' | 'log' | 'minIntervalMs'>>;
}

export interface Notifier {
  /** For `startRuntime({ observers })`. */
  readonly observe: RuntimeObserver;
  /** Gives the daily summary its figures, once the runtime runs; arms its timer. */
  attach(source: { statuses(nowMs?: number): MarketStatus[] }): void;
  /** Tells `event` to every target (after the turn). */
  notify(event: NotifyEvent): void;
  /** Stops every timer and sends what is queued, within `withinMs`. Never rejects. */
  close(withinMs?: number): Promise<void>;
  readonly deliveries: readonly TargetDelivery[];
}

/** Returns the next epoch ms at `atMin` minutes past 00:00 UTC, strictly after `now`. */
export function nextDailyAt(now: number, atMin: number): number {
  const dayStart = now - (now % DAY_MS);
  const today = dayStart + atMin * 60_000;
  return today > now ? today : today + DAY_MS;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { config, botId, clock, log } = options;
  const defer = options.defer ?? ((work: () => void) => afterTurn(work, (e) => log.warn({ error: String(e) }, 'notify: a notification could not be built')));
  const deliveries = options.targets.map(
    (t) => new TargetDelivery(t, { clock, log, minIntervalMs: config.minIntervalSec * 1000, ...(options.delivery ?? {}) }),
  );
  const cancels = new Set<() => void>();
  let closed = false;
  let shuttingDown = false;

  const notify = (event: NotifyEvent): void => {
    if (closed) return;
    defer(() => {
      const what = 'market' in event ? `${event.kind} ${event.market}` : event.kind;
      for (const d of deliveries) d.push(buildRequest(d.target, botId, event), what);
    });
  };

  const timer = (ms: number, fn: () => void): (() => void) => {
    const cancel = clock.setTimer(ms, () => {
      cancels.delete(cancel);
      fn();
    });
    cancels.add(cancel);
    return () => {
      cancel();
      cancels.delete(cancel);
    };
  };

  const observe: RuntimeObserver = (actors) => {
    const { connection, supervisor } = actors;
    supervisor.on('shutdown', () => {
      shuttingDown = true;
    });
    supervisor.on('market.outcome', (e) => {
      if (e.outcome === 'failed') notify({ kind: 'stopped', market: e.market, reason: `failed: ${e.reason ?? 'unknown error'}` });
    });
    eachMarket(actors, (market, events) => {
      let waitTimer: (() => void) | null = null;
      let levels = 0;
      events.on('market.state', (e) => {
        if (topOfPath(e.state) !== 'killed' || (e.from !== null && topOfPath(e.from) === 'killed')) return;
        // A stopping market's waiting levels are cancelled with it: its stop is what is told.
        waitTimer?.();
        waitTimer = () => undefined;
        if (e.cause === 'feed.price') notify({ kind: 'risk', market, reason: e.stopReason ?? 'risk limit' });
        else if (!shuttingDown) notify({ kind: 'stopped', market, reason: e.stopReason ?? 'stopped' });
      });
      events.on('market.waiting', (e) => {
        levels = e.waiting;
        if (e.waiting === 0) {
          waitTimer?.();
          waitTimer = null;
          return;
        }
        if (waitTimer !== null || closed) return;
        const sinceMs = clock.now();
        const afterMs = config.waitingForPriceAfterSec * 1000;
        waitTimer = timer(afterMs, () => {
          // Stays set until none waits: told once per episode.
          waitTimer = () => undefined;
          if (levels > 0) notify({ kind: 'waiting', market, levels, sinceMs, forSec: Math.round((clock.now() - sinceMs) / 1000) });
        });
      });
    });
    const storm = config.reconnectStorm;
    const windowMs = storm.withinMin * 60_000;
    let reconnects: number[] = [];
    let state: string | null = null;
    connection.subscribe({
      next: (snap) => {
        const top = connectionTop(snap.value);
        const from = state;
        state = top;
        if (from !== 'open' || top === 'open' || top === 'stopped') return;
        const now = clock.now();
        reconnects = [...reconnects.filter((t) => now - t < windowMs), now];
        if (reconnects.length < storm.reconnects) return;
        reconnects = [];
        notify({ kind: 'reconnectStorm', reconnects: storm.reconnects, withinMin: storm.withinMin });
      },
    });
  };

  const attach: Notifier['attach'] = (source) => {
    const atMin = config.dailySummaryAtMin;
    if (atMin === null || closed) return;
    const arm = (): void => {
      const at = nextDailyAt(clock.now(), atMin);
      timer(at - clock.now(), () => {
        const now = clock.now();
        const grids = source.statuses(now).map((s): GridSummary => ({
          market: s.market,
          state: s.state,
          fills: s.fills,
          realisedPnl: s.realisedPnl,
          fees: s.fees,
          inventory: s.inventory,
          quoteAsset: s.quoteAsset,
        }));
        // The day that just closed (a summary at 00:00 is yesterday's).
        const date = new Date(now - 1).toISOString().slice(0, 10);
        notify({ kind: 'dailySummary', date, grids });
        arm();
      });
    };
    arm();
  };

  return {
    observe,
    attach,
    notify,
    deliveries,
    close: async (withinMs = FLUSH_WITHIN_MS) => {
      if (closed) return;
      // What was deferred in this turn is queued before the flush.
      await new Promise<void>((resolve) => defer(resolve));
      closed = true;
      for (const c of cancels) c();
      cancels.clear();
      await Promise.all(deliveries.map((d) => d.close(withinMs)));
    },
  };
}
