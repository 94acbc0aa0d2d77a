/**
 * The exchange core: markets, accounts, books, orders, deals and kill-switch timers. Pure in the
 * sense that it does no IO and reads no clock: every mutating call takes `nowMs`, and randomness
 * lives in the price process. Every state change is announced as a SimEvent, synchronously, in the
 * order it happened.
 *
 * Entry points: placeOrder, placeBulk, placeMarket, placeStop, modifyOrder, cancelOrder, cancelAll,
 * armKillSwitch, disarmKillSwitch, expireKillSwitches, plus read-only queries for the REST and WS
 * layers and for tests.
 *
 * Stop orders wait outside the book in a trigger book (stop-orders.ts) with their funds frozen, and
 * count as active orders (listed, cancellable, covered by cancel-all and the kill-switch). Every
 * call ends in `commit`, which first fires the stops that the call's trades reached, in a loop that
 * ends because each stop fires at most once.
 *
 * Invariants: balances never go negative (the Ledger throws if the engine tries); per asset,
 * available + freeze + fees collected is constant; after every call no book is crossed; an active
 * order's `frozen` is exactly what the ledger holds in freeze for it.
 *
 * @see whitebit-protocol.md §4, §8, §10
 */
import { Ledger } from './accounts.js';
import { OrderBook, type Side } from './book.js';
import { CandleStore } from './candles.js';
import { D, ZERO, type Dec } from './decimal.js';
import { fail, innerError, ok, validationError, type ApiError, type Result, type WbErrorBody } from './errors.js';
import type { OrderEventId, SimEvent, SimEventListener } from './events.js';
import { KillSwitches, type KillSwitchTimer, type TradeType } from './kill-switch.js';
import type { Market } from './markets.js';
import { MarketStats } from './market-stats.js';
import { crosses, matchIncoming, type Fill, type SelfTradeAction } from './matching.js';
import { planMarket, type MarketSize } from './market-order.js';
import { snapshotOrder, type DealRecord, type MarketOrderInfo, type OrderSnapshot, type PublicTrade, type SimOrder, type StopInfo } from './order.js';
import { validateOrderRequest, type OrderInput, type Stp } from './order-validation.js';
import { activationCondition, TriggerBook } from './stop-orders.js';
import { ACTIVATION_EQUALS_LAST, stopMarketLimitsProblem, type StopOrderInput } from './stop-validation.js';

export interface ExchangeAccount {
  readonly id: string;
  readonly balances?: Readonly<Record<string, string>>;
  /** False for the house: its orders and deals are not kept in history (they would grow without bound). */
  readonly keepHistory?: boolean;
}

export interface ExchangeOptions {
  readonly markets: ReadonlyMap<string, Market>;
  readonly accounts?: readonly ExchangeAccount[];
  /** Finished orders and deals kept per account (oldest dropped first). Default 10 000. */
  readonly historyLimit?: number;
  /** Public trades kept per market for /public/trades. Default 1 000. */
  readonly tradesLimit?: number;
}

/** Selects one active order for cancellation. */
export type OrderRef = { orderId: number } | { clientOrderId: string };

/** A market order that passed request validation (WS `order_market_place` / `order_market_stock_place`). */
export interface MarketOrderRequest {
  readonly market: Market;
  readonly side: Side;
  readonly size: MarketSize;
  /** 2: buy sized in quote, sell in base; 202: base on both sides. */
  readonly type: 2 | 202;
  readonly clientOrderId: string;
  readonly stp: Stp;
}

/**
 * What `modifyOrder` changes; omitted fields keep the old order's values (amount: its remainder, in
 * the order's own unit, so quote for a stop-market buy). `activationPrice` applies to untriggered
 * stop orders only.
 */
export interface OrderChange {
  readonly amount?: Dec;
  readonly price?: Dec;
  /** Self-trade prevention of the replacement (REST modify's `stp`). */
  readonly stp?: Stp;
  /** A stop order's new trigger (REST `activationPrice` / `activation_price`). */
  readonly activationPrice?: Dec;
}

/** What a placement reuses when it is a stop's activation: the stop's id and creation time, and its trigger. */
interface StopCarry {
  readonly id: number;
  readonly ctimeMs: number;
  readonly stop: StopInfo;
}

export interface BulkItemResult {
  result: OrderSnapshot | null;
  error: WbErrorBody | null;
}

const FIRST_ORDER_ID = 1_200_000_000_001;
const FIRST_DEAL_ID = 10_000_000_001;

export class Exchange {
  readonly markets: ReadonlyMap<string, Market>;
  readonly ledger = new Ledger();
  readonly killSwitches = new KillSwitches();
  /** Candles of every market, from its public trades (v1 kline, WS candles_* and market_*). */
  readonly candles = new CandleStore();
  private readonly books = new Map<string, OrderBook<SimOrder>>();
  /** Untriggered stop orders; they are in `active` too, but never on a book. */
  private readonly stops = new TriggerBook<SimOrder>();
  private readonly active = new Map<number, SimOrder>();
  /** Active orders by account, then market: cancel-all and clientOrderId lookups without a full scan. */
  private readonly activeIndex = new Map<string, Map<string, Set<SimOrder>>>();
  private readonly finished = new Map<string, SimOrder[]>();
  private readonly deals = new Map<string, DealRecord[]>();
  private readonly trades = new Map<string, PublicTrade[]>();
  private readonly stats = new Map<string, MarketStats>();
  private readonly updateIds = new Map<string, number>();
  private readonly noHistory = new Set<string>();
  /** Markets whose book may have changed since the last commit (commit must not scan every book). */
  private readonly dirty = new Set<string>();
  private readonly listeners = new Set<SimEventListener>();
  private readonly historyLimit: number;
  private readonly tradesLimit: number;
  private nextOrderId = FIRST_ORDER_ID;
  private nextDealId = FIRST_DEAL_ID;

  constructor(options: ExchangeOptions) {
    this.markets = options.markets;
    this.historyLimit = options.historyLimit ?? 10_000;
    this.tradesLimit = options.tradesLimit ?? 1_000;
    for (const m of this.markets.values()) {
      this.books.set(m.name, new OrderBook<SimOrder>(m.name));
      this.stats.set(m.name, new MarketStats(m.startPrice));
      this.updateIds.set(m.name, 1);
      this.trades.set(m.name, []);
    }
    for (const a of options.accounts ?? []) this.openAccount(a);
    this.ledger.drainTouched();
  }

  /** Opens an account and credits its configured balances. */
  openAccount(account: ExchangeAccount): void {
    this.ledger.open(account.id);
    if (account.keepHistory === false) this.noHistory.add(account.id);
    for (const [asset, amount] of Object.entries(account.balances ?? {})) this.ledger.deposit(account.id, asset, new D(amount));
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: SimEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- trading -------------------------------------------------------------------------------

  /**
   * Places a limit order from a raw request object (order/new fields). Validation errors are 422,
   * engine rejections 400 (balance 10, post-only 13), exactly as WhiteBIT answers them.
   * A marketable order fills synchronously; the returned snapshot shows the post-match state.
   */
  placeOrder(accountId: string, raw: Record<string, unknown>, nowMs: number): Result<OrderSnapshot> {
    const result = this.placeOne(accountId, raw, nowMs);
    this.commit(nowMs);
    return result;
  }

  /**
   * Places up to 20 orders in input order with one engine timestamp. With `stopOnFail`, processing
   * stops at the first failure and the answer holds the processed items plus the failing one
   * (protocol §4.3: the doc leaves this UNCONFIRMED; this is its recommended default).
   */
  placeBulk(accountId: string, items: readonly unknown[], stopOnFail: boolean, nowMs: number): BulkItemResult[] {
    const out: BulkItemResult[] = [];
    for (const item of items) {
      const r =
        item !== null && typeof item === 'object' && !Array.isArray(item)
          ? this.placeOne(accountId, item as Record<string, unknown>, nowMs)
          : fail<OrderSnapshot>(validationError(30, { orders: ['Invalid order format.'] }));
      out.push(r.ok ? { result: r.value, error: null } : { result: null, error: r.error.body });
      if (!r.ok && stopOnFail) break;
    }
    this.commit(nowMs);
    return out;
  }

  /**
   * Places a market order: planned over the book, then run as an IOC limit at the plan's worst price
   * on the same path as a limit order (same events, same ledger moves). Engine rejections: 400 code
   * 12 when the opposite side is empty, 10 when the buyer cannot pay for one step.
   */
  placeMarket(accountId: string, req: MarketOrderRequest, nowMs: number): Result<OrderSnapshot> {
    const result = this.marketValidated(accountId, req, nowMs);
    this.commit(nowMs);
    return result;
  }

  /**
   * Places a stop-limit (type 3) or stop-market (type 4) order that waits for its trigger outside
   * the book, with its funds frozen (see StopInfo). Refused with 422 code 30 when the activation
   * price equals the last price, 36 for a client id in use, 400 code 10 when the funds are short.
   * The answer (and ordersPending event 1) shows it OPEN with `activated` 0.
   */
  placeStop(accountId: string, input: StopOrderInput, nowMs: number): Result<OrderSnapshot> {
    const result = this.restStop(accountId, input, nowMs);
    this.commit(nowMs);
    return result;
  }

  /**
   * Cancel-and-replace (WhiteBIT modify): the replacement gets a new id and loses queue priority,
   * keeps side, flags and client id; ordersPending sees event 3 for the old id, then event 1 (or its
   * fills) for the new one. Everything that could refuse the replacement (request validation,
   * balance counting the old order's freeze, post-only cross) is checked before the old order is
   * touched, so a refused modify leaves it resting. 400 code 2 when the order is not open.
   */
  modifyOrder(accountId: string, market: string, ref: OrderRef, change: OrderChange, nowMs: number): Result<OrderSnapshot> {
    const old = this.findActive(accountId, market, ref);
    if (!old) return fail(innerError(2, { orderId: ['Unexecuted order was not found.'] }));
    // A stop that fired is a limit order on the book now and is modified as one.
    if (old.stop && !old.stop.activated) {
      const result = this.modifyStop(old, old.stop, change, nowMs);
      this.commit(nowMs);
      return result;
    }
    // UNCONFIRMED text; the code is the docs' 156 "wrong order type" (protocol-2 §1.6, §2.6).
    if (change.activationPrice) return fail(validationError(156, { activationPrice: ['Wrong order type.'] }));
    const raw = {
      market: old.market,
      side: old.side,
      amount: (change.amount ?? old.left).toFixed(),
      price: (change.price ?? old.priceD).toFixed(),
      clientOrderId: old.clientOrderId,
      postOnly: old.postOnly,
      ioc: old.ioc,
      stp: change.stp ?? old.stp,
    };
    const v = validateOrderRequest(raw, this.markets);
    if (!v.ok) return v;
    const input = v.value;
    const m = input.market;
    const [asset, need] = input.side === 'buy' ? [m.money, input.amount.times(input.price)] : [m.stock, input.amount];
    if (this.ledger.balance(accountId, asset).available.plus(old.frozen).lessThan(need)) {
      return fail(innerError(10, { amount: ['Not enough balance.'] }));
    }
    if (input.postOnly && crosses(this.bookOf(m.name), input.side, input.price)) {
      return fail(innerError(13, { postOnly: ["This order couldn't be executed as a maker order and was canceled."] }));
    }
    this.dirty.add(old.market);
    this.bookOf(old.market).remove(old);
    this.finish(old, nowMs);
    const result = this.placeValidated(accountId, input, nowMs);
    this.commit(nowMs);
    return result;
  }

  /** Cancels one active order of the account on `market`; 400 code 2 when it is not open. */
  cancelOrder(accountId: string, market: string, ref: OrderRef, nowMs: number): Result<OrderSnapshot> {
    const order = this.findActive(accountId, market, ref);
    if (!order) return fail(innerError(2, { orderId: ['Unexecuted order was not found.'] }));
    this.dirty.add(order.market);
    this.bookOf(order.market).remove(order);
    const snap = this.finish(order, nowMs);
    this.commit(nowMs);
    return ok(snap);
  }

  /**
   * Cancels the account's active orders, on one market or all (market null), of the given types
   * (null: all types). The simulator trades spot only, so a type list without "spot" cancels nothing.
   * Returns the cancelled orders' final snapshots.
   */
  cancelAll(accountId: string, market: string | null, types: readonly TradeType[] | null, nowMs: number): OrderSnapshot[] {
    const out = this.cancelAllQuiet(accountId, market, types, nowMs);
    this.commit(nowMs);
    return out;
  }

  /**
   * Replaces all of the account's orders on `market` with `items` in one engine step, so the book
   * moves by one depth update rather than one per order (the house's quote refresh). Item errors
   * are returned, not thrown.
   */
  requote(accountId: string, market: string, items: readonly Record<string, unknown>[], nowMs: number): Result<OrderSnapshot>[] {
    this.cancelAllQuiet(accountId, market, null, nowMs);
    const out = items.map((item) => this.placeOne(accountId, item, nowMs));
    this.commit(nowMs);
    return out;
  }

  // ---- paper trading (src/sim/paper) ----------------------------------------------------------

  /**
   * Rests (or matches) a house order that mirrors live liquidity: no request-level minimums, since
   * a live level may hold less than the market's minimum amount or total. `stp: cn`, so a house
   * order never trades with another house order.
   */
  placeHouse(accountId: string, market: Market, side: Side, price: Dec, amount: Dec, nowMs: number): Result<OrderSnapshot> {
    const input: OrderInput = { market, side, amount, price, clientOrderId: '', postOnly: false, ioc: false, stp: 'cn' };
    const result = this.placeValidated(accountId, input, nowMs);
    this.commit(nowMs);
    return result;
  }

  /**
   * Fills up to `amount` of a resting order at its own price, as maker, against an IOC order of
   * `takerAccountId` (a live trade replayed by the paper exchange), whatever else rests ahead of it.
   * Returns the amount filled (0 when the order is not open).
   */
  fillResting(orderId: number, takerAccountId: string, amount: Dec, nowMs: number): Dec {
    const maker = this.active.get(orderId);
    const m = maker && this.markets.get(maker.market);
    if (!maker || !m || !amount.greaterThan(0)) return ZERO;
    const qty = D.min(amount, maker.left);
    const side: Side = maker.side === 'buy' ? 'sell' : 'buy';
    const need = side === 'buy' ? qty.times(maker.priceD) : qty;
    const input: OrderInput = { market: m, side, amount: qty, price: maker.priceD, clientOrderId: '', postOnly: false, ioc: true, stp: 'no' };
    const taker = this.newRecord(takerAccountId, input, need, nowMs);
    this.ledger.freeze(takerAccountId, side === 'buy' ? m.money : m.stock, need);
    this.dirty.add(m.name);
    this.bookOf(m.name).side(maker.side).reduce(maker, qty);
    this.settle(taker, { maker, amount: qty, price: maker.price, priceD: maker.priceD }, m, nowMs);
    this.finish(taker, nowMs);
    this.commit(nowMs);
    return qty;
  }

  /** Records a trade that happened elsewhere (live WhiteBIT) on the public tape and the ticker. */
  recordExternalTrade(trade: PublicTrade): void {
    const trades = this.trades.get(trade.market);
    if (!trades) return;
    trades.push(trade);
    if (trades.length > this.tradesLimit) trades.shift();
    this.statsOf(trade.market).record(trade.timeMs, new D(trade.price), trade.amount, trade.quote);
    this.emit({ type: 'trade', trade });
  }

  // ---- kill-switch ---------------------------------------------------------------------------

  /** Arms or re-arms the account's timer on `market` (timeout in seconds, fractions kept to the ms; 5..600 checked by the caller). */
  armKillSwitch(accountId: string, market: string, timeoutSec: number, types: readonly TradeType[] | null, nowMs: number): KillSwitchTimer {
    const timer = this.killSwitches.arm(accountId, market, timeoutSec, types, nowMs);
    this.emit({ type: 'killSwitch', action: 'armed', accountId, market, cancellationTimeMs: timer.cancelMs });
    return timer;
  }

  /** Deletes the account's timer on `market`; returns false when there was none. */
  disarmKillSwitch(accountId: string, market: string): boolean {
    const had = this.killSwitches.disarm(accountId, market);
    if (had) this.emit({ type: 'killSwitch', action: 'disarmed', accountId, market, cancellationTimeMs: null });
    return had;
  }

  /** Fires every timer due at `nowMs`: cancels the covered orders (ordersPending event 3 each) and drops the timer. */
  expireKillSwitches(nowMs: number): KillSwitchTimer[] {
    const due = this.killSwitches.takeDue(nowMs);
    for (const t of due) {
      this.cancelAllQuiet(t.accountId, t.market, t.types, nowMs);
      this.emit({ type: 'killSwitch', action: 'fired', accountId: t.accountId, market: t.market, cancellationTimeMs: t.cancelMs });
    }
    if (due.length > 0) this.commit(nowMs);
    return due;
  }

  /** Earliest pending kill-switch deadline in ms, or null. */
  nextKillSwitchDeadline(): number | null {
    let next: number | null = null;
    for (const t of this.killSwitches.list()) if (next === null || t.cancelMs < next) next = t.cancelMs;
    return next;
  }

  // ---- queries -------------------------------------------------------------------------------

  market(name: string): Market | undefined {
    return this.markets.get(name);
  }

  /** Active orders of an account, newest first, optionally narrowed. */
  activeOrders(accountId: string | null, filter: { market?: string; orderId?: number; clientOrderId?: string } = {}): OrderSnapshot[] {
    const out: OrderSnapshot[] = [];
    for (const o of this.active.values()) {
      if (accountId !== null && o.accountId !== accountId) continue;
      if (filter.market !== undefined && o.market !== filter.market) continue;
      if (filter.orderId !== undefined && o.id !== filter.orderId) continue;
      if (filter.clientOrderId !== undefined && o.clientOrderId !== filter.clientOrderId) continue;
      out.push(snapshotOrder(o));
    }
    return out.sort((a, b) => b.id - a.id);
  }

  /** Finished orders of an account, newest first. */
  finishedOrders(accountId: string): OrderSnapshot[] {
    return [...(this.finished.get(accountId) ?? [])].reverse().map(snapshotOrder);
  }

  /** Deals of an account, newest first. */
  dealsOf(accountId: string): DealRecord[] {
    return [...(this.deals.get(accountId) ?? [])].reverse();
  }

  /** Public trades of a market, newest first. */
  publicTrades(market: string): PublicTrade[] {
    return [...(this.trades.get(market) ?? [])].reverse();
  }

  lastPrice(market: string): Dec {
    return this.statsOf(market).lastPrice();
  }

  tickerOf(market: string, nowMs: number): ReturnType<MarketStats['summary']> {
    return this.statsOf(market).summary(nowMs);
  }

  /** Current depth: asks ascending, bids descending, `limit` levels each. */
  depth(market: string, limit: number): { asks: [string, string][]; bids: [string, string][] } {
    const book = this.bookOf(market);
    return { asks: book.asks.depth(limit), bids: book.bids.depth(limit) };
  }

  /** The per-market depth sequence number; advances on every book change. */
  updateId(market: string): number {
    return this.updateIds.get(market) ?? 0;
  }

  /** The book itself, for invariant checks in tests. */
  bookOf(market: string): OrderBook<SimOrder> {
    const book = this.books.get(market);
    if (!book) throw new Error(`unknown market ${market}`);
    return book;
  }

  // ---- internals -----------------------------------------------------------------------------

  private placeOne(accountId: string, raw: Record<string, unknown>, nowMs: number): Result<OrderSnapshot> {
    const v = validateOrderRequest(raw, this.markets);
    if (!v.ok) return v;
    return this.placeValidated(accountId, v.value, nowMs);
  }

  /** A market order planned over the book, then run as an IOC limit on the one placement path. */
  private marketValidated(accountId: string, req: MarketOrderRequest, nowMs: number, carry?: StopCarry): Result<OrderSnapshot> {
    const m = req.market;
    // A seller must hold the whole requested amount, not just what the book can take now.
    if (req.side === 'sell' && 'base' in req.size && this.ledger.balance(accountId, m.stock).available.lessThan(req.size.base)) {
      return fail(innerError(10, { amount: ['Not enough balance.'] }));
    }
    const available = this.ledger.balance(accountId, m.money).available;
    const plan = planMarket(this.bookOf(m.name), req.side, req.size, available, m.stockPrec);
    if (plan.kind === 'noLiquidity') return fail(innerError(12, { amount: ['Not enough traders.'] }));
    if (plan.kind === 'noFunds') return fail(innerError(10, { amount: ['Not enough balance.'] }));
    const requested = 'base' in req.size ? req.size.base : req.size.quote;
    const input: OrderInput = {
      market: m,
      side: req.side,
      amount: plan.amount,
      price: plan.worst,
      clientOrderId: req.clientOrderId,
      postOnly: false,
      ioc: true,
      stp: req.stp,
    };
    return this.placeValidated(accountId, input, nowMs, { type: req.type, requested, short: plan.short }, carry);
  }

  /** The one placement path after request validation: client id, balance, post-only, match, rest. */
  private placeValidated(accountId: string, input: OrderInput, nowMs: number, marketOrder?: MarketOrderInfo, carry?: StopCarry): Result<OrderSnapshot> {
    const m = input.market;
    const [frozenAsset, need] = input.side === 'buy' ? [m.money, input.amount.times(input.price)] : [m.stock, input.amount];
    const refused = this.admission(accountId, m.name, input.clientOrderId, frozenAsset, need);
    if (refused) return fail(refused);
    const book = this.bookOf(m.name);
    this.dirty.add(m.name);
    if (input.postOnly && crosses(book, input.side, input.price)) {
      return fail(innerError(13, { postOnly: ["This order couldn't be executed as a maker order and was canceled."] }));
    }

    const order: SimOrder = {
      ...this.newRecord(accountId, input, need, nowMs, carry),
      ...(marketOrder ? { marketOrder } : {}),
    };
    this.ledger.freeze(accountId, frozenAsset, need);

    const match = matchIncoming(book, order.side, order.priceD, order.amount, (maker) => selfTradeAction(order, maker));
    for (const maker of match.cancelledMakers) this.finish(maker, nowMs);
    for (const fill of match.fills) this.settle(order, fill, m, nowMs);

    if (order.left.greaterThan(0) && !order.ioc && !match.takerCancelled) {
      book.add(order);
      this.active.set(order.id, order);
      this.indexed(order.accountId, order.market, true).add(order);
      this.emitOrder(order, 1);
      return ok(snapshotOrder(order));
    }
    return ok(this.finish(order, nowMs));
  }

  /** The account-state refusals every placement shares: client id in use (422 code 36), funds short (400 code 10). */
  private admission(accountId: string, market: string, clientOrderId: string, asset: string, need: Dec): ApiError | null {
    if (clientOrderId !== '' && this.findActive(accountId, market, { clientOrderId })) {
      return validationError(36, { clientOrderId: ['This client order id is already used by the current account.'] });
    }
    if (this.ledger.balance(accountId, asset).available.lessThan(need)) return innerError(10, { amount: ['Not enough balance.'] });
    return null;
  }

  /** A fresh order record holding `frozen`; a stop's activation hands on its id, creation time and trigger. */
  private newRecord(accountId: string, input: Omit<OrderInput, 'price'> & { readonly price: Dec }, frozen: Dec, nowMs: number, carry?: StopCarry): SimOrder {
    return {
      id: carry?.id ?? this.nextOrderId++,
      accountId,
      market: input.market.name,
      side: input.side,
      price: input.price.toFixed(),
      priceD: input.price,
      amount: input.amount,
      clientOrderId: input.clientOrderId,
      postOnly: input.postOnly,
      ioc: input.ioc,
      stp: input.stp,
      ctimeMs: carry?.ctimeMs ?? nowMs,
      mtimeMs: nowMs,
      ftimeMs: null,
      left: input.amount,
      dealStock: ZERO,
      dealMoney: ZERO,
      dealFee: ZERO,
      feeAsset: null,
      frozen,
      ...(carry ? { stop: carry.stop } : {}),
    };
  }

  /** Freezes a stop's reservation and parks it in the trigger book (active, but not on the book). */
  private restStop(accountId: string, input: StopOrderInput, nowMs: number): Result<OrderSnapshot> {
    const m = input.market;
    const condition = activationCondition(input.activationPrice, this.lastPrice(m.name));
    if (condition === null) return fail(validationError(30, { activationPrice: [ACTIVATION_EQUALS_LAST] }));
    const [asset, need] = stopReservation(input);
    const refused = this.admission(accountId, m.name, input.clientOrderId, asset, need);
    if (refused) return fail(refused);
    const stop: StopInfo = { type: input.type, activationPrice: input.activationPrice, condition, activated: false };
    // A stop-market has no limit price: its record says "0" until it fires.
    const fields = { ...input, price: input.price ?? ZERO, postOnly: false, ioc: false };
    const order: SimOrder = { ...this.newRecord(accountId, fields, need, nowMs), stop };
    this.ledger.freeze(accountId, asset, need);
    this.active.set(order.id, order);
    this.indexed(accountId, m.name, true).add(order);
    this.stops.add(order, stop);
    return ok(this.emitOrder(order, 1));
  }

  /**
   * Fires the stops the trades since the last commit reached, oldest first. An activation can trade
   * and so reach further stops: the loop takes them in the next round. It ends because the trigger
   * book hands each stop out once (at most as many rounds as there were stops).
   */
  private fireStops(nowMs: number): void {
    for (let batch = this.stops.takeTriggered(); batch.length > 0; batch = this.stops.takeTriggered()) {
      for (const stop of batch) this.activate(stop, nowMs);
    }
  }

  /**
   * Releases a stop's reservation and places its order with the same id, on the path every
   * placement takes. ordersPending: event 1 again when it rests (protocol §7.9: "stop activation
   * gives a second event 1 with the same id"); when it finishes at once, a single event 3, as for a
   * new order filled on arrival (UNCONFIRMED for stops). A stop-market that cannot run (empty
   * opposite side, funds short) is cancelled: the docs do not say what the server does (UNCONFIRMED).
   */
  private activate(stop: SimOrder, nowMs: number): void {
    const info = stop.stop;
    const m = this.markets.get(stop.market);
    if (!info || !m || this.active.get(stop.id) !== stop) return;
    this.active.delete(stop.id);
    this.indexed(stop.accountId, stop.market, false)?.delete(stop);
    this.ledger.unfreeze(stop.accountId, stop.side === 'buy' ? m.money : m.stock, stop.frozen);
    stop.frozen = ZERO;
    const carry: StopCarry = { id: stop.id, ctimeMs: stop.ctimeMs, stop: { ...info, activated: true } };
    const common = { market: m, side: stop.side, clientOrderId: stop.clientOrderId, stp: stop.stp };
    const placed =
      info.type === 3
        ? this.placeValidated(stop.accountId, { ...common, amount: stop.amount, price: stop.priceD, postOnly: false, ioc: false }, nowMs, undefined, carry)
        : this.marketValidated(
            stop.accountId,
            { ...common, size: stop.side === 'buy' ? { quote: stop.amount } : { base: stop.amount }, type: 2 },
            nowMs,
            carry,
          );
    if (!placed.ok) this.finish({ ...stop, stop: carry.stop }, nowMs);
  }

  /**
   * Modify of an untriggered stop: the replacement is a new stop (new id, same client id) whose
   * trigger direction is derived again against the current last price. Everything that could refuse
   * it is checked before the old stop is touched.
   */
  private modifyStop(old: SimOrder, info: StopInfo, change: OrderChange, nowMs: number): Result<OrderSnapshot> {
    const m = this.markets.get(old.market);
    if (!m) return fail(innerError(2, { orderId: ['Unexecuted order was not found.'] }));
    // UNCONFIRMED text; the code is the docs' 159 "wrong limit price for stop market order".
    if (info.type === 4 && change.price) return fail(validationError(159, { price: ['Wrong limit price for stop market order.'] }));
    const activationPrice = change.activationPrice ?? info.activationPrice;
    if (activationPrice.decimalPlaces() > m.moneyPrec) return fail(validationError(30, { activationPrice: [`Min activation price step = ${m.priceStep}`] }));
    const amount = change.amount ?? old.left;
    const common = { market: m, side: old.side, amount, activationPrice, clientOrderId: old.clientOrderId, stp: change.stp ?? old.stp };
    let input: StopOrderInput;
    if (info.type === 3) {
      const raw = { market: m.name, side: old.side, amount: amount.toFixed(), price: (change.price ?? old.priceD).toFixed(), stp: change.stp ?? old.stp };
      const v = validateOrderRequest(raw, this.markets);
      if (!v.ok) return v;
      input = { ...common, type: 3, price: v.value.price };
    } else {
      const problem = stopMarketLimitsProblem(m, old.side, amount, activationPrice);
      if (problem) return fail(validationError(problem.code, problem.errors));
      input = { ...common, type: 4, price: null };
    }
    if (activationCondition(activationPrice, this.lastPrice(m.name)) === null) {
      return fail(validationError(30, { activationPrice: [ACTIVATION_EQUALS_LAST] }));
    }
    const [asset, need] = stopReservation(input);
    if (this.ledger.balance(old.accountId, asset).available.plus(old.frozen).lessThan(need)) {
      return fail(innerError(10, { amount: ['Not enough balance.'] }));
    }
    this.finish(old, nowMs);
    return this.restStop(old.accountId, input, nowMs);
  }

  /** Moves money for one fill, records both deals and the public trade, and updates the maker. */
  private settle(taker: SimOrder, fill: Fill<SimOrder>, m: Market, nowMs: number): void {
    const maker = fill.maker;
    const amount = fill.amount;
    const quote = amount.times(fill.priceD);
    const buyer = taker.side === 'buy' ? taker : maker;
    const seller = taker.side === 'buy' ? maker : taker;
    const buyerRate = buyer === taker ? m.takerRate : m.makerRate;
    const sellerRate = seller === taker ? m.takerRate : m.makerRate;
    // Fees are charged in the asset received: the buyer pays in stock, the seller in money.
    const buyerFee = amount.times(buyerRate).toDecimalPlaces(m.feePrec);
    const sellerFee = quote.times(sellerRate).toDecimalPlaces(m.feePrec);

    // The buyer froze amount × its own limit price; a taker buying below its limit gets the difference back.
    const buyerReserved = amount.times(buyer.priceD);
    this.ledger.unfreeze(buyer.accountId, m.money, buyerReserved.minus(quote));
    this.ledger.spendFrozen(buyer.accountId, m.money, quote);
    buyer.frozen = buyer.frozen.minus(buyerReserved);
    this.ledger.spendFrozen(seller.accountId, m.stock, amount);
    seller.frozen = seller.frozen.minus(amount);
    this.ledger.receive(buyer.accountId, m.stock, amount, buyerFee);
    this.ledger.receive(seller.accountId, m.money, quote, sellerFee);

    taker.left = taker.left.minus(amount);
    for (const [o, fee, asset] of [
      [buyer, buyerFee, m.stock],
      [seller, sellerFee, m.money],
    ] as const) {
      o.dealStock = o.dealStock.plus(amount);
      o.dealMoney = o.dealMoney.plus(quote);
      o.dealFee = o.dealFee.plus(fee);
      o.feeAsset = asset;
      o.mtimeMs = nowMs;
    }

    const dealId = this.nextDealId++;
    const record = (o: SimOrder, other: SimOrder, role: 1 | 2, fee: Dec, feeAsset: string): DealRecord => ({
      id: dealId,
      timeMs: nowMs,
      market: m.name,
      accountId: o.accountId,
      orderId: o.id,
      counterOrderId: other.id,
      clientOrderId: o.clientOrderId,
      side: o.side,
      role,
      price: fill.price,
      amount,
      deal: quote,
      fee,
      feeAsset,
    });
    const makerFee = maker === buyer ? buyerFee : sellerFee;
    const takerFee = taker === buyer ? buyerFee : sellerFee;
    const makerDeal = record(maker, taker, 1, makerFee, maker === buyer ? m.stock : m.money);
    const takerDeal = record(taker, maker, 2, takerFee, taker === buyer ? m.stock : m.money);
    const trade: PublicTrade = {
      id: dealId,
      market: m.name,
      timeMs: nowMs,
      price: fill.price,
      amount,
      quote,
      takerSide: taker.side,
      makerAccountId: maker.accountId,
      takerAccountId: taker.accountId,
      makerOrderId: maker.id,
      takerOrderId: taker.id,
    };
    this.remember(this.deals, maker.accountId, makerDeal);
    this.remember(this.deals, taker.accountId, takerDeal);
    const trades = this.trades.get(m.name);
    if (trades) {
      trades.push(trade);
      if (trades.length > this.tradesLimit) trades.shift();
    }
    this.statsOf(m.name).record(nowMs, fill.priceD, amount, quote);
    this.stops.noteTrade(m.name, fill.priceD);
    this.candles.record(m.name, nowMs, fill.priceD, amount, quote);

    this.emit({ type: 'deal', accountId: maker.accountId, deal: makerDeal });
    this.emit({ type: 'deal', accountId: taker.accountId, deal: takerDeal });
    this.emit({ type: 'trade', trade });
    if (maker.left.isZero()) this.finish(maker, nowMs);
    else this.emitOrder(maker, 2);
  }

  /** Takes an order out of the active set, releases what it still has frozen, emits event 3. */
  private finish(order: SimOrder, nowMs: number): OrderSnapshot {
    this.stops.remove(order);
    this.active.delete(order.id);
    this.indexed(order.accountId, order.market, false)?.delete(order);
    if (order.frozen.greaterThan(0)) {
      const m = this.markets.get(order.market);
      if (m) this.ledger.unfreeze(order.accountId, order.side === 'buy' ? m.money : m.stock, order.frozen);
      order.frozen = ZERO;
    }
    order.ftimeMs = nowMs;
    order.mtimeMs = nowMs;
    this.remember(this.finished, order.accountId, order);
    return this.emitOrder(order, 3);
  }

  private cancelAllQuiet(accountId: string, market: string | null, types: readonly TradeType[] | null, nowMs: number): OrderSnapshot[] {
    if (!KillSwitches.coversSpot(types)) return [];
    const byMarket = this.activeIndex.get(accountId);
    const sets = market === null ? [...(byMarket?.values() ?? [])] : [byMarket?.get(market) ?? new Set<SimOrder>()];
    const victims = sets.flatMap((set) => [...set]).sort((a, b) => a.id - b.id);
    return victims.map((o) => {
      this.dirty.add(o.market);
      this.bookOf(o.market).remove(o);
      return this.finish(o, nowMs);
    });
  }

  private findActive(accountId: string, market: string, ref: OrderRef): SimOrder | undefined {
    if ('orderId' in ref) {
      const o = this.active.get(ref.orderId);
      return o && o.accountId === accountId && o.market === market ? o : undefined;
    }
    for (const o of this.indexed(accountId, market, false) ?? []) if (o.clientOrderId === ref.clientOrderId) return o;
    return undefined;
  }

  private indexed(accountId: string, market: string, create: true): Set<SimOrder>;
  private indexed(accountId: string, market: string, create: false): Set<SimOrder> | undefined;
  private indexed(accountId: string, market: string, create: boolean): Set<SimOrder> | undefined {
    let byMarket = this.activeIndex.get(accountId);
    if (!byMarket) {
      if (!create) return undefined;
      byMarket = new Map();
      this.activeIndex.set(accountId, byMarket);
    }
    let set = byMarket.get(market);
    if (!set && create) {
      set = new Set();
      byMarket.set(market, set);
    }
    return set;
  }

  /** Publishes depth changes (one update_id step per changed market) and balance changes. */
  private commit(nowMs: number): void {
    this.fireStops(nowMs);
    const names = [...this.dirty];
    this.dirty.clear();
    for (const name of names) {
      const book = this.bookOf(name);
      const asks = book.asks.drainChanged();
      const bids = book.bids.drainChanged();
      if (asks.length === 0 && bids.length === 0) continue;
      const updateId = (this.updateIds.get(name) ?? 0) + 1;
      this.updateIds.set(name, updateId);
      this.emit({ type: 'depth', market: name, updateId, timeMs: nowMs, asks, bids });
    }
    for (const [accountId, assets] of this.ledger.drainTouched()) {
      this.emit({ type: 'balance', accountId, assets: [...assets].sort() });
    }
  }

  private remember<T>(store: Map<string, T[]>, accountId: string, item: T): void {
    if (this.noHistory.has(accountId)) return;
    let list = store.get(accountId);
    if (!list) {
      list = [];
      store.set(accountId, list);
    }
    list.push(item);
    if (list.length > this.historyLimit) list.splice(0, list.length - this.historyLimit);
  }

  private statsOf(market: string): MarketStats {
    const s = this.stats.get(market);
    if (!s) throw new Error(`unknown market ${market}`);
    return s;
  }

  private emitOrder(order: SimOrder, event: OrderEventId): OrderSnapshot {
    const snap = snapshotOrder(order);
    this.emit({ type: 'order', accountId: order.accountId, event, order: snap });
    return snap;
  }

  private emit(event: SimEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** What an untriggered stop freezes: a stop-limit what its limit order would; a stop-market its amount (quote for a buy). */
function stopReservation(input: StopOrderInput): [asset: string, amount: Dec] {
  const m = input.market;
  if (input.side === 'sell') return [m.stock, input.amount];
  return [m.money, input.price ? input.amount.times(input.price) : input.amount];
}

/** Self-trade prevention per the taker's `stp` (no / cn cancel new / co cancel old / cb cancel both). */
function selfTradeAction(taker: SimOrder, maker: SimOrder): SelfTradeAction {
  if (maker.accountId !== taker.accountId) return 'match';
  switch (taker.stp) {
    case 'no':
      return 'match';
    case 'cn':
      return 'cancelTaker';
    case 'co':
      return 'cancelMaker';
    case 'cb':
      return 'cancelBoth';
  }
}

export type { Side };
