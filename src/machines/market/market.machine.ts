/**
 * The market actor: one grid on one market.
 *
 *   lifecycle:  init → cancelAll → placing → running ⇄ reconnecting → reconciling → placing → running
 *               init → reconciling (adopt on restart);  any → killed (stop, fatal error, risk breach, bad plan: settling → cancelling → disarming) → stopped
 *               (a failing cancel or disarm is retried; no disarm before the cancel went through: a refused one ends in `abandoned`, kill-switch armed)
 *   killSwitch: off → armed(waiting ⇄ refreshing, retrying) → off | disposed
 *
 * The two regions run in parallel so the kill-switch keeps being refreshed while the market is
 * reconnecting or reconciling: the bot is alive then, its orders rest, and the exchange must not
 * cancel them. Every effect is an invoked or provided actor; the machine only decides.
 *
 * Reconciling always ends in `placing`: it re-arms the kill-switch (a restart that adopts resting
 * orders must protect them before anything else) and places whatever the book owes — missed
 * counter-orders, levels found empty — in bulk, once, with fresh client ids.
 *
 * Levels waiting for price (grid/price-wait.ts): an order refused as post-only waits in the book.
 * Every `feed.price`, in whatever state, releases those the price lets rest (a book change, the same
 * in every state, so the journal can tell from the book alone which price events matter); `running`
 * sends them at once, any other state leaves them owed for its own placing. The check costs nothing
 * while no level waits. `market.waiting` tells observers the count whenever it changes.
 *
 * Why counter-orders go through the `desk` callback actor and not a `fromPromise` per state: several
 * may be in flight at once, their answers must land whatever state the market is in by then, and
 * the request must leave in the same tick as the fill that caused it (PERF.md): `sendTo` a running
 * callback actor is synchronous.
 */
import { type EventObject, assign, emit, enqueueActions, fromCallback, fromPromise, raise, setup } from 'xstate';
import {
  type LevelBook,
  type OrderIntent,
  type PlacementOutcome,
  applyDeal,
  applyOrderUpdate,
  applyPlacement,
  checkRisk,
  hasUnknownOrders,
  initialOrders,
  lastDealSec,
  parseDecimal,
  reconcileBook,
  releaseWaiting,
  resumeBook,
  takeIntents,
} from '../../grid/index.js';
import { backoffDelay } from '../shared/backoff.js';
import { type CancelOutcome, type ExchangeSnapshot, type KillSwitchArmed, type LoadedMarket, type MarketIoInputs, ioErrorKind } from './market.io.js';
import type { MarketEmitted } from './market.emitted.js';
import { drainLearned, listenersOf } from './market.emits.js';
import { lostFloor, lowest, sinceWithFloor } from './lost-deals.js';
import type { DeskPlace, MarketContext, MarketEvent, MarketInput } from './market.types.js';

/**
 * How long `killed` waits for counter-orders in flight before cancelling anyway: above the REST
 * client's 10 s request timeout, within the supervisor's 30 s shutdown bound.
 */
const DESK_SETTLE_MS = 15_000;

/** The longest delay a timer takes (2^31 - 1 ms, ~24.8 days); longer ones fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

function auditOn(context: MarketContext): boolean {
  const s = context.settings.reconcileEverySec;
  return s !== null && s !== undefined && s > 0;
}

function notProvided<T>(name: string) {
  return fromPromise<T, unknown>(async () => {
    throw new Error(`market: the ${name} actor was not provided`);
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The entry action of a lifecycle leaf: tells observers the state (`market.state`). On leaves, so a
 * change between sub-states is told too; not on the transient ones (`init.planned`, `placing.placed`,
 * `killed.cleaned`), which are always left in the step that entered them.
 */
/** A stop's cleanup step failed: give up (to `giveUp`) on a refusal that waiting cannot mend, else wait and retry (in `retry`). */
function cleanupOnError(step: string, giveUp: string, retry: string) {
  const failed = { type: 'failed' as const, params: ({ event }: { event: { error: unknown } }) => ({ error: event.error, step }) };
  return [
    {
      guard: { type: 'isFatalOrRejected' as const, params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) },
      target: giveUp,
      actions: failed,
    },
    { target: retry, actions: failed },
  ];
}

function told(path: string, whenDisconnectedOnly = false) {
  return { type: 'enteredState' as const, params: { path, whenDisconnectedOnly } };
}

/** Applies a feed fact to the book in place. */
function applyFeedEvent(book: LevelBook | null, event: MarketEvent): void {
  if (book === null) return;
  if (event.type === 'feed.order') applyOrderUpdate(book, event.update);
  else if (event.type === 'feed.deal') applyDeal(book, event.deal);
}

function applyOutcomeList(book: LevelBook | null, outcomes: readonly PlacementOutcome[]): void {
  if (book === null) return;
  for (const o of outcomes) applyPlacement(book, o);
}

/** How a failed order/bulk call is reported to observers. */
function batchFailure(error: unknown): 'notSent' | 'unknown' | 'fatal' {
  const kind = ioErrorKind(error);
  return kind === 'unknownOutcome' ? 'unknown' : kind === 'retry' ? 'notSent' : 'fatal';
}

/** Tells observers the number of levels waiting for price when it changed since last told (a holder in the context, changed in place). */
function tellWaiting(context: MarketContext, emitEvent: (e: MarketEmitted) => void): void {
  const n = context.book === null ? 0 : context.book.waiting.size;
  if (n === context.told.waiting) return;
  context.told.waiting = n;
  emitEvent({ type: 'market.waiting', waiting: n });
}

/** Returns every owed order as intents (now `sending`), or null when nothing is owed. */
function takeOwed(book: LevelBook | null): readonly OrderIntent[] | null {
  if (book === null || book.owed.length === 0) return null;
  const taken = takeIntents(book, Number.POSITIVE_INFINITY);
  return taken.intents.length === 0 ? null : taken.intents;
}

export const marketMachine = setup({
  types: {
    context: {} as MarketContext,
    events: {} as MarketEvent,
    input: {} as MarketInput,
    emitted: {} as MarketEmitted,
  },
  actors: {
    loadMarket: notProvided<LoadedMarket>('loadMarket') as ReturnType<typeof fromPromise<LoadedMarket, MarketIoInputs['loadMarket']>>,
    cancelAll: notProvided<void>('cancelAll') as ReturnType<typeof fromPromise<void, MarketIoInputs['cancelAll']>>,
    armKillSwitch: notProvided<KillSwitchArmed>('armKillSwitch') as ReturnType<typeof fromPromise<KillSwitchArmed, MarketIoInputs['armKillSwitch']>>,
    disarmKillSwitch: notProvided<void>('disarmKillSwitch') as ReturnType<typeof fromPromise<void, MarketIoInputs['disarmKillSwitch']>>,
    placeBatch: notProvided<readonly PlacementOutcome[]>('placeBatch') as ReturnType<
      typeof fromPromise<readonly PlacementOutcome[], MarketIoInputs['placeBatch']>
    >,
    fetchExchange: notProvided<ExchangeSnapshot>('fetchExchange') as ReturnType<typeof fromPromise<ExchangeSnapshot, MarketIoInputs['fetchExchange']>>,
    cancelOrders: notProvided<readonly CancelOutcome[]>('cancelOrders') as ReturnType<
      typeof fromPromise<readonly CancelOutcome[], MarketIoInputs['cancelOrders']>
    >,
    /** Feeds the market's updates and the connection status in as events; owns the subscriptions. */
    feed: fromCallback<EventObject, { market: string }>(() => {
      throw new Error('market: the feed actor was not provided');
    }),
    /** Places counter-orders; answers each `desk.place` with one `desk.result`. */
    desk: fromCallback<DeskPlace, { market: string }>(() => {
      throw new Error('market: the desk actor was not provided');
    }),
  },
  delays: {
    retryDelay: ({ context }) => backoffDelay(Math.max(0, context.attempt - 1), 0.5, context.settings.retry),
    ksRefresh: ({ context }) => context.settings.killSwitch.refreshSec * 1000,
    ksRetry: ({ context }) => context.settings.killSwitch.retrySec * 1000,
    deskSettle: DESK_SETTLE_MS,
    // Off: a delay that never comes (the guard below refuses it anyway).
    reconcileEvery: ({ context }) => (auditOn(context) ? (context.settings.reconcileEverySec ?? 0) * 1000 : MAX_DELAY_MS),
  },
  guards: {
    isFatal: (_, params: { error: unknown }) => ioErrorKind(params.error) === 'fatal',
    /** For calls where a refusal cannot get better by waiting: an unknown market, a malformed batch. */
    isFatalOrRejected: (_, params: { error: unknown }) => ioErrorKind(params.error) === 'fatal' || ioErrorKind(params.error) === 'rejected',
    planInvalid: ({ context }) => context.book === null,
    planWaits: ({ context }) => context.book === null && context.stopReason === null && context.settings.invalidPlan === 'wait',
    adoptOnStart: ({ context }) => context.settings.onStart === 'adopt',
    batchEmpty: ({ context }) => context.batch.length === 0,
    hasUnknown: ({ context }) => context.book !== null && hasUnknownOrders(context.book),
    deskFatal: ({ event }) => event.type === 'desk.result' && event.fatal !== null,
    deskUnknown: ({ context, event }) =>
      event.type === 'desk.result' && (event.outcomes.some((o) => o.kind === 'unknown') || (context.book !== null && hasUnknownOrders(context.book))),
    deskNotSent: ({ event }) => event.type === 'desk.result' && event.outcomes.some((o) => o.kind === 'notSent'),
    /** The common answer: none of the three above (checked first, so a desk answer costs one guard). */
    deskSettled: ({ context, event }) =>
      event.type === 'desk.result' &&
      event.fatal === null &&
      event.outcomes.every((o) => o.kind !== 'unknown' && o.kind !== 'notSent') &&
      (context.book === null || !hasUnknownOrders(context.book)),
    riskBreached: ({ context, event }) => {
      if (event.type !== 'feed.price' || context.book === null || context.plan === null) return false;
      return !checkRisk(context.settings.risk, { price: event.price, plan: context.plan, book: context.book }).ok;
    },
    notStopping: ({ context }) => context.stopReason === null,
    stopRequested: ({ context }) => context.stopReason !== null,
    disconnected: ({ context }) => !context.connected,
    connectedNow: ({ context }) => context.connected,
    gapToReconcile: ({ context }) => context.needsReconcile,
    leaveOrders: ({ context }) => context.settings.onStop === 'leave',
    deskIdle: ({ context }) => context.deskInFlight === 0,
    reconcileDue: ({ context }) => auditOn(context),
    noStrays: ({ context }) => context.strays.length === 0,
    isUnknownOutcome: (_, params: { error: unknown }) => ioErrorKind(params.error) === 'unknownOutcome',
    isAuthFailure: (_, params: { error: unknown }) => ioErrorKind(params.error) === 'fatal',
  },
  actions: {
    loaded: assign(({ context }, loaded: LoadedMarket) => {
      // The same function `gridbot plan` shows its ladder with: what is shown is what is sent.
      const result = initialOrders(context.settings.spec, loaded.rules, loaded.lastPrice, context.scope, context.settings.firstSeq ?? 0);
      if (!result.ok) {
        const reasons = result.issues.filter((i) => i.severity === 'error').map((i) => i.message);
        // Waiting: the reason is the step's error (status shows it), and the retry delay backs off.
        if (context.settings.invalidPlan === 'wait') {
          return {
            rules: loaded.rules,
            lastPrice: loaded.lastPrice,
            attempt: context.attempt + 1,
            lastError: `plan at ${loaded.lastPrice}: ${reasons.join('; ')}`,
          };
        }
        return { rules: loaded.rules, lastPrice: loaded.lastPrice, stopReason: `invalid plan: ${reasons.join('; ')}` };
      }
      // A restored book's in-flight placements went to a desk that is gone: unknown, for reconcile to find.
      const book = context.settings.restore ? resumeBook(context.settings.restore) : result.book;
      return { rules: loaded.rules, lastPrice: loaded.lastPrice, plan: result.plan, book, attempt: 0 };
    }),
    failed: assign(({ context }, params: { error: unknown; step: string }) => ({
      attempt: context.attempt + 1,
      lastError: `${params.step}: ${errorText(params.error)}`,
    })),
    stopWith: assign((_, params: { reason: string }) => ({ stopReason: params.reason })),
    succeeded: assign({ attempt: 0 }),
    takeBatch: enqueueActions(({ context, enqueue }) => {
      if (context.book === null) {
        enqueue.assign({ batch: [] });
        return;
      }
      const taken = takeIntents(context.book, context.settings.batchSize);
      enqueue.assign({ batch: taken.intents });
      if (taken.intents.length > 0) enqueue.emit({ type: 'market.ordersSent', via: 'bulk', intents: taken.intents });
    }),
    applyOutcomes: enqueueActions(({ context, event, enqueue }, params: { outcomes: readonly PlacementOutcome[] }) => {
      // The desk answers each desk.place with exactly one desk.result: one fewer request in flight.
      const desk = event.type === 'desk.result';
      if (desk) context.deskInFlight = Math.max(0, context.deskInFlight - 1);
      applyOutcomeList(context.book, params.outcomes);
      enqueue.emit({ type: 'market.ordersAnswered', via: desk ? 'desk' : 'bulk', outcomes: params.outcomes, fatal: desk ? event.fatal : null });
      if (context.book !== null) drainLearned(context.book, (e) => enqueue.emit(e));
      tellWaiting(context, (e) => enqueue.emit(e));
    }),
    batchFailed: emit((_, params: { error: unknown }) => ({
      type: 'market.batchFailed' as const,
      outcome: batchFailure(params.error),
      reason: errorText(params.error),
    })),
    /** Tells observers the lifecycle state entered, once per change (a re-entry of the same state is none). */
    enteredState: enqueueActions(({ context, event, enqueue }, params: { path: string; whenDisconnectedOnly: boolean }) => {
      const from = context.told.lifecycle;
      if (from === params.path || (params.whenDisconnectedOnly && context.connected)) return;
      context.told.lifecycle = params.path;
      enqueue.emit({ type: 'market.state', state: params.path, from, cause: event.type, stopReason: context.stopReason });
    }),
    batchNotSent: assign(({ context }, params: { reason: string }) => {
      if (context.book === null) return {};
      for (const i of context.batch) applyPlacement(context.book, { kind: 'notSent', clientOrderId: i.clientOrderId, reason: params.reason });
      return { batch: [] };
    }),
    batchUnknown: assign(({ context }, params: { reason: string }) => {
      if (context.book === null) return {};
      for (const i of context.batch) applyPlacement(context.book, { kind: 'unknown', clientOrderId: i.clientOrderId, reason: params.reason });
      return { batch: [] };
    }),
    // The book is the actor's own and changes in place: no assign, so XState copies no context on
    // the hot path; enqueueActions (not a plain action) so the change happens while the transition
    // is computed, in replay too (replay executes no actions).
    // The hot actions below emit only what someone listens to (listenersOf, market.emits.ts).
    applyFeed: enqueueActions(({ context, event, enqueue, self }) => {
      applyFeedEvent(context.book, event);
      if (context.book !== null) drainLearned(context.book, (e) => enqueue.emit(e), listenersOf(self));
    }),
    /** Hands every owed order to the desk in one go. */
    flush: enqueueActions(({ context, enqueue, self }) => {
      const intents = takeOwed(context.book);
      if (intents === null) return;
      context.deskInFlight += 1;
      enqueue.sendTo('desk', { type: 'desk.place', market: context.settings.market, intents } satisfies DeskPlace);
      if (listenersOf(self)('market.ordersSent')) enqueue.emit({ type: 'market.ordersSent', via: 'desk', intents });
    }),
    /** The hot path of a fill: the fact applied and the counter-order handed to the desk in one action. */
    tradeOnFeed: enqueueActions(({ context, event, enqueue, self }) => {
      const book = context.book;
      if (book === null) return;
      applyFeedEvent(book, event);
      const listened = listenersOf(self);
      drainLearned(book, (e) => enqueue.emit(e), listened);
      const intents = takeOwed(book);
      if (intents === null) return;
      context.deskInFlight += 1;
      enqueue.sendTo('desk', { type: 'desk.place', market: context.settings.market, intents } satisfies DeskPlace);
      if (listened('market.ordersSent')) enqueue.emit({ type: 'market.ordersSent', via: 'desk', intents });
    }),
    /** A desk answer in `running`: its outcomes applied and whatever is owed now (a residue, a re-owed level) sent. */
    settleAndFlush: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'desk.result') return;
      context.deskInFlight = Math.max(0, context.deskInFlight - 1);
      applyOutcomeList(context.book, event.outcomes);
      const listened = listenersOf(self);
      if (listened('market.ordersAnswered')) enqueue.emit({ type: 'market.ordersAnswered', via: 'desk', outcomes: event.outcomes, fatal: event.fatal });
      if (context.book === null) return;
      drainLearned(context.book, (e) => enqueue.emit(e), listened);
      tellWaiting(context, (e) => enqueue.emit(e));
      const intents = takeOwed(context.book);
      if (intents === null) return;
      context.deskInFlight += 1;
      enqueue.sendTo('desk', { type: 'desk.place', market: context.settings.market, intents } satisfies DeskPlace);
      if (listened('market.ordersSent')) enqueue.emit({ type: 'market.ordersSent', via: 'desk', intents });
    }),
    notePrice: assign(({ event }) => (event.type === 'feed.price' ? { lastPrice: event.price } : {})),
    /**
     * Owes the levels waiting for price that this price lets rest (nothing to do, and no Decimal
     * made, while none waits); with `send`, hands them to the desk at once.
     */
    releaseOnPrice: enqueueActions(({ context, event, enqueue }, params: { send: boolean }) => {
      const book = context.book;
      if (event.type !== 'feed.price' || book === null || book.waiting.size === 0) return;
      const price = parseDecimal(event.price);
      if (price === null || releaseWaiting(book, price) === 0) return;
      tellWaiting(context, (e) => enqueue.emit(e));
      if (!params.send) return;
      const intents = takeOwed(book);
      if (intents === null) return;
      context.deskInFlight += 1;
      enqueue.sendTo('desk', { type: 'desk.place', market: context.settings.market, intents } satisfies DeskPlace);
      enqueue.emit({ type: 'market.ordersSent', via: 'desk', intents });
    }),
    /** Tells observers the plan waits for the price, on the first failure in a row (not on every reload). */
    tellPlanWaiting: enqueueActions(({ context, enqueue }) => {
      if (context.attempt === 1) enqueue.emit({ type: 'market.planWaiting', price: context.lastPrice ?? '', reason: context.lastError ?? '' });
    }),
    /** Tells observers how many levels wait for price (a restored book's, once loaded). */
    tellWaiting: enqueueActions(({ context, enqueue }) => tellWaiting(context, (e) => enqueue.emit(e))),
    reconciled: enqueueActions(({ context, enqueue }, snapshot: ExchangeSnapshot) => {
      if (context.book === null) return;
      const r = reconcileBook(context.book, snapshot);
      // This fetch began after every loss in `fetchFloor` (reconciling's entry moved them there): they are covered.
      enqueue.assign({ attempt: 0, strays: r.cancel.map((o) => o.orderId), fetchFloor: null });
      drainLearned(context.book, (e) => enqueue.emit(e));
      tellWaiting(context, (e) => enqueue.emit(e));
      enqueue.emit({ type: 'market.reconciled', adopted: r.kept, strays: r.cancel.length, missedCounterOrders: r.placeMissed.length });
    }),
    armed: assign((_, params: KillSwitchArmed) => ({ killSwitchDeadline: params.cancellationTimeMs })),
    markDown: assign({ connected: false }),
    // Events during the gap are never replayed (§8.6): if orders may rest, what happened to them must be asked.
    markUp: assign(({ context }) => ({
      connected: true,
      needsReconcile: context.needsReconcile || (context.book !== null && ordersMayRest(context.book)),
    })),
    disarmed: assign({ killSwitchDeadline: null }),
    markLost: assign(({ context }) => ({
      needsReconcile: context.needsReconcile || (context.book !== null && ordersMayRest(context.book)),
      lostFloor: context.book === null ? context.lostFloor : lostFloor(context.lostFloor, lastDealSec(context.book)),
    })),
  },
}).createMachine({
  id: 'market',
  type: 'parallel',
  context: ({ input }) => ({
    settings: input,
    scope: { botId: input.botId, market: input.market },
    rules: null,
    plan: null,
    book: null,
    batch: [],
    strays: [],
    lastPrice: null,
    killSwitchDeadline: null,
    attempt: 0,
    lastError: null,
    stopReason: null,
    ordersMayRest: false,
    connected: true,
    needsReconcile: false,
    lostFloor: null,
    fetchFloor: null,
    deskInFlight: 0,
    told: { lifecycle: null, waiting: 0 },
  }),
  invoke: [
    {
      id: 'feed',
      src: 'feed',
      input: ({ context }) => ({ market: context.settings.market }),
      onError: { actions: raise(({ event }) => ({ type: 'stop' as const, reason: `feed: ${errorText(event.error)}` })) },
    },
    {
      id: 'desk',
      src: 'desk',
      input: ({ context }) => ({ market: context.settings.market }),
      onError: { actions: raise(({ event }) => ({ type: 'stop' as const, reason: `desk: ${errorText(event.error)}` })) },
    },
  ],
  states: {
    lifecycle: {
      initial: 'init',
      on: {
        // Wherever the market is, the facts of a fill are recorded; only `running` acts on them at once.
        'feed.order': { actions: 'applyFeed' },
        'feed.deal': { actions: 'applyFeed' },
        'feed.price': { actions: ['notePrice', { type: 'releaseOnPrice', params: { send: false } }] },
        'desk.result': { actions: { type: 'applyOutcomes', params: ({ event }) => ({ outcomes: event.outcomes }) } },
        // A blip while loading, cancelling or placing is not acted on there, only remembered: `running`
        // then waits for the connection, or reconciles what the gap may have hidden.
        'connection.down': { actions: 'markDown' },
        'connection.up': { actions: 'markUp' },
        // A private frame of this market was lost unread: like a gap, `running` reconciles first.
        'feed.lost': { actions: 'markLost' },
        // Once stopping, a second stop or a late fatal changes nothing: cleanup runs once.
        stop: { guard: 'notStopping', target: '.killed', actions: { type: 'stopWith', params: ({ event }) => ({ reason: event.reason }) } },
        'ks.fatal': { guard: 'notStopping', target: '.killed', actions: { type: 'stopWith', params: ({ event }) => ({ reason: event.reason }) } },
      },
      states: {
        init: {
          tags: ['busy'],
          initial: 'loading',
          states: {
            loading: {
              entry: told('init.loading'),
              invoke: {
                id: 'loadMarket',
                src: 'loadMarket',
                input: ({ context }) => ({ market: context.settings.market }),
                onDone: { target: 'planned', actions: { type: 'loaded', params: ({ event }) => event.output } },
                onError: [
                  {
                    guard: { type: 'isFatalOrRejected', params: ({ event }) => ({ error: event.error }) },
                    target: '#market.lifecycle.killed',
                    actions: { type: 'stopWith', params: ({ event }) => ({ reason: `loading market: ${errorText(event.error)}` }) },
                  },
                  { target: 'waiting', actions: { type: 'failed', params: ({ event }) => ({ error: event.error, step: 'loadMarket' }) } },
                ],
              },
            },
            waiting: { entry: told('init.waiting'), after: { retryDelay: 'loading' } },
            planned: {
              entry: 'tellWaiting',
              always: [
                { guard: 'planWaits', target: 'waiting', actions: 'tellPlanWaiting' },
                { guard: 'planInvalid', target: '#market.lifecycle.killed' },
                { guard: 'adoptOnStart', target: '#market.lifecycle.reconciling' },
                { target: '#market.lifecycle.cancelAll' },
              ],
            },
          },
        },
        cancelAll: {
          tags: ['busy'],
          initial: 'cancelling',
          states: {
            cancelling: {
              entry: told('cancelAll.cancelling'),
              invoke: {
                id: 'cancelAll',
                src: 'cancelAll',
                input: ({ context }) => ({ market: context.settings.market }),
                onDone: { target: '#market.lifecycle.placing', actions: 'succeeded' },
                onError: [
                  {
                    guard: { type: 'isFatal', params: ({ event }) => ({ error: event.error }) },
                    target: '#market.lifecycle.killed',
                    actions: { type: 'stopWith', params: ({ event }) => ({ reason: `cancel-all: ${errorText(event.error)}` }) },
                  },
                  // An unknown outcome of a cancel-all is harmless to repeat: it is idempotent.
                  { target: 'waiting', actions: { type: 'failed', params: ({ event }) => ({ error: event.error, step: 'cancelAll' }) } },
                ],
              },
            },
            waiting: { entry: told('cancelAll.waiting'), after: { retryDelay: 'cancelling' } },
          },
        },
        placing: {
          tags: ['busy'],
          initial: 'arming',
          states: {
            // The current guide arms the kill-switch before the first order, so no order ever rests unprotected.
            arming: {
              entry: told('placing.arming'),
              invoke: {
                id: 'armKillSwitch',
                src: 'armKillSwitch',
                input: ({ context }) => ({ market: context.settings.market, timeoutSec: context.settings.killSwitch.timeoutSec }),
                onDone: { target: 'awaitingFeed', actions: [{ type: 'armed', params: ({ event }) => event.output }, raise({ type: 'ks.armed' }), 'succeeded'] },
                onError: [
                  {
                    guard: { type: 'isFatal', params: ({ event }) => ({ error: event.error }) },
                    target: '#market.lifecycle.killed',
                    actions: { type: 'stopWith', params: ({ event }) => ({ reason: `kill-switch: ${errorText(event.error)}` }) },
                  },
                  { target: 'armWaiting', actions: { type: 'failed', params: ({ event }) => ({ error: event.error, step: 'armKillSwitch' }) } },
                ],
              },
            },
            armWaiting: { entry: told('placing.armWaiting'), after: { retryDelay: 'arming' } },
            // An order placed while the socket is down could fill unseen: wait until fills can be heard.
            awaitingFeed: {
              // Left in the same step when the feed is up: told only when it really waits.
              entry: told('placing.awaitingFeed', true),
              always: { guard: 'connectedNow', target: 'sending' },
              on: { 'connection.up': { target: 'sending', actions: 'markUp' } },
            },
            sending: {
              entry: [told('placing.sending'), 'takeBatch'],
              always: [{ guard: { type: 'batchEmpty' }, target: 'placed' }],
              // Why a stop waits here for the batch's answer: leaving would abort the request, not
              // recall it; the exchange may still place the batch after the cancel-all of `killed`,
              // leaving orders that outlive the market. The REST client's timeout bounds the wait.
              on: { stop: { guard: 'notStopping', actions: { type: 'stopWith', params: ({ event }) => ({ reason: event.reason }) } } },
              invoke: {
                id: 'placeBatch',
                src: 'placeBatch',
                input: ({ context }) => ({ market: context.settings.market, intents: context.batch }),
                onDone: [
                  {
                    guard: 'stopRequested',
                    target: '#market.lifecycle.killed',
                    actions: [{ type: 'applyOutcomes', params: ({ event }) => ({ outcomes: event.output }) }, assign({ batch: [] })],
                  },
                  {
                    target: 'sending',
                    reenter: true,
                    actions: [{ type: 'applyOutcomes', params: ({ event }) => ({ outcomes: event.output }) }, assign({ batch: [] })],
                  },
                ],
                onError: [
                  {
                    guard: 'stopRequested',
                    target: '#market.lifecycle.killed',
                    actions: [
                      { type: 'batchFailed', params: ({ event }) => ({ error: event.error }) },
                      { type: 'failed', params: ({ event }) => ({ error: event.error, step: 'placeBatch' }) },
                    ],
                  },
                  {
                    guard: { type: 'isFatalOrRejected', params: ({ event }) => ({ error: event.error }) },
                    target: '#market.lifecycle.killed',
                    actions: [
                      { type: 'batchFailed', params: ({ event }) => ({ error: event.error }) },
                      { type: 'stopWith', params: ({ event }) => ({ reason: `placing: ${errorText(event.error)}` }) },
                    ],
                  },
                  {
                    // Sent but unanswered: those levels stay pending until reconciling finds them by client id.
                    guard: { type: 'isUnknownOutcome', params: ({ event }) => ({ error: event.error }) },
                    target: 'sending',
                    reenter: true,
                    actions: [
                      { type: 'batchFailed', params: ({ event }) => ({ error: event.error }) },
                      { type: 'batchUnknown', params: ({ event }) => ({ reason: errorText(event.error) }) },
                    ],
                  },
                  {
                    target: 'sendWaiting',
                    actions: [
                      { type: 'batchFailed', params: ({ event }) => ({ error: event.error }) },
                      { type: 'batchNotSent', params: ({ event }) => ({ reason: errorText(event.error) }) },
                      { type: 'failed', params: ({ event }) => ({ error: event.error, step: 'placeBatch' }) },
                    ],
                  },
                ],
              },
            },
            sendWaiting: { entry: told('placing.sendWaiting'), after: { retryDelay: 'sending' } },
            placed: {
              always: [{ guard: 'hasUnknown', target: '#market.lifecycle.reconciling' }, { target: '#market.lifecycle.running' }],
            },
          },
        },
        running: {
          tags: ['live'],
          entry: 'flush',
          always: [
            { guard: 'disconnected', target: 'reconnecting' },
            { guard: 'gapToReconcile', target: 'reconciling' },
          ],
          on: {
            'feed.order': { actions: 'tradeOnFeed' },
            'feed.deal': { actions: 'tradeOnFeed' },
            'feed.price': [
              {
                guard: 'riskBreached',
                target: 'killed',
                actions: [
                  'notePrice',
                  { type: 'releaseOnPrice', params: { send: false } },
                  { type: 'stopWith', params: ({ context, event }) => ({ reason: riskReason(context, event) }) },
                ],
              },
              { actions: ['notePrice', { type: 'releaseOnPrice', params: { send: true } }] },
            ],
            'desk.result': [
              { guard: 'deskSettled', actions: 'settleAndFlush' },
              {
                guard: 'deskFatal',
                target: 'killed',
                actions: [
                  { type: 'applyOutcomes', params: ({ event }) => ({ outcomes: event.outcomes }) },
                  { type: 'stopWith', params: ({ event }) => ({ reason: `placing counter-orders: ${event.fatal ?? ''}` }) },
                ],
              },
              { guard: 'deskUnknown', target: 'reconciling', actions: { type: 'applyOutcomes', params: ({ event }) => ({ outcomes: event.outcomes }) } },
              { guard: 'deskNotSent', target: '.cooling', actions: { type: 'applyOutcomes', params: ({ event }) => ({ outcomes: event.outcomes }) } },
            ],
            'connection.down': { target: 'reconnecting', actions: 'markDown' },
          },
          // A periodic reconcile: what the feed may have missed without a socket loss (settings.reconcileEverySec).
          after: { reconcileEvery: { guard: 'reconcileDue', target: 'reconciling' } },
          initial: 'trading',
          states: {
            trading: { entry: told('running.trading') },
            // Orders the desk could not send wait here, so a failing exchange is not hammered in a loop.
            cooling: {
              entry: [told('running.cooling'), assign(({ context }) => ({ attempt: context.attempt + 1 }))],
              after: { retryDelay: { target: 'trading', actions: 'flush' } },
            },
          },
        },
        reconnecting: {
          entry: told('reconnecting'),
          on: { 'connection.up': { target: 'reconciling', actions: 'markUp' } },
        },
        reconciling: {
          tags: ['busy'],
          // The losses noted so far are this reconcile's to cover (lost-deals.ts); later ones wait for the next.
          entry: assign(({ context }) => ({ needsReconcile: false, fetchFloor: lowest(context.fetchFloor, context.lostFloor), lostFloor: null })),
          on: { 'connection.down': { target: 'reconnecting', actions: 'markDown' } },
          initial: 'fetching',
          states: {
            fetching: {
              entry: told('reconciling.fetching'),
              invoke: {
                id: 'fetchExchange',
                src: 'fetchExchange',
                input: ({ context }) => ({ market: context.settings.market, sinceSec: context.book === null ? null : sinceOf(context) }),
                onDone: { target: 'cancellingStrays', actions: { type: 'reconciled', params: ({ event }) => event.output } },
                onError: [
                  {
                    guard: { type: 'isFatal', params: ({ event }) => ({ error: event.error }) },
                    target: '#market.lifecycle.killed',
                    actions: { type: 'stopWith', params: ({ event }) => ({ reason: `reconciling: ${errorText(event.error)}` }) },
                  },
                  { target: 'waiting', actions: { type: 'failed', params: ({ event }) => ({ error: event.error, step: 'fetchExchange' }) } },
                ],
              },
            },
            waiting: { entry: told('reconciling.waiting'), after: { retryDelay: 'fetching' } },
            cancellingStrays: {
              entry: told('reconciling.cancellingStrays'),
              always: { guard: 'noStrays', target: '#market.lifecycle.placing' },
              invoke: {
                id: 'cancelOrders',
                src: 'cancelOrders',
                input: ({ context }) => ({ market: context.settings.market, orderIds: context.strays }),
                onDone: { target: '#market.lifecycle.placing', actions: assign({ strays: [] }) },
                onError: [
                  {
                    guard: { type: 'isFatal', params: ({ event }) => ({ error: event.error }) },
                    target: '#market.lifecycle.killed',
                    actions: { type: 'stopWith', params: ({ event }) => ({ reason: `cancelling strays: ${errorText(event.error)}` }) },
                  },
                  // Whatever happened, the next fetch shows which strays are left.
                  { target: 'waiting', actions: { type: 'failed', params: ({ event }) => ({ error: event.error, step: 'cancelOrders' }) } },
                ],
              },
            },
          },
        },
        killed: {
          // A fresh backoff for the cleanup's own retries (failures before the stop do not lengthen them).
          entry: [raise({ type: 'ks.disarmed' }), 'succeeded', assign({ ordersMayRest: ({ context }) => context.settings.onStop !== 'leave' })],
          initial: 'settling',
          states: {
            // Why wait: a counter-order already handed to the desk can reach the exchange after a
            // cancel-all sent now, and would then rest with the kill-switch disarmed, owned by nobody.
            // Once the desk has answered every request, the exchange has processed them all, so the
            // cancel-all sees them. Bounded, so a hung request cannot hold the shutdown.
            settling: {
              entry: told('killed.settling'),
              always: [
                { guard: 'leaveOrders', target: 'disarming' },
                { guard: 'deskIdle', target: 'cancelling' },
              ],
              after: { deskSettle: 'cancelling' },
            },
            cancelling: {
              entry: told('killed.cancelling'),
              invoke: {
                id: 'cancelOnStop',
                src: 'cancelAll',
                input: ({ context }) => ({ market: context.settings.market }),
                onDone: { target: 'disarming', actions: ['succeeded', assign({ ordersMayRest: false })] },
                // Never disarm while our orders may rest: the kill-switch is then all that cancels them.
                // A refusal that waiting cannot mend ends the cleanup with the kill-switch left armed;
                // anything else is retried until the cancel-all goes through or the shutdown budget
                // (supervisor) ends the actor, again with the kill-switch armed.
                onError: cleanupOnError('cancel on stop', 'abandoned', 'cancelWaiting'),
              },
            },
            cancelWaiting: { entry: told('killed.cancelWaiting'), after: { retryDelay: 'cancelling' } },
            disarming: {
              entry: told('killed.disarming'),
              invoke: {
                id: 'disarmKillSwitch',
                src: 'disarmKillSwitch',
                input: ({ context }) => ({ market: context.settings.market }),
                onDone: { target: 'cleaned', actions: 'disarmed' },
                // No order of ours rests any more, so an armed kill-switch is harmless, but it would
                // cancel whatever the account places on this market before it fires: retry it too.
                onError: cleanupOnError('disarm', 'cleaned', 'disarmWaiting'),
              },
            },
            disarmWaiting: { entry: told('killed.disarmWaiting'), after: { retryDelay: 'disarming' } },
            // The cancel-all was refused for good: orders may rest, under the kill-switch left armed.
            abandoned: { entry: told('killed.abandoned'), type: 'final' },
            cleaned: { type: 'final' },
          },
          onDone: 'stopped',
        },
        // Terminal: orders dealt with, kill-switch disarmed. With the kill-switch region disposed too, the actor is done.
        stopped: { type: 'final', entry: [told('stopped'), raise({ type: 'ks.dispose' })] },
      },
    },
    killSwitch: {
      initial: 'off',
      states: {
        off: {
          on: { 'ks.armed': 'armed', 'ks.dispose': 'disposed' },
        },
        // Both regions final: the actor is done once its orders are dealt with and the timer is gone.
        disposed: { type: 'final' },
        armed: {
          on: { 'ks.disarmed': 'off' },
          initial: 'waiting',
          states: {
            waiting: { after: { ksRefresh: 'refreshing' } },
            refreshing: {
              invoke: {
                id: 'refreshKillSwitch',
                src: 'armKillSwitch',
                input: ({ context }) => ({ market: context.settings.market, timeoutSec: context.settings.killSwitch.timeoutSec }),
                onDone: { target: 'waiting', actions: { type: 'armed', params: ({ event }) => event.output } },
                onError: [
                  {
                    guard: { type: 'isAuthFailure', params: ({ event }) => ({ error: event.error }) },
                    target: '#market.killSwitch.off',
                    actions: raise(({ event }) => ({ type: 'ks.fatal' as const, reason: `kill-switch refresh: ${errorText(event.error)}` })),
                  },
                  // One failed refresh must not let the timer lapse: retry well inside the timeout.
                  { target: 'retrying' },
                ],
              },
            },
            retrying: { after: { ksRetry: 'refreshing' } },
          },
        },
      },
    },
  },
});

/** True when some order of the book may be resting on the exchange (sent, live or unknown). */
function ordersMayRest(book: NonNullable<MarketContext['book']>): boolean {
  for (const o of book.orders.values()) if (o.state !== 'owed') return true;
  return false;
}

/** Executions are fetched from a little before the newest one the book knows, to be safe at the edge. */
function sinceOf(context: MarketContext): number | null {
  return context.book === null ? null : sinceWithFloor(lastDealSec(context.book), context.fetchFloor);
}

function riskReason(context: MarketContext, event: MarketEvent): string {
  if (event.type !== 'feed.price' || context.book === null || context.plan === null) return 'risk limit';
  const r = checkRisk(context.settings.risk, { price: event.price, plan: context.plan, book: context.book });
  return r.ok ? 'risk limit' : `risk limit: ${r.breaches.map((b) => b.message).join('; ')}`;
}
