/**
 * A market actor driven through a realistic life by the market harness, journaled through the
 * runtime's journal hook (attached to the actor system as the runtime does), with the live book recorded after every journaled event: the oracle the
 * replay tests compare `restoreBook` with.
 */
import type { InspectionEvent } from 'xstate';
import type { ExchangeOrder, OrderIntent } from '../../../src/grid/index.js';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import type { MarketInput } from '../../../src/machines/market/market.types.js';
import { bookData } from '../../../src/runtime/journal/book-codec.js';
import { type JournalSink, journalInspector } from '../../../src/runtime/journal/inspect-hook.js';
import { attachSystemHook } from '../../../src/runtime/journal/system-hook.js';
import { encodeValue } from '../../../src/runtime/journal/value-codec.js';
import { DBTC_DUSDT } from '../../grid/fixtures.js';
import { type MarketHarness, placedAll, settings, startMarket } from '../../machines/market/market-harness.js';
import { flushPromises } from '../../support/flush.js';
import { listedUntouched } from '../../grid/ledger-support.js';

export const MARKET = 'DBTC_DUSDT';

/** The harness's market actor is the root actor of its own machine (`id: 'market'`). */
export const isMarketActor = (ref: unknown): boolean => (ref as { logic?: { id?: unknown } }).logic?.id === 'market';

/** The book as checkpoint text: equal texts, equal books (and the book's later changes do not alter a text taken now). */
export const bookText = (book: Parameters<typeof bookData>[0] | null | undefined): string => (book == null ? 'null' : encodeValue(bookData(book)));

export interface JournaledMarket {
  readonly h: MarketHarness;
  /** `booksAfter[k]`: the live book (as text) once the actor processed the first k journaled events. */
  readonly booksAfter: string[];
  journaled(): number;
  /** Writes the hook's queued reporting rows now (the runtime does it after each turn). */
  flush(): void;
}

/** Starts a market whose events go to `journal` exactly as the runtime sends them. */
export function startJournaledMarket(journal: JournalSink & { beginMarketRun(input: MarketInput): void }, input: MarketInput): JournaledMarket {
  journal.beginMarketRun(input);
  const indexOf = new Map<object, number>();
  let count = 0;
  const counting: JournalSink = {
    appendMarketEvent: (market, event) => {
      journal.appendMarketEvent(market, event);
      count += 1;
      indexOf.set(event, count);
    },
    recordIntents: (m, i) => journal.recordIntents(m, i),
    recordTransition: (a, f, t, e) => journal.recordTransition(a, f, t, e),
    recordPnl: (m, p) => journal.recordPnl(m, p),
    writeReports: () => journal.writeReports(),
    writeReportSlice: (rows) => journal.writeReportSlice(rows),
  };
  const hook = journalInspector(counting, { marketOf: (ref) => (isMarketActor(ref) ? MARKET : null) });
  const booksAfter: string[] = ['null'];
  const inspect = (ie: InspectionEvent): void => {
    hook(ie);
    if (ie.type !== '@xstate.snapshot' || !isMarketActor(ie.actorRef)) return;
    const k = indexOf.get(ie.event);
    if (k !== undefined) booksAfter[k] = bookText((ie.snapshot as unknown as { context: { book: Parameters<typeof bookData>[0] | null } }).context.book);
  };
  // Attached as the runtime attaches it (start/wiring.ts), not as an `inspect` observer.
  const h = startMarket(input, undefined, { beforeStart: (actor) => attachSystemHook(actor, inspect) });
  return { h, booksAfter, journaled: () => count, flush: () => hook.flush() };
}

const lastIntents = (h: MarketHarness): OrderIntent[] => (h.calls.filter((c) => c.name === 'placeBatch').at(-1)?.input as { intents: OrderIntent[] }).intents;

/** The orders the exchange would list: every live order of the book. */
export function openOrdersOf(h: MarketHarness): ExchangeOrder[] {
  const book = h.context().book;
  if (book === null) return [];
  return [...book.orders.values()].filter((o) => o.state === 'live' && o.orderId !== null).map(listedUntouched);
}

function liveAt(h: MarketHarness, level: number) {
  const o = h.context().book?.orders.get(level);
  if (o === undefined || o.orderId === null) throw new Error(`no live order at level ${level}: ${h.lifecycle()}`);
  return o;
}

type LiveOrder = ReturnType<typeof liveAt>;

function fill(h: MarketHarness, level: number | LiveOrder, dealId: number, part: 'half' | 'rest' | 'all'): LiveOrder {
  const o = typeof level === 'number' ? liveAt(h, level) : level;
  const amount = part === 'all' ? o.amount.toFixed() : o.amount.div(2).toFixed();
  const price = o.price.toFixed();
  h.feed.push({
    type: 'feed.deal',
    deal: {
      dealId,
      orderId: o.orderId ?? 0,
      clientOrderId: o.clientOrderId,
      side: o.side,
      price,
      amount,
      fee: '0.01',
      feeAsset: 'DUSDT',
      time: 1_700_000_000 + dealId,
    },
  });
  if (part !== 'half') {
    h.feed.push({
      type: 'feed.order',
      update: {
        orderId: o.orderId ?? 0,
        clientOrderId: o.clientOrderId,
        side: o.side,
        price,
        amount: o.amount.toFixed(),
        left: '0',
        dealStock: o.amount.toFixed(),
        final: true,
      },
    });
  }
  return o;
}

/** Answers the desk's latest request: every intent placed, or the first one with an unknown outcome. */
function answerDesk(h: MarketHarness, firstId: number, firstUnknown = false): void {
  const req = h.desk.placed.at(-1);
  if (req === undefined) throw new Error('the desk was asked nothing');
  const outcomes = placedAll(req.intents, firstId).map((o, i) =>
    i === 0 && firstUnknown ? { kind: 'unknown' as const, clientOrderId: o.clientOrderId, reason: 'timeout' } : o,
  );
  h.desk.reply({ type: 'desk.result', outcomes, fatal: null });
}

/**
 * Load, cancel-all, arm, place in batches of two (one refused with a 503 and retried after the
 * backoff), fills and their counter-orders through the desk (a duplicate deal, a partial fill),
 * a kill-switch refresh, a reconnect and reconcile that finds a fill from the gap, a desk answer
 * with an unknown outcome and the reconcile it causes, more fills. Optionally ends with a price
 * that breaches the risk limit, then a fill while `killed`.
 */
export async function runScenario(m: JournaledMarket, options: { riskKill?: boolean } = {}): Promise<void> {
  const { h } = m;
  await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
  await h.resolve('cancelAll');
  await h.resolve('armKillSwitch', { cancellationTimeMs: 60_000 });
  await h.resolve('placeBatch', placedAll(lastIntents(h), 1000));
  await h.reject('placeBatch', new MarketIoError('retry', 'HTTP 503'));
  h.clock.increment(5_000);
  await flushPromises();
  await h.resolve('placeBatch', placedAll(lastIntents(h), 1010));
  if (h.lifecycle() !== 'running') throw new Error(`scenario: expected running, got ${h.lifecycle()}`);
  h.feed.push({ type: 'feed.price', price: '59900' });

  const bought = fill(h, 1, 1, 'all'); // buy filled → counter sell at 2
  fill(h, bought, 1, 'all'); // the same deal and update again: nothing new
  answerDesk(h, 2000);
  fill(h, 3, 2, 'half'); // partial sell → counter buy at 2? busy: residue
  h.clock.increment(20_000); // kill-switch refresh
  await h.resolve('armKillSwitch', { cancellationTimeMs: 80_000 });

  h.feed.push({ type: 'connection.down' });
  h.feed.push({ type: 'connection.up' });
  const open = openOrdersOf(h);
  const gone = open.find((o) => o.side === 'buy');
  if (gone === undefined) throw new Error('scenario: no buy resting');
  await h.resolve('fetchExchange', {
    openOrders: open.filter((o) => o !== gone),
    deals: [
      {
        dealId: 3,
        orderId: gone.orderId,
        clientOrderId: gone.clientOrderId,
        side: 'buy',
        price: gone.price,
        amount: gone.amount,
        fee: '0.01',
        feeAsset: 'DUSDT',
        time: 1_700_000_100,
      },
    ],
  });
  await h.resolve('armKillSwitch', { cancellationTimeMs: 100_000 });
  if (h.pendingNames().includes('placeBatch')) await h.resolve('placeBatch', placedAll(lastIntents(h), 3000));
  if (h.lifecycle() !== 'running') throw new Error(`scenario: expected running after reconcile, got ${h.lifecycle()}`);

  fill(h, 2, 4, 'all'); // the counter sell fills → counter buy
  answerDesk(h, 4000, true); // its answer is lost: reconcile
  await h.resolve('fetchExchange', { openOrders: openOrdersOf(h), deals: [] });
  await h.resolve('armKillSwitch', { cancellationTimeMs: 120_000 });
  if (h.pendingNames().includes('placeBatch')) await h.resolve('placeBatch', placedAll(lastIntents(h), 5000));
  fill(h, 4, 5, 'half');
  h.feed.push({ type: 'feed.price', price: '60100' });

  if (options.riskKill) {
    h.feed.push({ type: 'feed.price', price: '90000' }); // far outside the ladder: killed
    if (h.lifecycle() !== 'killed') throw new Error(`scenario: expected killed, got ${h.lifecycle()}`);
    fill(h, 1, 6, 'all'); // its counter-order (a buy at 0) is owed, but nothing leaves a killed market
  }
}

export function scenarioInput(options: { riskKill?: boolean } = {}, overrides: Partial<MarketInput> = {}): MarketInput {
  return settings({
    batchSize: 2,
    ...overrides,
    ...(options.riskKill ? { risk: { rangeExitMarginPercent: '5', stopLossQuote: null, maxInventoryBase: null } } : {}),
  });
}
