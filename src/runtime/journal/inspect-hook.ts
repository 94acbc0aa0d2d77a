/**
 * The runtime's link to the journal: an XState `inspect` observer that journals what the market
 * actors receive, exactly as replay needs it.
 *
 * Why `inspect` and why it is safe: XState emits `@xstate.event` inside `system._relay`, *before*
 * the event is put into the target's mailbox, for every event that reaches an actor from outside
 * its own macrostep: feed and desk `sendBack`s, `actor.send`, invoke done/error events
 * (`xstate.done.actor.placeBatch` with its output, …) and delayed `xstate.after.*` events. The
 * mailbox is FIFO, so the journal's order is the order the actor processes them, and each event is
 * committed before the actor can act on it (a fill is on disk before its counter-order leaves).
 * `raise`d events are internal to a macrostep: replay re-derives them.
 *
 * What is not appended, and why:
 * - `xstate.init`: replay starts with `initialTransition` from the checkpointed input;
 * - `feed.price`: it never changes the book, and it is by far the most frequent event (every trade
 *   on the market). It *can* change the state, though: a risk-limit breach sends `running` to
 *   `killed`, after which fills no longer produce counter-orders. So a price event is appended,
 *   from `@xstate.snapshot`, exactly when it changed the actor's state. That is right after its own
 *   macrostep; it would be misordered only if an event were relayed to the market during that
 *   macrostep, and entering `killed` relays none (its effects are promises that settle later).
 *
 * Also, for reporting (same inspect callback, no extra subscription): every machine actor's state
 * changes (`transitions`), intents handed to the exchange (`desk.place` events to the desk, and a
 * new placement `batch` in a market's context) and a market's PnL when its book's PnL changed.
 *
 * Errors of the journal propagate out of the callback, i.e. out of whatever sent the event: the
 * event is then not delivered. Fail-stop is the point: a bot must not act on what it could not
 * journal. (Deferred reporting writes, see `defer`, fail in their own turn instead.)
 */
import type { ActorRefLike, AnyEventObject, InspectionEvent } from 'xstate';
import type { OrderIntent, PnlBook } from '../../grid/index.js';
import type { Journal } from './journal.js';
import { stateText } from './state-text.js';

export type JournalSink = Pick<Journal, 'appendMarketEvent' | 'recordIntents' | 'recordTransition' | 'recordPnl'>;

export interface JournalInspectorOptions {
  /** The market an actor runs, or null when it is not a market actor. Default: ids `market:<market>`. */
  readonly marketOf?: (actorRef: ActorRefLike) => string | null;
  /**
   * Schedules the reporting writes (intents sent, transitions, PnL); default: write at once. The
   * runtime passes one that runs after the current turn's I/O: the `desk.place` of a counter-order
   * is inspected just before its request starts, and an SQLite commit there delays the order by
   * tens of µs (hundreds on a cold CPU). Market events are never deferred: they are the write-ahead
   * log, committed before the actor acts.
   */
  readonly defer?: (write: () => void) => void;
}

/** A journal `inspect` observer; `flush()` writes deferred reporting rows now (before the journal closes). */
export interface JournalInspector {
  (event: InspectionEvent): void;
  flush(): void;
}

/** The id prefix the supervisor gives market actors (`marketActorId`). */
const MARKET_PREFIX = 'market:';

function actorId(actorRef: ActorRefLike): string {
  const id = (actorRef as { id?: unknown }).id;
  return typeof id === 'string' ? id : '?';
}

function marketFromId(actorRef: ActorRefLike): string | null {
  const id = actorId(actorRef);
  return id.startsWith(MARKET_PREFIX) ? id.slice(MARKET_PREFIX.length) : null;
}

interface Seen {
  state: string;
  batch: unknown;
  pnl: unknown;
}

interface MarketContextView {
  readonly batch?: readonly OrderIntent[];
  readonly book?: { readonly pnl: PnlBook } | null;
}

/** Returns an `inspect` observer that writes to `journal` (see the module comment for what and when). */
export function journalInspector(journal: JournalSink, options: JournalInspectorOptions = {}): JournalInspector {
  const marketOf = options.marketOf ?? marketFromId;
  const seen = new WeakMap<ActorRefLike, Seen>();
  // Reporting writes waiting for the deferred flush, in order; PnL coalesced per market (the last wins).
  const pending: (() => void)[] = [];
  const pnlDue = new Map<string, PnlBook>();
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const writes = pending.splice(0, pending.length);
    for (const w of writes) w();
    for (const [market, pnl] of pnlDue) journal.recordPnl(market, pnl);
    pnlDue.clear();
  };
  const schedule = (defer: (write: () => void) => void): void => {
    if (scheduled) return;
    scheduled = true;
    defer(flush);
  };
  const later = (write: () => void): void => {
    if (options.defer === undefined) return write();
    pending.push(write);
    schedule(options.defer);
  };
  const pnlLater = (market: string, pnl: PnlBook): void => {
    if (options.defer === undefined) return journal.recordPnl(market, pnl);
    pnlDue.set(market, pnl);
    schedule(options.defer);
  };

  const onEvent = (target: ActorRefLike, source: ActorRefLike | undefined, event: AnyEventObject): void => {
    const market = marketOf(target);
    if (market !== null) {
      if (event.type !== 'xstate.init' && event.type !== 'feed.price') journal.appendMarketEvent(market, event);
      return;
    }
    if (event.type === 'desk.place' && source !== undefined) {
      const from = marketOf(source);
      if (from !== null) {
        const intents = (event as unknown as { intents: readonly OrderIntent[] }).intents;
        later(() => journal.recordIntents(from, intents));
      }
    }
  };

  const onSnapshot = (actorRef: ActorRefLike, snapshot: unknown, event: AnyEventObject): void => {
    const s = snapshot as { value?: unknown; context?: MarketContextView };
    if (s.value === undefined) return; // not a state machine
    const state = stateText(s.value);
    const market = marketOf(actorRef);
    let last = seen.get(actorRef);
    if (last === undefined) {
      last = { state: '', batch: undefined, pnl: undefined };
      seen.set(actorRef, last);
      const type = event.type;
      later(() => journal.recordTransition(actorId(actorRef), null, state, type));
    } else if (last.state !== state) {
      const from = last.state;
      const type = event.type;
      later(() => journal.recordTransition(actorId(actorRef), from, state, type));
      if (market !== null && event.type === 'feed.price') journal.appendMarketEvent(market, event);
    }
    last.state = state;
    if (market === null || s.context === undefined) return;
    const batch = s.context.batch;
    if (batch !== last.batch) {
      last.batch = batch;
      if (batch !== undefined && batch.length > 0) later(() => journal.recordIntents(market, batch));
    }
    // The PnL changes in place: its trade count tells whether it changed.
    const pnl = s.context.book?.pnl;
    if (pnl?.trades !== last.pnl) {
      last.pnl = pnl?.trades;
      if (pnl !== undefined) pnlLater(market, pnl);
    }
  };

  const inspect = (ie: InspectionEvent): void => {
    if (ie.type === '@xstate.event') onEvent(ie.actorRef, ie.sourceRef, ie.event);
    else if (ie.type === '@xstate.snapshot') onSnapshot(ie.actorRef, ie.snapshot, ie.event);
  };
  return Object.assign(inspect, { flush });
}
