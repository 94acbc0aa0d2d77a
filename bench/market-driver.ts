/**
 * One market actor against an in-memory exchange, driven only through the machine's public API:
 * IO actors answered in memory, and per fill the events the exchange pushes (`feed.deal`, the
 * filled order's final `feed.order`, the desk's `desk.result`, the new order's first `feed.order`).
 *
 * Why its own order list: the exchange side keeps the resting orders it accepted (from the start
 * batch and from every `desk.place`), so which order to fill is chosen without reading the actor's
 * book; the book's internals can change freely. One market (`MARKET`, `rules`, `input`): a
 * 3-a-side arithmetic grid around 100.
 *
 * Entry point: `startDrivenMarket` (resolves once the market is `running`); then `fill()` per fill.
 * Timers run on the clock given (a `SimulatedClock` for the history section).
 */
import { type ActorOptions, type AnyActorRef, type AnyEventObject, type InspectionEvent, createActor, fromCallback, fromPromise } from 'xstate';
import { type OrderIntent, type PlacementOutcome, marketRulesFrom } from '../src/grid/index.js';
import { marketMachine } from '../src/machines/market/market.machine.js';
import type { DeskPlace, MarketEvent, MarketInput } from '../src/machines/market/market.types.js';
import { marketActorId } from '../src/runtime/supervisor/supervisor.machine.js';

export const MARKET = 'BENCH1_USDT';

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
export const rules = parsedRules.rules;

export const input: MarketInput = {
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

interface Resting {
  readonly orderId: number;
  readonly intent: OrderIntent;
}

export interface DrivenMarketOptions {
  /** Epoch ms now (the kill switch's deadline, the deals' time). */
  readonly now: () => number;
  readonly clock?: NonNullable<ActorOptions<typeof marketMachine>['clock']>;
  readonly inspect?: (e: InspectionEvent) => void;
  /** Called between `createActor` and `start` (e.g. to attach the journal hook to the actor's system). */
  readonly beforeStart?: (actor: AnyActorRef) => void;
}

export interface DrivenMarket {
  /** The market's top state: `running.trading`, `killed`, … */
  lifecycle(): string;
  /**
   * One complete fill of the best resting order of the next side (sides alternate, so the grid
   * stays balanced); `around` wraps each event's delivery (a timer, or nothing).
   * @throws Error when the actor asked for no counter-order
   */
  fill(around?: (kind: FillEventKind, deliver: () => void) => void): void;
  stop(): void;
}

export type FillEventKind = 'deal → desk.place' | 'order final' | 'desk.result' | 'order new';

export const FILL_EVENT_KINDS: readonly FillEventKind[] = ['deal → desk.place', 'order final', 'desk.result', 'order new'];

const lifecycleOf = (value: unknown): string => {
  const l = (value as { lifecycle?: unknown }).lifecycle;
  if (typeof l === 'string') return l;
  const [k, v] = Object.entries((l ?? {}) as Record<string, unknown>)[0] ?? ['?', ''];
  return typeof v === 'string' ? `${k}.${v}` : k;
};

/** Starts the machine with in-memory IO and resolves once it trades. */
export async function startDrivenMarket(options: DrivenMarketOptions): Promise<DrivenMarket> {
  const resting = new Map<string, Resting>();
  let nextOrderId = 1;
  let dealId = 1;
  let side: 'buy' | 'sell' = 'buy';
  let asked: DeskPlace | null = null;
  let deskReply: (e: MarketEvent) => void = () => {};
  let feedPush: (e: MarketEvent) => void = () => {};
  const accept = (intents: readonly OrderIntent[]): PlacementOutcome[] =>
    intents.map((intent) => {
      const orderId = nextOrderId++;
      resting.set(intent.clientOrderId, { orderId, intent });
      return { kind: 'placed', clientOrderId: intent.clientOrderId, orderId, dealStock: '0', left: intent.amount };
    });

  const machine = marketMachine.provide({
    actors: {
      loadMarket: fromPromise(async () => ({ rules, lastPrice: '100' })) as never,
      cancelAll: fromPromise(async () => undefined) as never,
      armKillSwitch: fromPromise(async () => ({ cancellationTimeMs: options.now() + 60_000 })) as never,
      disarmKillSwitch: fromPromise(async () => undefined) as never,
      placeBatch: fromPromise(async ({ input: i }: { input: { intents: readonly OrderIntent[] } }) => accept(i.intents)) as never,
      fetchExchange: fromPromise(async () => ({ openOrders: [], deals: [] })) as never,
      cancelOrders: fromPromise(async () => []) as never,
      feed: fromCallback<AnyEventObject, { market: string }>(({ sendBack }) => {
        feedPush = (e) => sendBack(e);
        queueMicrotask(() => sendBack({ type: 'connection.up' }));
      }),
      desk: fromCallback<DeskPlace, { market: string }>(({ sendBack, receive }) => {
        deskReply = (e) => sendBack(e);
        receive((e) => {
          asked = e;
        });
      }),
    },
  });
  const actor = createActor(machine, {
    id: marketActorId(MARKET),
    input,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  options.beforeStart?.(actor);
  actor.start();
  const lifecycle = (): string => lifecycleOf(actor.getSnapshot().value);
  for (let i = 0; i < 100 && !lifecycle().startsWith('running'); i += 1) await new Promise((r) => setTimeout(r, 1));
  if (!lifecycle().startsWith('running')) throw new Error(`market not running: ${lifecycle()}`);

  const direct = (_: FillEventKind, deliver: () => void): void => deliver();
  const fill = (around = direct): void => {
    // The best resting order of this side (prices compared as numbers only to choose; the bench grid has 2 decimals).
    let best: Resting | undefined;
    for (let attempt = 0; attempt < 2 && best === undefined; attempt += 1) {
      for (const r of resting.values()) {
        if (r.intent.side !== side) continue;
        const p = Number(r.intent.price);
        if (best === undefined || (side === 'buy' ? p > Number(best.intent.price) : p < Number(best.intent.price))) best = r;
      }
      side = side === 'buy' ? 'sell' : 'buy';
    }
    if (best === undefined) throw new Error('no resting order to fill');
    const { orderId, intent } = best;
    resting.delete(intent.clientOrderId);
    const order = { orderId, clientOrderId: intent.clientOrderId, side: intent.side, price: intent.price, amount: intent.amount };
    asked = null;
    const deal = { dealId: dealId++, ...order, fee: '0.001', feeAsset: 'USDT', time: options.now() / 1000 };
    around('deal → desk.place', () => feedPush({ type: 'feed.deal', deal }));
    const placed = asked as DeskPlace | null;
    if (placed === null) throw new Error(`no counter-order after deal ${deal.dealId} (${lifecycle()})`);
    // Built before the timer starts, like the deal and the new order's report: only the actor is timed.
    const final: MarketEvent = { type: 'feed.order', update: { ...order, left: '0', dealStock: intent.amount, final: true } };
    around('order final', () => feedPush(final));
    const outcomes = accept(placed.intents);
    around('desk.result', () => deskReply({ type: 'desk.result', outcomes, fatal: null }));
    for (const [k, o] of outcomes.entries()) {
      const i = placed.intents[k];
      if (i === undefined || o.kind !== 'placed') continue;
      const update = {
        orderId: o.orderId,
        clientOrderId: i.clientOrderId,
        side: i.side,
        price: i.price,
        amount: i.amount,
        left: i.amount,
        dealStock: '0',
        final: false,
      };
      const report: MarketEvent = { type: 'feed.order', update };
      around('order new', () => feedPush(report));
    }
  };
  return { lifecycle, fill, stop: () => actor.stop() };
}
