/**
 * Property tests of the matching core: random order flow from a few accounts on one market, with
 * every invariant checked after every command against a simple reference model of priority.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, ZERO, type Dec } from '../../src/sim/decimal.js';
import type { SimEvent } from '../../src/sim/events.js';
import { Exchange } from '../../src/sim/exchange.js';
import { resolveMarkets } from '../../src/sim/markets.js';
import type { OrderSnapshot } from '../../src/sim/order.js';

const MARKET = 'AAA_BBB';
const ACCOUNTS = ['a0', 'a1', 'a2'];

function newExchange(): Exchange {
  const markets = resolveMarkets([
    { name: MARKET, stockPrec: 2, moneyPrec: 1, feePrec: 8, minAmount: '0.01', minTotal: '0', makerFee: '0.1', takerFee: '0.2', startPrice: '100' },
  ]);
  return new Exchange({
    markets,
    accounts: ACCOUNTS.map((id) => ({ id, balances: { AAA: '40', BBB: '4000' } })),
  });
}

type Command =
  | { kind: 'place'; account: number; side: 'buy' | 'sell'; price: number; amount: number; postOnly: boolean; ioc: boolean; stp: 'no' | 'cn' | 'co' | 'cb' }
  | { kind: 'cancel'; account: number; pick: number }
  | { kind: 'cancelAll'; account: number }
  | { kind: 'modify'; account: number; pick: number; price: number; amount: number | null; activation: number | null }
  | { kind: 'market'; account: number; side: 'buy' | 'sell'; inQuote: boolean; amount: number }
  | { kind: 'stop'; account: number; side: 'buy' | 'sell'; type: 3 | 4; activation: number; price: number; amount: number };

const placeArb = fc.record({
  kind: fc.constant('place' as const),
  account: fc.integer({ min: 0, max: ACCOUNTS.length - 1 }),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  price: fc.integer({ min: 900, max: 1100 }), // tenths: 90.0 .. 110.0
  amount: fc.integer({ min: 1, max: 800 }), // hundredths: 0.01 .. 8.00
  postOnly: fc.boolean(),
  ioc: fc.boolean(),
  stp: fc.constantFrom('no' as const, 'no' as const, 'no' as const, 'cn' as const, 'co' as const, 'cb' as const),
});
// Issue 16: stop-limit (3) and stop-market (4, a buy sized in quote) orders waiting for a print.
const stopArb = fc.record({
  kind: fc.constant('stop' as const),
  account: fc.integer({ min: 0, max: 2 }),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  type: fc.constantFrom(3 as const, 4 as const),
  // Near the start price (100.0), so that the random flow's prints reach many of them.
  activation: fc.integer({ min: 960, max: 1040 }),
  price: fc.integer({ min: 900, max: 1100 }),
  amount: fc.integer({ min: 1, max: 800 }),
});
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: placeArb },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), account: fc.integer({ min: 0, max: 2 }), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancelAll' as const), account: fc.integer({ min: 0, max: 2 }) }) },
  // WS order entry: modify (cancel-and-replace) and market orders run on the same engine path.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      account: fc.integer({ min: 0, max: 2 }),
      pick: fc.nat(),
      price: fc.integer({ min: 900, max: 1100 }),
      amount: fc.option(fc.integer({ min: 1, max: 800 })),
      activation: fc.option(fc.integer({ min: 900, max: 1100 })),
    }),
  },
  { weight: 3, arbitrary: stopArb },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('market' as const),
      account: fc.integer({ min: 0, max: 2 }),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      inQuote: fc.boolean(),
      amount: fc.integer({ min: 1, max: 80_000 }), // hundredths
    }),
  },
);

/** Expected maker sequence for a taker, from the book as it was before the command. */
function modelFills(
  book: OrderSnapshot[],
  queue: ReadonlyMap<number, number>,
  taker: { account: string; side: 'buy' | 'sell'; price: Dec; amount: Dec; stp: string },
) {
  const opposite = book
    .filter((o) => o.side !== taker.side)
    .sort((a, b) => {
      const byPrice = taker.side === 'buy' ? a.priceD.comparedTo(b.priceD) : b.priceD.comparedTo(a.priceD);
      // Arrival order within a level: a fired stop keeps its (older) id but joins the queue when it fires.
      return byPrice !== 0 ? byPrice : (queue.get(a.id) ?? 0) - (queue.get(b.id) ?? 0);
    });
  const fills: { makerId: number; amount: string; price: string }[] = [];
  let left = taker.amount;
  for (const maker of opposite) {
    if (left.isZero()) break;
    const crosses = taker.side === 'buy' ? maker.priceD.lessThanOrEqualTo(taker.price) : maker.priceD.greaterThanOrEqualTo(taker.price);
    if (!crosses) break;
    if (maker.accountId === taker.account && taker.stp !== 'no') {
      if (taker.stp === 'co') continue;
      break;
    }
    const qty = D.min(left, maker.left);
    fills.push({ makerId: maker.id, amount: qty.toFixed(), price: maker.price });
    left = left.minus(qty);
  }
  return fills;
}

function checkInvariants(ex: Exchange, initial: Map<string, Dec>): void {
  // No negative balances, and freeze equals what the open orders hold.
  const active = ex.activeOrders(null);
  for (const account of ACCOUNTS) {
    for (const asset of ['AAA', 'BBB']) {
      const b = ex.ledger.balance(account, asset);
      expect(b.available.isNegative(), `${account} ${asset} available`).toBe(false);
      expect(b.freeze.isNegative(), `${account} ${asset} freeze`).toBe(false);
      const held = active.filter((o) => o.accountId === account && (o.side === 'buy' ? 'BBB' : 'AAA') === asset).reduce((sum, o) => sum.plus(o.frozen), ZERO);
      expect(b.freeze.toFixed(), `${account} ${asset} freeze vs orders`).toBe(held.toFixed());
    }
  }
  // Funds conserved: available + freeze + fees collected per asset never changes.
  for (const [asset, total] of ex.ledger.totals()) expect(total.toFixed(), asset).toBe(initial.get(asset)?.toFixed());
  // Book never crossed (also after any activation), every level non-empty.
  const book = ex.bookOf(MARKET);
  expect(book.isCrossed()).toBe(false);
  // A waiting stop is off the book, and no print since its placement reached it: the last price is
  // still strictly on the far side of its trigger.
  const last = ex.lastPrice(MARKET);
  for (const o of active.filter((x) => x.stop && !x.stop.activated)) {
    const stop = o.stop;
    if (!stop) continue;
    expect(
      book
        .side(o.side)
        .level(o.price)
        ?.orders.some((x) => x.id === o.id) ?? false,
    ).toBe(false);
    if (stop.condition === 'gte')
      expect(last.lessThan(stop.activationPrice), `stop ${o.id} gte ${stop.activationPrice.toFixed()} at ${last.toFixed()}`).toBe(true);
    else expect(last.greaterThan(stop.activationPrice), `stop ${o.id} lte ${stop.activationPrice.toFixed()} at ${last.toFixed()}`).toBe(true);
  }
  for (const side of [book.bids, book.asks]) {
    for (const level of side.iterate()) {
      expect(level.orders.length).toBeGreaterThan(0);
      expect(level.total.toFixed()).toBe(level.orders.reduce((s, o) => s.plus(o.left), ZERO).toFixed());
    }
  }
}

/** Runs a command sequence on a fresh exchange, checking the model and every invariant after each command. */
function run(commands: readonly Command[]): void {
  const ex = newExchange();
  const initial = ex.ledger.totals();
  let now = 1_700_000_000_000;
  for (const cmd of commands) {
    now += 7;
    const before = ex.activeOrders(null, { market: MARKET });
    const onBook = before.filter((o) => !o.stop || o.stop.activated);
    const queue = new Map<number, number>();
    for (const side of [ex.bookOf(MARKET).bids, ex.bookOf(MARKET).asks])
      for (const level of side.iterate()) for (const o of level.orders) queue.set(o.id, queue.size);
    const events: SimEvent[] = [];
    const off = ex.on((e) => events.push(e));
    if (cmd.kind === 'place') {
      const account = ACCOUNTS[cmd.account] ?? 'a0';
      const price = new D(cmd.price).div(10);
      const amount = new D(cmd.amount).div(100);
      const r = ex.placeOrder(
        account,
        {
          market: MARKET,
          side: cmd.side,
          price: price.toFixed(),
          amount: amount.toFixed(),
          postOnly: cmd.postOnly,
          ioc: cmd.ioc && !cmd.postOnly,
          stp: cmd.stp,
        },
        now,
      );
      // The taker's own fills; stops its prints fire trade after it, in the same call.
      const makerDeals = events.flatMap((e) => (e.type === 'deal' && e.deal.role === 1 && r.ok && e.deal.counterOrderId === r.value.id ? [e.deal] : []));
      if (r.ok) {
        const expected = modelFills(onBook, queue, { account, side: cmd.side, price, amount, stp: cmd.stp });
        expect(makerDeals.map((d) => ({ makerId: d.orderId, amount: d.amount.toFixed(), price: d.price }))).toEqual(expected);
        // Fills at the maker's price, and never through the taker's limit.
        for (const d of makerDeals) {
          expect(d.price).toBe(before.find((o) => o.id === d.orderId)?.price);
        }
      } else {
        expect(makerDeals).toEqual([]);
        expect([10, 13]).toContain(r.error.body.code);
      }
    } else if (cmd.kind === 'cancel') {
      const mine = before.filter((o) => o.accountId === ACCOUNTS[cmd.account]);
      const target = mine[cmd.pick % Math.max(1, mine.length)];
      if (target) expect(ex.cancelOrder(target.accountId, MARKET, { orderId: target.id }, now).ok).toBe(true);
    } else if (cmd.kind === 'cancelAll') {
      ex.cancelAll(ACCOUNTS[cmd.account] ?? 'a0', MARKET, null, now);
    } else if (cmd.kind === 'modify') {
      const mine = before.filter((o) => o.accountId === ACCOUNTS[cmd.account]);
      const target = mine[cmd.pick % Math.max(1, mine.length)];
      if (target) {
        const change = {
          price: new D(cmd.price).div(10),
          ...(cmd.amount === null ? {} : { amount: new D(cmd.amount).div(100) }),
          ...(cmd.activation === null ? {} : { activationPrice: new D(cmd.activation).div(10) }),
        };
        const r = ex.modifyOrder(target.accountId, MARKET, { orderId: target.id }, change, now);
        const after = ex.activeOrders(null, { market: MARKET });
        if (r.ok) {
          expect(after.some((o) => o.id === target.id)).toBe(false);
          expect(r.value.clientOrderId).toBe(target.clientOrderId);
        } else {
          // A refused modify leaves the old order resting as it was.
          expect(after.find((o) => o.id === target.id)).toEqual(target);
          // 156: an activation price for a limit order; 159: a price for a stop-market; 30 also: a trigger at the last price.
          expect([10, 13, 30, 32, 156, 159]).toContain(r.error.body.code);
        }
      }
    } else if (cmd.kind === 'stop') {
      const m = ex.market(MARKET);
      if (!m) throw new Error('market');
      const inQuote = cmd.type === 4 && cmd.side === 'buy';
      const r = ex.placeStop(
        ACCOUNTS[cmd.account] ?? 'a0',
        {
          market: m,
          side: cmd.side,
          type: cmd.type,
          amount: inQuote ? new D(cmd.amount).div(10) : new D(cmd.amount).div(100),
          price: cmd.type === 3 ? new D(cmd.price).div(10) : null,
          activationPrice: new D(cmd.activation).div(10),
          clientOrderId: '',
          stp: 'no',
        },
        now,
      );
      // Placement trades nothing, so nothing fires: the stop waits.
      if (r.ok) expect(ex.activeOrders(null).find((o) => o.id === r.value.id)?.stop?.activated).toBe(false);
      else expect([10, 30]).toContain(r.error.body.code);
    } else {
      const m = ex.market(MARKET);
      if (!m) throw new Error('market');
      const amount = new D(cmd.amount).div(100);
      const inQuote = cmd.inQuote && cmd.side === 'buy';
      const r = ex.placeMarket(
        ACCOUNTS[cmd.account] ?? 'a0',
        { market: m, side: cmd.side, size: inQuote ? { quote: amount } : { base: amount }, type: inQuote ? 2 : 202, clientOrderId: '', stp: 'no' },
        now,
      );
      // A market order never rests.
      if (r.ok) expect(r.value.ftimeMs).toBe(now);
      else expect([10, 12]).toContain(r.error.body.code);
      expect(ex.activeOrders(null).some((o) => o.marketOrder)).toBe(false);
    }
    off();
    checkInvariants(ex, initial);
  }
}

describe('matching core properties', () => {
  it('keeps balances non-negative, conserves funds, never crosses, fills at maker price in price-time order', () => {
    fc.assert(fc.property(fc.array(commandArb, { minLength: 1, maxLength: 60 }), run), { numRuns: 300 });
  });

  // Issue 16: a flow rich in prints and stops, so that activations (and cascades) happen often.
  it('keeps every invariant through stop activations and cascades', () => {
    const taking = placeArb.map((c): Command => ({ ...c, postOnly: false }));
    const flow = fc.oneof({ weight: 4, arbitrary: taking }, { weight: 4, arbitrary: stopArb }, { weight: 1, arbitrary: commandArb });
    fc.assert(fc.property(fc.array(flow, { minLength: 20, maxLength: 50 }), run), { numRuns: 30 });
  });

  it('emits exactly one event 3 per finished order and none after it', () => {
    fc.assert(
      fc.property(fc.array(placeArb, { minLength: 1, maxLength: 40 }), (commands) => {
        const ex = newExchange();
        const finished = new Set<number>();
        ex.on((e) => {
          if (e.type !== 'order') return;
          expect(finished.has(e.order.id)).toBe(false);
          if (e.event === 3) finished.add(e.order.id);
        });
        let now = 1_700_000_000_000;
        for (const cmd of commands) {
          ex.placeOrder(
            ACCOUNTS[cmd.account] ?? 'a0',
            { market: MARKET, side: cmd.side, price: (cmd.price / 10).toFixed(1), amount: (cmd.amount / 100).toFixed(2), ioc: cmd.ioc },
            (now += 3),
          );
        }
      }),
    );
  });
});
