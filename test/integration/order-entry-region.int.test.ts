/**
 * WebSocket order entry on an account whose region has none (WhiteBIT EU, issue 15): the exchange
 * answers every order method on the socket 10009 before looking at the order. The runtime sends
 * that order over REST with the same client id and sends every later one over REST at once, so a
 * grid with the default `orderEntry: ws` keeps trading, one wasted frame in all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Bench, AMOUNT, LEVEL_PRICE, PLAN, startBench } from './harness.js';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

describe('orderEntry ws on an account without WebSocket order entry (its region)', () => {
  it('places the first counter-order over REST after the 10009 and every later one over REST without trying the socket', async () => {
    const b = await startBench({ orderEntry: 'ws', beforeStart: (sim) => sim.faults.refuseOrderRegion({ probability: 1 }) });
    bench = b;
    await b.until('the plan resting and the market running', () => b.openOrders().length === PLAN.length && b.state().startsWith('running'));

    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    const first = await b.until('a sell at level 2', () => b.byLevel().get(2)?.[0]);
    expect(first.order).toMatchObject({ side: 'sell', price: LEVEL_PRICE[2] });
    expect(b.sim.faults.stats.regionRefusals).toBe(1);

    // Its counter-order: the sell at level 2 filled, a buy at level 1 again.
    b.take('buy', AMOUNT, LEVEL_PRICE[2] as string);
    const second = await b.until('a buy at level 1', () => b.byLevel().get(1)?.[0]);
    expect(second.order).toMatchObject({ side: 'buy', price: LEVEL_PRICE[1] });

    await b.stop();
    expect(b.sim.faults.stats.regionRefusals).toBe(1); // the socket was asked once
    expect(b.via).toEqual({ ws: 0, rest: 2 });
    expect(b.placed.filter((p) => p.id.level === 2)).toHaveLength(1); // the refused frame placed nothing
    expect(b.violations).toEqual([]);
  });
});
