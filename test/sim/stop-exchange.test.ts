/**
 * Stop orders in the exchange core (issue 16, point 1): parked outside the book with their funds
 * frozen, fired by a trade print in their direction with the same id, cascades in placement order,
 * cancel / cancel-all / kill-switch, modify, and the refusals that need market state.
 */
import { describe, expect, it } from 'vitest';
import { D, ZERO, type Dec } from '../../src/sim/decimal.js';
import type { SimEvent } from '../../src/sim/events.js';
import { Exchange } from '../../src/sim/exchange.js';
import { resolveMarkets } from '../../src/sim/markets.js';
import type { StopOrderInput } from '../../src/sim/stop-validation.js';

const T0 = 1_700_000_000_000;
const MARKET = 'BTC_USDT';

function setup() {
  const ex = new Exchange({
    markets: resolveMarkets(),
    accounts: ['u', 'v', 'w'].map((id) => ({ id, balances: { BTC: '10', USDT: '1000000' } })),
  });
  const events: SimEvent[] = [];
  ex.on((e) => events.push(e));
  const initial = ex.ledger.totals();
  const m = ex.market(MARKET);
  if (!m) throw new Error('market');
  const stop = (side: 'buy' | 'sell', type: 3 | 4, amount: string, activation: string, price?: string, clientOrderId = ''): StopOrderInput => ({
    market: m,
    side,
    type,
    amount: new D(amount),
    price: price === undefined ? null : new D(price),
    activationPrice: new D(activation),
    clientOrderId,
    stp: 'no',
  });
  /** v rests a sell and w takes it: one print at `price` (last price moves there). */
  const print = (price: string, now = T0) => {
    expect(ex.placeOrder('v', { market: MARKET, side: 'sell', price, amount: '0.01' }, now).ok).toBe(true);
    expect(ex.placeOrder('w', { market: MARKET, side: 'buy', price, amount: '0.01' }, now).ok).toBe(true);
  };
  const orderEvents = (id: number) => events.flatMap((e) => (e.type === 'order' && e.order.id === id ? [e.event] : []));
  const conserved = () => {
    for (const [asset, total] of ex.ledger.totals()) expect(total.toFixed(), asset).toBe(initial.get(asset)?.toFixed());
    for (const id of ['u', 'v', 'w']) {
      for (const asset of ['BTC', 'USDT']) {
        const held = ex
          .activeOrders(id)
          .filter((o) => (o.side === 'buy' ? 'USDT' : 'BTC') === asset)
          .reduce((s: Dec, o) => s.plus(o.frozen), ZERO);
        expect(ex.ledger.balance(id, asset).freeze.toFixed(), `${id} ${asset}`).toBe(held.toFixed());
      }
    }
    expect(ex.bookOf(MARKET).isCrossed()).toBe(false);
  };
  return { ex, events, stop, print, orderEvents, conserved };
}

describe('stop orders in the exchange core', () => {
  it('parks an untriggered stop-limit outside the book with its limit order frozen, and fires it with the same id', () => {
    const { ex, stop, print, orderEvents, conserved } = setup();
    const r = ex.placeStop('u', stop('buy', 3, '0.5', '65000', '65100'), T0);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const id = r.value.id;
    expect(r.value.stop).toMatchObject({ type: 3, condition: 'gte', activated: false });
    expect(ex.depth(MARKET, 10)).toEqual({ asks: [], bids: [] });
    expect(ex.ledger.balance('u', 'USDT').freeze.toFixed()).toBe('32550');
    expect(ex.activeOrders('u').map((o) => o.id)).toEqual([id]);
    conserved();

    print('64999.99');
    expect(ex.activeOrders('u')[0]?.stop?.activated).toBe(false);
    print('65000');
    const [fired] = ex.activeOrders('u');
    expect(fired).toMatchObject({ id, price: '65100', stop: { type: 3, activated: true } });
    expect(ex.depth(MARKET, 10).bids).toEqual([['65100', '0.5']]);
    // ordersPending: event 1 at placement, event 1 again (same id) on activation.
    expect(orderEvents(id)).toEqual([1, 1]);
    conserved();
  });

  it('fires a stop-market sell into the bids when a print reaches it from above', () => {
    const { ex, stop, print, orderEvents, conserved } = setup();
    expect(ex.placeOrder('v', { market: MARKET, side: 'buy', price: '63000', amount: '1' }, T0).ok).toBe(true);
    const r = ex.placeStop('u', stop('sell', 4, '0.2', '63500'), T0);
    if (!r.ok) throw new Error('placed');
    expect(r.value).toMatchObject({ price: '0', stop: { type: 4, condition: 'lte' } });
    expect(ex.ledger.balance('u', 'BTC').freeze.toFixed()).toBe('0.2');
    print('63400');
    const [done] = ex.finishedOrders('u');
    expect(done).toMatchObject({ id: r.value.id, stop: { activated: true } });
    expect(done?.dealStock.toFixed()).toBe('0.2');
    expect(ex.dealsOf('u').map((d) => d.price)).toEqual(['63000']);
    expect(orderEvents(r.value.id)).toEqual([1, 3]);
    conserved();
  });

  it('freezes a stop-market buy in quote and spends at most that on activation', () => {
    const { ex, stop, print, conserved } = setup();
    expect(ex.placeOrder('v', { market: MARKET, side: 'sell', price: '66000', amount: '1' }, T0).ok).toBe(true);
    const r = ex.placeStop('u', stop('buy', 4, '3300', '65000'), T0);
    if (!r.ok) throw new Error('placed');
    expect(ex.ledger.balance('u', 'USDT').freeze.toFixed()).toBe('3300');
    print('65000');
    const [done] = ex.finishedOrders('u');
    expect(done?.id).toBe(r.value.id);
    expect(done?.dealStock.toFixed()).toBe('0.05');
    expect(done?.dealMoney.toFixed()).toBe('3300');
    expect(ex.ledger.balance('u', 'USDT').available.toFixed()).toBe('996700');
    conserved();
  });

  it('runs a cascade: a fired stop whose trade reaches the next stop fires it too, in order, and stops', () => {
    const { ex, stop, conserved } = setup();
    // Asks at 65000 and 65500; stop A (gte 64500) buys 0.01 at market, printing 65000; stop B (gte 64900)
    // then fires on that print and sweeps the rest.
    expect(ex.placeOrder('v', { market: MARKET, side: 'sell', price: '65000', amount: '0.01' }, T0).ok).toBe(true);
    expect(ex.placeOrder('v', { market: MARKET, side: 'sell', price: '65500', amount: '1' }, T0).ok).toBe(true);
    const a = ex.placeStop('u', stop('buy', 3, '0.01', '64500', '65000'), T0);
    const b = ex.placeStop('w', stop('buy', 3, '0.02', '64900', '65500'), T0);
    if (!a.ok || !b.ok) throw new Error('placed');
    // A print at 64500, below both asks.
    expect(ex.placeOrder('v', { market: MARKET, side: 'buy', price: '64500', amount: '0.01' }, T0).ok).toBe(true);
    expect(ex.placeOrder('w', { market: MARKET, side: 'sell', price: '64500', amount: '0.01' }, T0).ok).toBe(true);
    expect(ex.finishedOrders('u').map((o) => o.id)).toContain(a.value.id);
    expect(ex.finishedOrders('w').map((o) => o.id)).toContain(b.value.id);
    expect(ex.publicTrades(MARKET).map((t) => t.price)).toEqual(['65500', '65000', '64500']);
    expect(ex.activeOrders(null).filter((o) => o.stop && !o.stop.activated)).toEqual([]);
    conserved();
  });

  it('refuses an activation price equal to the last price (422 code 30) and a short balance (400 code 10)', () => {
    const { ex, stop } = setup();
    const same = ex.placeStop('u', stop('sell', 3, '0.1', '64000', '63000'), T0);
    expect(same.ok ? null : same.error).toEqual({
      status: 422,
      body: { code: 30, message: 'Validation failed', errors: { activationPrice: ['Activation price should not be equal to the last price'] } },
    });
    const short = ex.placeStop('u', stop('sell', 4, '11', '63000'), T0);
    expect(short.ok ? null : short.error.body.code).toBe(10);
    expect(ex.activeOrders('u')).toEqual([]);
  });

  it('cancels an untriggered stop (funds back, event 3) and never fires it afterwards', () => {
    const { ex, stop, print, orderEvents, conserved } = setup();
    const r = ex.placeStop('u', stop('buy', 3, '0.1', '65000', '65000', 'st-1'), T0);
    if (!r.ok) throw new Error('placed');
    const c = ex.cancelOrder('u', MARKET, { clientOrderId: 'st-1' }, T0);
    expect(c.ok && c.value.ftimeMs).toBe(T0);
    expect(ex.ledger.balance('u', 'USDT')).toEqual({ available: new D('1000000'), freeze: ZERO });
    print('65000');
    expect(orderEvents(r.value.id)).toEqual([1, 3]);
    expect(ex.depth(MARKET, 10).bids).toEqual([]);
    conserved();
  });

  it('lets cancel-all and the kill-switch take untriggered stops', () => {
    const { ex, stop, conserved } = setup();
    expect(ex.placeStop('u', stop('buy', 3, '0.1', '65000', '65000'), T0).ok).toBe(true);
    expect(ex.placeStop('u', stop('sell', 4, '0.1', '63000'), T0).ok).toBe(true);
    expect(ex.cancelAll('u', MARKET, ['spot'], T0)).toHaveLength(2);
    expect(ex.placeStop('u', stop('sell', 4, '0.1', '63000'), T0).ok).toBe(true);
    ex.armKillSwitch('u', MARKET, 5, null, T0);
    expect(ex.expireKillSwitches(T0 + 5000)).toHaveLength(1);
    expect(ex.activeOrders('u')).toEqual([]);
    conserved();
  });

  it('modifies an untriggered stop as cancel-and-replace: new id, same client id, new trigger; 156 for a limit order', () => {
    const { ex, stop, print, orderEvents, conserved } = setup();
    const r = ex.placeStop('u', stop('buy', 3, '0.1', '65000', '65000', 'st-2'), T0);
    if (!r.ok) throw new Error('placed');
    const m = ex.modifyOrder('u', MARKET, { orderId: r.value.id }, { activationPrice: new D('63000'), price: new D('62000') }, T0);
    if (!m.ok) throw new Error(JSON.stringify(m.error));
    expect(m.value).toMatchObject({ clientOrderId: 'st-2', price: '62000', stop: { activationPrice: new D('63000'), condition: 'lte' } });
    expect(m.value.id).not.toBe(r.value.id);
    expect(orderEvents(r.value.id)).toEqual([1, 3]);
    expect(ex.ledger.balance('u', 'USDT').freeze.toFixed()).toBe('6200');
    print('65000');
    expect(ex.activeOrders('u')[0]?.stop?.activated).toBe(false);
    print('63000');
    expect(orderEvents(m.value.id)).toEqual([1, 1]);
    const limit = ex.placeOrder('u', { market: MARKET, side: 'sell', price: '70000', amount: '0.1' }, T0);
    if (!limit.ok) throw new Error('placed');
    const wrong = ex.modifyOrder('u', MARKET, { orderId: limit.value.id }, { activationPrice: new D('69000') }, T0);
    expect(wrong.ok ? null : wrong.error.body.code).toBe(156);
    conserved();
  });

  it('cancels a stop-market that fires into an empty opposite side, releasing its funds', () => {
    const { ex, stop, print, orderEvents, conserved } = setup();
    const r = ex.placeStop('u', stop('sell', 4, '0.1', '65000'), T0);
    if (!r.ok) throw new Error('placed');
    // The gte trigger prints at 65000 with no bids left behind it.
    print('65000');
    expect(orderEvents(r.value.id)).toEqual([1, 3]);
    const [done] = ex.finishedOrders('u');
    expect(done).toMatchObject({ id: r.value.id, stop: { activated: true } });
    expect(done?.dealStock.isZero()).toBe(true);
    expect(ex.ledger.balance('u', 'BTC').freeze.isZero()).toBe(true);
    conserved();
  });
});
