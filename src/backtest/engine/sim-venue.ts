/**
 * One market of the simulator's matching engine (src/sim/exchange.ts), in process, as the market
 * actor's exchange: the IO actors the runtime would provide (market.io.ts) answered by the engine,
 * the `feed` fed from the engine's own events (what the WebSocket would push), and the `desk`
 * placing counter-orders on the engine. No sockets, no real timers: time is the StepClock's.
 *
 * The path trades against our resting orders from a second account (TAPE_ACCOUNT) with
 * `fillResting`, the call paper trading replays live trades with: a maker fill at the order's own
 * price, our maker fee charged by the engine as on any fill.
 *
 * Ordering (why a queue): the engine announces events synchronously inside its calls, and the
 * machine asks the desk for counter-orders synchronously inside its transitions. Neither may call
 * the other re-entrantly, so engine events and desk requests become tasks that `settle` runs one by
 * one, after the call that caused them returned. A request/response call (`fromPromise`) settles
 * before any queued task runs: its answer (the REST reply) reaches the machine before the engine's
 * pushes about it, which is one order the live socket may deliver too. A desk request is answered
 * (`desk.result`) before the engine's pushes about the order it placed.
 */
import { type AnyEventObject, fromCallback, fromPromise } from 'xstate';
import type { ExchangeOrder, Fill, MarketRules, OrderIntent, PlacementOutcome } from '../../grid/index.js';
import type { CancelOutcome, ExchangeSnapshot, KillSwitchArmed, LoadedMarket, MarketIoInputs } from '../../machines/market/market.io.js';
import type { DeskPlace, MarketEvent } from '../../machines/market/market.types.js';
import { D, type Dec, fmt } from '../../sim/decimal.js';
import { type BulkItemResult, Exchange } from '../../sim/exchange.js';
import type { SimEvent } from '../../sim/events.js';
import type { Market } from '../../sim/markets.js';
import type { DealRecord, OrderSnapshot } from '../../sim/order.js';
import type { Decimal } from '../../grid/index.js';
import type { BacktestFill } from '../api.js';

/** Our account on the engine. */
export const BOT_ACCOUNT = 'backtest';
/** The account whose orders stand for everyone else's trades on the path. */
export const TAPE_ACCOUNT = 'tape';
/** What the tape holds of each asset: enough never to run short in any backtest. */
const TAPE_FUNDS = '1e30';

/** WhiteBIT's post-only refusal (400 code 13) and a client id in use (422 code 36), as the engine answers them. */
const POST_ONLY_REFUSED = 13;
const CLIENT_ID_IN_USE = 36;

interface Resting {
  readonly side: 'buy' | 'sell';
  readonly price: Dec;
  left: Dec;
}

export interface SimVenueOptions {
  readonly market: Market;
  readonly rules: MarketRules;
  /** Our starting balances, by asset. */
  readonly balances: Readonly<Record<string, string>>;
  readonly now: () => number;
  /** The path's price now (what loadMarket reports as the last price). */
  readonly lastPrice: () => string;
}

export class SimVenue {
  readonly exchange: Exchange;
  /** Our fills, in the order the engine made them. */
  readonly fills: BacktestFill[] = [];
  private readonly queue: (() => void)[] = [];
  /** Request/response calls started since `settle` last yielded to the event loop. */
  private started = 0;
  private readonly resting = new Map<number, Resting>();
  /** Best resting buy and sell of ours; null: none, undefined: to recompute. */
  private best: { bid: Dec | null; ask: Dec | null } | undefined = undefined;
  private feedPush: ((e: MarketEvent) => void) | null = null;
  private readonly m: Market;
  private readonly baseStart: Dec;
  private readonly quoteStart: Dec;
  /** Our holdings' change since the start: quote and base, available + frozen. */
  quoteDelta: Dec;
  baseDelta: Dec;

  constructor(private readonly o: SimVenueOptions) {
    this.m = o.market;
    this.exchange = new Exchange({
      markets: new Map([[o.market.name, o.market]]),
      accounts: [
        { id: BOT_ACCOUNT, balances: o.balances },
        { id: TAPE_ACCOUNT, balances: { [o.market.stock]: TAPE_FUNDS, [o.market.money]: TAPE_FUNDS }, keepHistory: false },
      ],
      // Reconciles read our deals since the last one; a fill's counter-order never waits on history.
      historyLimit: 10_000,
      tradesLimit: 1,
    });
    this.baseStart = this.holding(o.market.stock);
    this.quoteStart = this.holding(o.market.money);
    this.quoteDelta = new D(0);
    this.baseDelta = new D(0);
    this.exchange.on((e) => this.onEngineEvent(e));
  }

  /** The IO actors, feed and desk for `marketMachine.provide({ actors })`. */
  actors() {
    const market = this.m.name;
    const call = <I, O>(f: (input: I) => O) =>
      fromPromise<O, I>(async ({ input }) => {
        this.started += 1;
        return f(input);
      });
    return {
      loadMarket: call<MarketIoInputs['loadMarket'], LoadedMarket>(() => ({ rules: this.o.rules, lastPrice: this.o.lastPrice() })),
      cancelAll: call<MarketIoInputs['cancelAll'], void>(() => {
        this.exchange.cancelAll(BOT_ACCOUNT, market, null, this.o.now());
      }),
      armKillSwitch: call<MarketIoInputs['armKillSwitch'], KillSwitchArmed>((i) => ({
        cancellationTimeMs: this.exchange.armKillSwitch(BOT_ACCOUNT, market, i.timeoutSec, null, this.o.now()).cancelMs,
      })),
      disarmKillSwitch: call<MarketIoInputs['disarmKillSwitch'], void>(() => {
        this.exchange.disarmKillSwitch(BOT_ACCOUNT, market);
      }),
      placeBatch: call<MarketIoInputs['placeBatch'], readonly PlacementOutcome[]>((i) => this.place(i.intents)),
      fetchExchange: call<MarketIoInputs['fetchExchange'], ExchangeSnapshot>((i) => this.snapshot(i.sinceSec)),
      cancelOrders: call<MarketIoInputs['cancelOrders'], readonly CancelOutcome[]>((i) =>
        i.orderIds.map((orderId) => {
          const r = this.exchange.cancelOrder(BOT_ACCOUNT, market, { orderId }, this.o.now());
          return r.ok ? { orderId, ok: true, reason: null } : { orderId, ok: true, reason: 'already gone' };
        }),
      ),
      feed: fromCallback<AnyEventObject, { market: string }>(({ sendBack }) => {
        this.feedPush = (e) => sendBack(e);
        this.queue.push(() => this.feedPush?.({ type: 'connection.up' }));
        return () => {
          this.feedPush = null;
        };
      }),
      desk: fromCallback<DeskPlace, { market: string }>(({ sendBack, receive }) => {
        receive((e) =>
          this.queue.push(() => {
            const outcomes = this.place(e.intents);
            sendBack({ type: 'desk.result', outcomes, fatal: null });
          }),
        );
      }),
    };
  }

  /** Tells the market actor the path's price (the `lastprice` channel), after anything queued before. */
  tellPrice(price: string): void {
    this.queue.push(() => this.feedPush?.({ type: 'feed.price', price }));
  }

  /**
   * Fills every resting order of ours the path price `at` trades through (price priority, then
   * time), in full; returns how many. Its events are queued: `settle` delivers them.
   */
  tradeAt(at: Decimal, through: (side: 'buy' | 'sell', price: Decimal, at: Decimal) => boolean): number {
    const best = this.bestPrices();
    const buysHit = best.bid !== null && through('buy', best.bid, at);
    const sellsHit = best.ask !== null && through('sell', best.ask, at);
    if (!buysHit && !sellsHit) return 0;
    const hit = [...this.resting.entries()]
      .filter(([, r]) => through(r.side, r.price, at))
      .sort(([ia, a], [ib, b]) => (a.side === 'buy' ? b.price.cmp(a.price) : a.price.cmp(b.price)) || ia - ib);
    for (const [orderId, r] of hit) this.exchange.fillResting(orderId, TAPE_ACCOUNT, r.left, this.o.now());
    return hit.length;
  }

  /** True when the engine's kill-switch timer is due by `ms`. */
  killSwitchDue(ms: number): boolean {
    return (this.exchange.nextKillSwitchDeadline() ?? Infinity) <= ms;
  }

  /** True when tasks wait or a request/response call is in flight: `settle` has work. */
  busy(): boolean {
    return this.started > 0 || this.queue.length > 0;
  }

  /** Fires the engine's kill-switch timers due now. */
  expireKillSwitches(): void {
    if ((this.exchange.nextKillSwitchDeadline() ?? Infinity) <= this.o.now()) this.exchange.expireKillSwitches(this.o.now());
  }

  /**
   * Runs queued tasks one by one until none is left and no request/response call is in flight;
   * yields to the event loop only while one is (so an idle step costs no macrotask).
   */
  async settle(): Promise<void> {
    for (;;) {
      if (this.started > 0) {
        this.started = 0;
        await new Promise<void>((r) => setImmediate(r));
        continue;
      }
      const task = this.queue.shift();
      if (task === undefined) return;
      task();
    }
  }

  /** Orders of ours resting now. */
  restingCount(): number {
    return this.resting.size;
  }

  private holding(asset: string): Dec {
    const b = this.exchange.ledger.balance(BOT_ACCOUNT, asset);
    return b.available.plus(b.freeze);
  }

  private bestPrices(): { bid: Dec | null; ask: Dec | null } {
    if (this.best !== undefined) return this.best;
    let bid: Dec | null = null;
    let ask: Dec | null = null;
    for (const r of this.resting.values()) {
      if (r.side === 'buy' && (bid === null || r.price.gt(bid))) bid = r.price;
      if (r.side === 'sell' && (ask === null || r.price.lt(ask))) ask = r.price;
    }
    this.best = { bid, ask };
    return this.best;
  }

  private place(intents: readonly OrderIntent[]): PlacementOutcome[] {
    const raw = intents.map((i) => ({
      market: i.market,
      side: i.side,
      amount: String(i.amount),
      price: String(i.price),
      clientOrderId: i.clientOrderId,
      postOnly: true,
    }));
    const results: BulkItemResult[] =
      raw.length === 1
        ? [
            ((r) => (r.ok ? { result: r.value, error: null } : { result: null, error: r.error.body }))(
              this.exchange.placeOrder(BOT_ACCOUNT, raw[0] as Record<string, unknown>, this.o.now()),
            ),
          ]
        : this.exchange.placeBulk(BOT_ACCOUNT, raw, false, this.o.now());
    return intents.map((intent, k): PlacementOutcome => {
      const r = results[k];
      const id = intent.clientOrderId;
      if (r === undefined) return { kind: 'notSent', clientOrderId: id, reason: 'order/bulk skipped the item' };
      if (r.result !== null) return { kind: 'placed', clientOrderId: id, orderId: r.result.id, dealStock: fmt(r.result.dealStock), left: fmt(r.result.left) };
      const reason = `${r.error?.code ?? '?'}: ${
        Object.values(r.error?.errors ?? {})
          .flat()
          .join(' ') ||
        (r.error?.message ?? 'refused')
      }`;
      if (r.error?.code === CLIENT_ID_IN_USE) return { kind: 'unknown', clientOrderId: id, reason };
      return r.error?.code === POST_ONLY_REFUSED
        ? { kind: 'rejected', clientOrderId: id, reason, wouldTake: true }
        : { kind: 'rejected', clientOrderId: id, reason };
    });
  }

  private snapshot(sinceSec: number | null): ExchangeSnapshot {
    const market = this.m.name;
    const openOrders: ExchangeOrder[] = this.exchange.activeOrders(BOT_ACCOUNT, { market }).map(exchangeOrderOf);
    const deals = this.exchange
      .dealsOf(BOT_ACCOUNT)
      .filter((d) => d.market === market && (sinceSec === null || d.timeMs / 1000 >= sinceSec))
      .map(fillOf);
    return { openOrders, deals };
  }

  private onEngineEvent(e: SimEvent): void {
    switch (e.type) {
      case 'order': {
        if (e.accountId !== BOT_ACCOUNT) return;
        const o = e.order;
        if (o.ftimeMs === null) this.resting.set(o.id, { side: o.side, price: o.priceD, left: o.left });
        else this.resting.delete(o.id);
        this.best = undefined;
        const event: MarketEvent = { type: 'feed.order', update: orderUpdateOf(o, e.event === 3) };
        this.queue.push(() => this.feedPush?.(event));
        return;
      }
      case 'deal': {
        if (e.accountId !== BOT_ACCOUNT) return;
        const d = e.deal;
        this.fills.push({
          timeMs: d.timeMs,
          side: d.side,
          price: d.price,
          amount: fmt(d.amount),
          fee: fmt(d.fee),
          feeAsset: d.feeAsset,
          clientOrderId: d.clientOrderId,
        });
        const event: MarketEvent = { type: 'feed.deal', deal: fillOf(d) };
        this.queue.push(() => this.feedPush?.(event));
        return;
      }
      case 'balance':
        if (e.accountId !== BOT_ACCOUNT) return;
        this.quoteDelta = this.holding(this.m.money).minus(this.quoteStart);
        this.baseDelta = this.holding(this.m.stock).minus(this.baseStart);
        return;
      default:
        return;
    }
  }
}

/** An open order as `/api/v4/orders` lists it (wire-to-domain.ts), from the engine's record. */
function exchangeOrderOf(o: OrderSnapshot): ExchangeOrder {
  return { orderId: o.id, clientOrderId: o.clientOrderId, side: o.side, price: o.price, amount: fmt(o.amount), left: fmt(o.left), dealStock: fmt(o.dealStock) };
}

/** An `ordersPending_update` as the feed maps it; event 3 (finished) is the final one. */
function orderUpdateOf(o: OrderSnapshot, final: boolean) {
  return { ...exchangeOrderOf(o), final };
}

/** A `deals_update` as the feed maps it, from the engine's record; time in epoch seconds as WhiteBIT sends it. */
function fillOf(d: DealRecord): Fill {
  return {
    dealId: d.id,
    orderId: d.orderId,
    clientOrderId: d.clientOrderId,
    side: d.side,
    price: d.price,
    amount: fmt(d.amount),
    fee: fmt(d.fee),
    feeAsset: d.feeAsset,
    time: d.timeMs / 1000,
  };
}
