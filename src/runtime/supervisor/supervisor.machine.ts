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
 */
import { type ActorRefFrom, assign, emit, enqueueActions, setup, stopChild } from 'xstate';
import { connectionMachine } from '../../machines/connection/connection.machine.js';
import type { ConnectionInput } from '../../machines/connection/connection.types.js';
import { marketMachine } from '../../machines/market/market.machine.js';
import type { MarketInput } from '../../machines/market/market.types.js';

export type MarketOutcome = 'running' | 'stopped' | 'failed';

export interface SupervisorInput {
  readonly connection: ConnectionInput;
  readonly markets: readonly MarketInput[];
  /** Upper bound on an orderly shutdown. */
  readonly shutdownTimeoutMs?: number;
}

export interface SupervisorContext {
  readonly markets: readonly MarketInput[];
  /** Per market: whether it still runs, stopped on its own, or failed (with the reason). */
  readonly outcomes: Readonly<Record<string, { readonly outcome: MarketOutcome; readonly reason: string | null }>>;
  readonly shutdownTimeoutMs: number;
  readonly shutdownReason: string | null;
}

export type SupervisorEvent = { readonly type: 'shutdown'; readonly reason: string };

/** What the supervisor tells observers: a market ended, or an orderly shutdown began (every running market is asked to stop). */
export type SupervisorEmitted =
  | {
      readonly type: 'market.outcome';
      readonly market: string;
      readonly outcome: MarketOutcome;
      readonly reason: string | null;
    }
  | { readonly type: 'shutdown'; readonly reason: string };

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
    }),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    markets: input.markets,
    outcomes: Object.fromEntries(input.markets.map((m) => [m.market, { outcome: 'running' as const, reason: null }])),
    shutdownTimeoutMs: input.shutdownTimeoutMs ?? 30_000,
    shutdownReason: null,
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
          actions: [assign({ shutdownReason: ({ event }) => event.reason }), emit(({ event }) => ({ type: 'shutdown' as const, reason: event.reason }))],
        },
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
