/**
 * The runtime's link to the journal: a hook on XState's inspection events that journals what the
 * market actors receive, exactly as replay needs it. The runtime and the backtest attach it to the
 * actor system directly (system-hook.ts: as an `inspect` observer it would make XState copy every
 * inspection event); it also works as an `inspect` observer, and reads the same events either way.
 *
 * Why inspection events and why it is safe: XState emits `@xstate.event` inside `system._relay`, *before*
 * the event is put into the target's mailbox, for every event that reaches an actor from outside
 * its own macrostep: feed and desk `sendBack`s, `actor.send`, invoke done/error events
 * (`xstate.done.actor.placeBatch` with its output, …) and delayed `xstate.after.*` events. The
 * mailbox is FIFO, so the journal's order is the order the actor processes them, and each event is
 * committed before the actor can act on it (a fill is on disk before its counter-order leaves).
 * `raise`d events are internal to a macrostep: replay re-derives them.
 *
 * What is not appended, and why:
 * - `xstate.init`: replay starts with `initialTransition` from the checkpointed input;
 * - `feed.price`: it is by far the most frequent event (every trade on the market) and it mostly
 *   changes nothing replay needs. Two exceptions, and a price event is appended for either, once:
 *   - it releases a level waiting for price (grid/price-wait.ts: the book owes an order again, and
 *     `running` sends it at once). Decided before delivery, write-ahead like any event, with the
 *     book's own pure `waitingReleases` on the book the event will meet: cheap, since it is skipped
 *     while no level waits. (Should the book have changed anyway, e.g. an event queued before it,
 *     the snapshot rule below still appends it, after the fact.)
 *   - it changes the state: a risk-limit breach sends `running` to `killed`, after which fills no
 *     longer produce counter-orders. Appended from `@xstate.snapshot`, right after its own macrostep;
 *     it would be misordered only if an event were relayed to the market during that macrostep, and
 *     entering `killed` relays none (its effects are promises that settle later).
 *
 * Also, for reporting (same inspect callback, no extra subscription), queued in the journal and
 * written together at most every `reportEveryMs` (default 250 ms; `defer` replaces the schedule),
 * in slices of bounded cost, one per after-turn phase (report-slices.ts). Why not after every
 * turn: at a thousand fills a second a write per turn is a reporting transaction per fill, and the
 * same order's reports (sent, placed, filled), the same market's PnL and the same pages of the
 * tables merge when written together; these rows are for people, and 250 ms late is still live to them:
 * - every machine actor's state changes (`transitions`): the state text is computed only when the
 *   snapshot's active state nodes changed (`_nodes`: XState keeps the same array while the
 *   configuration stays, and its elements are stable StateNode objects), not per snapshot;
 * - intents handed to the exchange (`desk.place` events to the desk, and a new placement `batch`
 *   in a market's context: `assign` replaces it, never mutates it);
 * - each market's PnL, once per write for a market that journaled an event since, read from that
 *   actor's current snapshot at write time. Not by comparing book or PnL objects: the actor may
 *   update its book in place.
 *
 * Errors of the journal propagate out of the callback, i.e. out of whatever sent the event: the
 * event is then not delivered. Fail-stop is the point: a bot must not act on what it could not
 * journal. (Deferred reporting writes fail in their own turn instead, handed to `onError`.)
 */
import type { ActorRefLike, AnyEventObject, InspectionEvent } from 'xstate';
import { type LevelBook, type OrderIntent, parseDecimal, waitingReleases } from '../../grid/index.js';
import { type FiguresSourceView, figureRulesOf, runFiguresOf } from '../report/fleet-figures.js';
import { afterTurn } from '../turn/turn-order.js';
import type { Journal, RunFigures } from './journal.js';
import { REPORT_SLICE, type SliceSignals, type ReportSlice, reportWriter } from './report-slices.js';
import { stateText } from './state-text.js';

export type JournalSink = Pick<Journal, 'appendMarketEvent' | 'recordIntents' | 'recordTransition' | 'recordPnl' | 'writeReports' | 'writeReportSlice'> &
  Partial<Pick<Journal, 'reportsQueued'>>;

export interface JournalInspectorOptions {
  /** The market an actor runs, or null when it is not a market actor (asked once per actor). Default: ids `market:<market>`. */
  readonly marketOf?: (actorRef: ActorRefLike) => string | null;
  /**
   * Schedules the reporting write (intents sent, transitions, PnL, the derived orders and fills).
   * Default: `reportEveryMs` later, then {@link afterTurn} (off that turn's I/O too), whose throw
   * goes to `onError`. Market events are never deferred: they are the write-ahead log.
   */
  readonly defer?: (write: () => void) => void;
  /** With the default `defer`: how long reporting rows wait to be written with those that follow, ms. Default 250. */
  readonly reportEveryMs?: number;
  /** Where a failed reporting write goes (with the default `defer`). Default: rethrown. */
  readonly onError?: (error: unknown) => void;
  /**
   * Schedules the next slice of a reporting write (report-slices.ts). Default with the default
   * `defer`: {@link afterTurn}, whose throw goes to `onError`. With a custom `defer` and no
   * `nextSlice`, a write is one piece, as before slices.
   */
  readonly nextSlice?: (write: () => void) => void;
  /** The bound of one slice: rows (journal.ts `writeReportSlice`), markets whose PnL is read and time. Default {@link REPORT_SLICE}. */
  readonly slice?: ReportSlice;
  /** The clock of a slice's time bounds, and the frames it gives way to (report-slices.ts). Defaults: the runtime's. */
  readonly signals?: SliceSignals;
  /**
   * Called before each market event is appended: the runtime's turn order opens a batch there when
   * none is open (turn-order.ts rule 2), so the event's effects wait for its commit.
   */
  readonly beforeAppend?: () => void;
}

/** A journal `inspect` observer; `flush()` writes the queued reporting rows now (before the journal closes). */
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
  nodes: readonly unknown[] | undefined;
  state: string;
  batch: unknown;
}

/** The price event being delivered to a market, and whether it was appended already. */
interface PriceSeen {
  event: AnyEventObject | null;
  appended: boolean;
  /** The book's version before it. */
  version: number | undefined;
}

interface MachineSnapshotView {
  readonly value?: unknown;
  readonly _nodes?: readonly unknown[];
  readonly context?: MarketContextView;
}

interface MarketContextView {
  readonly batch?: readonly OrderIntent[];
  readonly book?: (Pick<LevelBook, 'pnl' | 'version'> & Partial<LevelBook>) | null;
}

/** True when a price event will release a level waiting for price in `book` (see the module comment). */
function releases(book: MarketContextView['book'], event: AnyEventObject): boolean {
  if (book === null || book === undefined || book.waiting === undefined || book.waiting.size === 0) return false;
  const price = parseDecimal((event as { price?: unknown }).price as string);
  return price !== null && waitingReleases(book as LevelBook, price).length > 0;
}

/** True when a context carries what the figures read (a market actor's does; a test's stub may not). */
function isFiguresSource(c: MarketContextView | undefined): c is MarketContextView & FiguresSourceView {
  const v = c as Partial<FiguresSourceView> | undefined;
  return v?.settings !== undefined && v.book !== undefined && v.book !== null && 'ledger' in v.book;
}

/** Returns what this run added to the market's figures, for its `run_figures` row (not the all-time sum: unused here). */
function runFigures(c: FiguresSourceView & { readonly stopReason?: string | null }): RunFigures {
  return { figures: runFiguresOf(c), quoteAsset: figureRulesOf(c)?.quoteAsset ?? null, stopReason: c.stopReason ?? null };
}

/** True when two `_nodes` arrays hold the same state nodes (the same array, mostly). */
function sameNodes(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Returns an `inspect` observer that writes to `journal` (see the module comment for what and when). */
export function journalInspector(journal: JournalSink, options: JournalInspectorOptions = {}): JournalInspector {
  // Once per actor: every event of every actor asks, and the same string each time is cheaper to
  // hash for the maps keyed by market (here and in the journal) than a fresh slice of the id.
  const marketOfRef = options.marketOf ?? marketFromId;
  const markets = new WeakMap<ActorRefLike, string | null>();
  const marketOf = (actorRef: ActorRefLike): string | null => {
    let market = markets.get(actorRef);
    if (market === undefined) {
      market = marketOfRef(actorRef);
      markets.set(actorRef, market);
    }
    return market;
  };
  const beforeAppend = options.beforeAppend ?? (() => {});
  const reportEveryMs = options.reportEveryMs ?? 250;
  // Unref'd: a pending report never keeps the process alive; close() writes what is queued.
  const defer =
    options.defer ??
    ((write: () => void) => {
      setTimeout(() => afterTurn(write, options.onError), reportEveryMs).unref();
    });
  const seen = new WeakMap<ActorRefLike, Seen>();
  const prices = new WeakMap<ActorRefLike, PriceSeen>();
  // Markets that journaled an event since the last write, and their actors (for the PnL at write time).
  const dirty = new Set<string>();
  const actors = new Map<string, ActorRefLike>();
  const recordPnl = (market: string): void => {
    const snapshot = actors.get(market)?.getSnapshot() as MachineSnapshotView | undefined;
    const context = snapshot?.context;
    const pnl = context?.book?.pnl;
    if (pnl !== undefined) journal.recordPnl(market, isFiguresSource(context) ? { ...pnl, run: runFigures(context) } : pnl);
  };
  const nextSlice = options.nextSlice ?? (options.defer === undefined ? (write: () => void) => afterTurn(write, options.onError) : null);
  let scheduled = false;
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    defer(write);
  };
  const writer = reportWriter(journal, dirty, recordPnl, nextSlice, options.slice ?? REPORT_SLICE, schedule, options.signals);
  const write = (): void => {
    scheduled = false;
    writer.write();
  };
  const flush = (): void => writer.writeAll();

  const onEvent = (target: ActorRefLike, source: ActorRefLike | undefined, event: AnyEventObject): void => {
    const market = marketOf(target);
    if (market !== null) {
      if (event.type === 'xstate.init') return;
      if (event.type === 'feed.price') {
        const book = (target.getSnapshot() as MachineSnapshotView | undefined)?.context?.book;
        const appended = releases(book, event);
        prices.set(target, { event, appended, version: book?.version });
        if (!appended) return;
      }
      beforeAppend();
      journal.appendMarketEvent(market, event);
      actors.set(market, target);
      dirty.add(market);
      schedule();
      return;
    }
    if (event.type === 'desk.place' && source !== undefined) {
      const from = marketOf(source);
      if (from !== null) {
        journal.recordIntents(from, (event as unknown as { intents: readonly OrderIntent[] }).intents);
        schedule();
      }
    }
  };

  /** Appends a price event after its macrostep (it changed the state or the book), unless it already was. */
  const appendPriceLate = (actorRef: ActorRefLike, market: string, event: AnyEventObject): void => {
    const p = prices.get(actorRef);
    if (p !== undefined && p.event === event) {
      if (p.appended) return;
      p.appended = true;
    }
    beforeAppend();
    journal.appendMarketEvent(market, event);
  };

  const onSnapshot = (actorRef: ActorRefLike, snapshot: unknown, event: AnyEventObject): void => {
    const s = snapshot as MachineSnapshotView;
    if (s.value === undefined) return; // not a state machine
    const market = marketOf(actorRef);
    let last = seen.get(actorRef);
    if (last === undefined) {
      last = { nodes: s._nodes, state: stateText(s.value), batch: undefined };
      seen.set(actorRef, last);
      journal.recordTransition(actorId(actorRef), null, last.state, event.type);
      schedule();
    } else if (s._nodes === undefined || !sameNodes(last.nodes, s._nodes)) {
      last.nodes = s._nodes;
      const state = stateText(s.value);
      if (state !== last.state) {
        journal.recordTransition(actorId(actorRef), last.state, state, event.type);
        schedule();
        last.state = state;
        if (market !== null && event.type === 'feed.price') appendPriceLate(actorRef, market, event);
      }
    }
    if (market !== null && event.type === 'feed.price') {
      const p = prices.get(actorRef);
      if (p !== undefined && p.event === event && !p.appended && s.context?.book?.version !== p.version) appendPriceLate(actorRef, market, event);
    }
    if (market === null || s.context === undefined) return;
    const batch = s.context.batch;
    if (batch !== last.batch) {
      last.batch = batch;
      if (batch !== undefined && batch.length > 0) {
        journal.recordIntents(market, batch);
        schedule();
      }
    }
  };

  const inspect = (ie: InspectionEvent): void => {
    if (ie.type === '@xstate.event') onEvent(ie.actorRef, ie.sourceRef, ie.event);
    else if (ie.type === '@xstate.snapshot') onSnapshot(ie.actorRef, ie.snapshot, ie.event);
  };
  return Object.assign(inspect, { flush });
}
