/**
 * CPU cost of one fill inside the market actor, without sockets: the real machine with the IO
 * actors answered at once in memory, a 3-a-side grid, and for every fill the events the exchange
 * pushes (the deal, the filled order's final update, the placement answer, the new order's first
 * update). Returns µs per event kind after a warm-up; `npm run bench` prints it as its own section.
 *
 * `frame → desk` is what matters for the reaction: from handing the deal to the actor until the
 * desk is asked to place the counter-order, synchronously inside that call.
 */
import { type AnyEventObject, createActor, fromCallback, fromPromise } from 'xstate';
import { type Summary, summarize } from './probe.js';
import { marketRulesFrom } from '../src/grid/index.js';
import type { PlacementOutcome } from '../src/grid/index.js';
import { marketMachine } from '../src/machines/market/market.machine.js';
import type { DeskPlace, MarketEvent, MarketInput } from '../src/machines/market/market.types.js';

const MARKET = 'BENCH1_USDT';

const parsedRules = marketRulesFrom({
  market: MARKET,
  baseAsset: 'BENCH1',
  quoteAsset: 'USDT',
  pricePrecision: 2,
  amountPrecision: 4,
  minAmount: '0.001',
  minTotal: '0.01',
  maxTotal: '0',
  makerFeePercent: '0.1',
  takerFeePercent: '0.1',
});
if (!parsedRules.ok) throw new Error('bench market rules');
const rules = parsedRules.rules;

const input: MarketInput = {
  botId: 'bench',
  market: MARKET,
  spec: {
    market: MARKET,
    spacing: 'arithmetic',
    ladder: { kind: 'centered', levelsPerSide: 3, step: '1' },
    amountPerLevel: { unit: 'base', value: '1' },
    budget: {},
  },
  onStart: 'cancel-all',
  onStop: 'cancel',
  killSwitch: { timeoutSec: 60, refreshSec: 20, retrySec: 5 },
  risk: { rangeExitMarginPercent: null, stopLossQuote: null, maxInventoryBase: null },
  batchSize: 20,
  retry: { baseMs: 1000, maxMs: 30000 },
  restore: null,
  firstSeq: 1,
};

export interface MarketCpuResult {
  readonly fills: number;
  readonly warmup: number;
  /** With an `inspect` callback that does nothing: XState's own cost of inspection. */
  readonly withInspect: boolean;
  /** µs per event, by kind. */
  readonly events: Record<string, Summary>;
}

/** A market actor running the bench grid, with the exchange's pushes as calls. */
interface Driven {
  /** Drives one fill (deal, final report, desk answer, new order's report), timing each event through `time`. */
  fill(n: number, time: (kind: string, f: () => void) => void): void;
  stop(): void;
}

async function startDriven(withInspect: boolean): Promise<Driven> {
  let nextOrderId = 1;
  let deskPlaced: DeskPlace | null = null;
  let deskReply: (e: MarketEvent) => void = () => {};
  let feedPush: (e: MarketEvent) => void = () => {};
  const placed = (intents: readonly { clientOrderId: string; amount: string }[]): PlacementOutcome[] =>
    intents.map((i) => ({ kind: 'placed', clientOrderId: i.clientOrderId, orderId: nextOrderId++, dealStock: '0', left: i.amount }));

  const machine = marketMachine.provide({
    actors: {
      loadMarket: fromPromise(async () => ({ rules, lastPrice: '100' })) as never,
      cancelAll: fromPromise(async () => undefined) as never,
      armKillSwitch: fromPromise(async () => ({ cancellationTimeMs: Date.now() + 60_000 })) as never,
      disarmKillSwitch: fromPromise(async () => undefined) as never,
      placeBatch: fromPromise(async ({ input: i }: { input: { intents: readonly { clientOrderId: string; amount: string }[] } }) =>
        placed(i.intents),
      ) as never,
      fetchExchange: fromPromise(async () => ({ openOrders: [], deals: [] })) as never,
      cancelOrders: fromPromise(async () => []) as never,
      feed: fromCallback<AnyEventObject, { market: string }>(({ sendBack }) => {
        feedPush = (e) => sendBack(e);
        queueMicrotask(() => sendBack({ type: 'connection.up' }));
      }),
      desk: fromCallback<DeskPlace, { market: string }>(({ sendBack, receive }) => {
        deskReply = (e) => sendBack(e);
        receive((e) => {
          deskPlaced = e;
        });
      }),
    },
  });

  const actor = createActor(machine, { input, ...(withInspect ? { inspect: () => undefined } : {}) });
  actor.start();

  const lifecycle = (): string => JSON.stringify((actor.getSnapshot().value as { lifecycle: unknown }).lifecycle);
  for (let i = 0; i < 100 && !lifecycle().includes('running'); i += 1) await new Promise((r) => setTimeout(r, 1));
  if (!lifecycle().includes('running')) throw new Error(`not running: ${lifecycle()}`);

  let dealId = 1;
  let side: 'buy' | 'sell' = 'buy';
  const fill = (n: number, time: (kind: string, f: () => void) => void): void => {
    const book = actor.getSnapshot().context.book;
    if (!book) throw new Error('no book');
    // The best live order of the side to take: alternating sides keeps the grid balanced.
    let best = null;
    for (const o of book.orders.values()) {
      if (o.state !== 'live' || o.side !== side || o.orderId === null) continue;
      if (best === null || (side === 'buy' ? o.level > best.level : o.level < best.level)) best = o;
    }
    side = side === 'buy' ? 'sell' : 'buy';
    if (best === null || best.orderId === null) return;
    const { orderId, clientOrderId, side: bestSide } = best;
    const price = best.price.toFixed();
    const amount = best.amount.toFixed();
    deskPlaced = null;
    time('deal → desk.place', () =>
      feedPush({
        type: 'feed.deal',
        deal: { dealId: dealId++, orderId, clientOrderId, side: bestSide, price, amount, fee: '0.001', feeAsset: 'USDT', time: n },
      }),
    );
    if (deskPlaced === null) throw new Error(`no counter-order after fill ${n}`);
    const asked: DeskPlace = deskPlaced;
    time('order final', () =>
      feedPush({ type: 'feed.order', update: { orderId, clientOrderId, side: bestSide, price, amount, left: '0', dealStock: amount, final: true } }),
    );
    const outcomes = placed(asked.intents);
    time('desk.result', () => deskReply({ type: 'desk.result', outcomes, fatal: null }));
    for (const [k, o] of outcomes.entries()) {
      const i = asked.intents[k];
      if (i === undefined || o.kind !== 'placed') continue;
      time('order new', () =>
        feedPush({
          type: 'feed.order',
          update: { orderId: o.orderId, clientOrderId: i.clientOrderId, side: i.side, price: i.price, amount: i.amount, left: i.amount, dealStock: '0', final: false },
        }),
      );
    }
  };
  return { fill, stop: () => actor.stop() };
}

/** Drives `fills` fills (after a warm-up) through one market actor and returns µs per event kind. */
export async function measureMarketCpu(fills: number, withInspect = false): Promise<MarketCpuResult> {
  const driven = await startDriven(withInspect);
  const samples: Record<string, number[]> = { 'deal → desk.place': [], 'order final': [], 'desk.result': [], 'order new': [] };
  let record = false;
  const time = (kind: string, f: () => void): void => {
    const t0 = process.hrtime.bigint();
    f();
    if (record) samples[kind]?.push(Number(process.hrtime.bigint() - t0) / 1000);
  };
  const warmup = Math.min(5000, Math.floor(fills / 4));
  for (let n = 0; n < fills + warmup; n += 1) {
    record = n >= warmup;
    driven.fill(n, time);
  }
  driven.stop();
  const events: Record<string, Summary> = {};
  for (const [kind, xs] of Object.entries(samples)) events[kind] = summarize(xs);
  return { fills, warmup, withInspect, events };
}

/** One row of `measureMarketHistory`: the heap after a forced GC once `fills` fills were driven, and the CPU per fill since the previous row. */
export interface HistoryRow {
  readonly fills: number;
  readonly heapMiB: number;
  readonly cpuUsPerFill: number;
}

/**
 * Drives one market actor (no journal) through `marks` fills (ascending) and returns the heap after
 * a forced GC at each mark: what history the machine keeps. Needs `node --expose-gc`.
 */
export async function measureMarketHistory(marks: readonly number[]): Promise<HistoryRow[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run node with --expose-gc');
  const driven = await startDriven(false);
  const run = (_kind: string, f: () => void): void => f();
  const rows: HistoryRow[] = [];
  let n = 0;
  let last = process.cpuUsage();
  let lastN = 0;
  for (const mark of marks) {
    for (; n < mark; n += 1) driven.fill(n, run);
    const cpu = process.cpuUsage(last);
    gc();
    rows.push({
      fills: mark,
      heapMiB: Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10,
      cpuUsPerFill: Math.round(((cpu.user + cpu.system) / Math.max(1, mark - lastN)) * 10) / 10,
    });
    last = process.cpuUsage();
    lastN = mark;
  }
  driven.stop();
  return rows;
}
