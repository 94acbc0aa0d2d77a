/**
 * The supervisor: one market actor per markets.yaml entry and the one shared connection actor.
 *
 *   running → stopping (markets to killed, each cleans up) → closing (connection stopped) → stopped
 *
 * Containment: a market that fails (its actor errors) is recorded and dropped; the others keep
 * trading. A market that finishes on its own (risk stop, fatal 401, bad plan) is recorded too.
 * Shutdown is ordered: markets first, so their cancel and disarm calls still have the connection's
 * process around them, then the connection; a deadline bounds it so a hung exchange cannot hold the
 * process forever (the second signal in the CLI exits at once anyway).
 *
 * Live reconfiguration (`reload`, with a plan runtime/reload/reload-plan.ts validated as a whole):
 * added markets are spawned at once; removed ones are sent `stop` (their `onStop` decides, exactly as
 * at shutdown); changed ones are sent `stop` and spawned again with the new settings once the old
 * actor has ended (`restarts`), so two actors never trade one market. Unchanged markets are not sent
 * anything. Each spawn after the start is announced (`market.started`) before the actor starts, so
 * observers see its first event, as they see the initial markets'.
 */
import { type ActorRefFrom, assign, emit, enqueueActions, setup, stopChild } from 'xstate';
import { connectionMachine } from '../../machines/connection/connection.machine.js';
import type { ConnectionInput } from '../../machines/connection/connection.types.js';
import { marketMachine } from '../../machines/market/market.machine.js';
import type { MarketInput, MarketSettings } from '../../machines/market/market.types.js';
import type { ReloadPlan } from '../reload/reload-plan.js';

export type MarketOutcome = 'running' | 'stopped' | 'failed';

export interface SupervisorInput {
  readonly connection: ConnectionInput;
  readonly markets: readonly MarketInput[];
  /** Upper bound on an orderly shutdown. */
  readonly shutdownTimeoutMs?: number;
  /**
   * The input of a market spawned by a reload (added, or restarted with new settings), given its
   * settings; default: the settings as they are. The runtime's reads the journal (restore, client id
   * sequence) and checkpoints the run, as at start.
   */
  readonly prepare?: (settings: MarketSettings) => MarketInput;
}

export interface SupervisorContext {
  readonly markets: readonly MarketInput[];
  /** Per market: whether it still runs, stopped on its own, or failed (with the reason). */
  readonly outcomes: Readonly<Record<string, { readonly outcome: MarketOutcome; readonly reason: string | null }>>;
  readonly shutdownTimeoutMs: number;
  readonly shutdownReason: string | null;
  /** Changed markets whose old actor is still stopping: spawned with these settings once it ended. */
  readonly restarts: Readonly<Record<string, MarketSettings>>;
  readonly prepare: (settings: MarketSettings) => MarketInput;
}

export type SupervisorEvent = { readonly type: 'shutdown'; readonly reason: string } | { readonly type: 'reload'; readonly plan: ReloadPlan };

/** What the supervisor tells observers: a market ended, or an orderly shutdown began (every running market is asked to stop). */
export type SupervisorEmitted =
  | {
      readonly type: 'market.outcome';
      readonly market: string;
      readonly outcome: MarketOutcome;
      readonly reason: string | null;
    }
  | { readonly type: 'shutdown'; readonly reason: string }
  /** A market actor spawned after the start (a reload): it exists in the system and has not started yet. */
  | { readonly type: 'market.started'; readonly market: string };

/** The reason a market stopped by a reload is given (its stop reason, in the log and the inspector). */
export const RELOAD_REMOVED = 'reload: removed from markets.yaml';
export const RELOAD_CHANGED = 'reload: changed in markets.yaml (restarting)';

/** The child id of a market's actor (also its system id): `market:BTC_USDT`. */
export const marketActorId = (market: string): string => `market:${market}`;
export const CONNECTION_ID = 'connection';

const marketOf = (eventType: string): string => eventType.replace(/^xstate\.(done|error)\.actor\.market:/, '');

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
    emitted: {} as SupervisorEmitted,
  },
  actors: { market: marketMachine, connection: connectionMachine },
  delays: { shutdownTimeout: ({ context }) => context.shutdownTimeoutMs },
  guards: {
    isMarketEnd: ({ event }) => /^xstate\.(done|error)\.actor\.market:/.test((event as { type: string }).type),
    allMarketsEnded: ({ context }) => Object.values(context.outcomes).every((o) => o.outcome !== 'running'),
  },
  actions: {
    spawnAll: enqueueActions(({ context, enqueue, event }) => {
      const input = (event as unknown as { input: SupervisorInput }).input;
      enqueue.spawnChild('connection', { id: CONNECTION_ID, systemId: CONNECTION_ID, input: input.connection });
      for (const m of context.markets) {
        enqueue.spawnChild('market', { id: marketActorId(m.market), systemId: marketActorId(m.market), input: m });
      }
    }),
    stopMarkets: enqueueActions(({ context, enqueue, system }) => {
      for (const [market, o] of Object.entries(context.outcomes)) {
        if (o.outcome !== 'running') continue;
        const ref = system.get(marketActorId(market)) as ActorRefFrom<typeof marketMachine> | undefined;
        if (ref) enqueue.sendTo(ref, { type: 'stop', reason: context.shutdownReason ?? 'shutdown' });
      }
    }),
    stopConnection: enqueueActions(({ enqueue, system }) => {
      const ref = system.get(CONNECTION_ID) as ActorRefFrom<typeof connectionMachine> | undefined;
      if (ref) enqueue.sendTo(ref, { type: 'stop' });
    }),
    marketEnded: enqueueActions(({ context, event, enqueue }) => {
      const type = (event as { type: string }).type;
      const market = marketOf(type);
      if (!(market in context.outcomes)) return;
      const failed = type.startsWith('xstate.error.');
      const reason = failed ? errorText((event as unknown as { error: unknown }).error) : null;
      const outcome: MarketOutcome = failed ? 'failed' : 'stopped';
      enqueue.assign({ outcomes: { ...context.outcomes, [market]: { outcome, reason } } });
      enqueue.emit({ type: 'market.outcome', market, outcome, reason });
      if (failed) enqueue(stopChild(marketActorId(market)));
      const restart = context.restarts[market];
      if (restart === undefined) return;
      // The old actor has ended (and left the system): the new one takes its id.
      const { [market]: _, ...restarts } = context.restarts;
      enqueue.assign({ restarts, outcomes: { ...context.outcomes, [market]: { outcome: 'running', reason: null } } });
      enqueue.emit({ type: 'market.started', market });
      enqueue.spawnChild('market', { id: marketActorId(market), systemId: marketActorId(market), input: context.prepare(restart) });
    }),
    applyReload: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'reload') return;
      const { plan } = event;
      const outcomes = { ...context.outcomes };
      const restarts = { ...context.restarts };
      const stopMarket = (market: string, reason: string): boolean => {
        if (outcomes[market]?.outcome !== 'running') return false;
        const ref = system.get(marketActorId(market)) as ActorRefFrom<typeof marketMachine> | undefined;
        if (ref) enqueue.sendTo(ref, { type: 'stop', reason });
        return ref !== undefined;
      };
      for (const market of plan.removed) {
        delete restarts[market];
        stopMarket(market, RELOAD_REMOVED);
      }
      const spawned: MarketSettings[] = [];
      for (const settings of [...plan.changed, ...plan.added]) {
        // Still running (changed, or removed by an earlier reload and still stopping): spawned once it ended.
        if (settings.market in restarts || stopMarket(settings.market, RELOAD_CHANGED)) restarts[settings.market] = settings;
        else {
          spawned.push(settings);
          outcomes[settings.market] = { outcome: 'running', reason: null };
        }
      }
      enqueue.assign({ outcomes, restarts });
      for (const settings of spawned) {
        const id = marketActorId(settings.market);
        enqueue.emit({ type: 'market.started', market: settings.market });
        enqueue.spawnChild('market', { id, systemId: id, input: context.prepare(settings) });
      }
    }),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    markets: input.markets,
    outcomes: Object.fromEntries(input.markets.map((m) => [m.market, { outcome: 'running' as const, reason: null }])),
    shutdownTimeoutMs: input.shutdownTimeoutMs ?? 30_000,
    shutdownReason: null,
    restarts: {},
    prepare: input.prepare ?? ((settings) => settings),
  }),
  entry: 'spawnAll',
  on: {
    // Market ids are only known at run time: their done/error events are caught by pattern.
    '*': { guard: 'isMarketEnd', actions: 'marketEnded' },
  },
  initial: 'running',
  states: {
    running: {
      tags: ['live'],
      on: {
        shutdown: {
          target: 'stopping',
          actions: [
            // A restart still waiting for its old actor is dropped: the market stays stopped.
            assign({ shutdownReason: ({ event }) => event.reason, restarts: {} }),
            emit(({ event }) => ({ type: 'shutdown' as const, reason: event.reason })),
          ],
        },
        reload: { actions: 'applyReload' },
      },
    },
    stopping: {
      entry: 'stopMarkets',
      always: { guard: 'allMarketsEnded', target: 'closing' },
      after: { shutdownTimeout: 'closing' },
    },
    closing: {
      entry: 'stopConnection',
      always: 'stopped',
    },
    stopped: { type: 'final' },
  },
});

export type SupervisorMachine = typeof supervisorMachine;
