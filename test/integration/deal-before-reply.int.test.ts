/**
 * A counter-order filled before its placement answer and order report reach the bot (WhiteBIT's
 * channels are not ordered against each other; here the simulator holds the reply and the
 * ordersPending frames back): its deal carries our client id, so its level is free at once, and the
 * next counter-order there does not wait for the late frames (issue 15's tail).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Bench, AMOUNT, LEVEL_PRICE, MARKET, PLAN, startBench } from './harness.js';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

/** Far beyond `until`'s deadline: a counter-order that waited for these frames would time the test out. */
const HELD_MS = 60_000;

describe('a deal that beats its order reply', () => {
  it('frees the filled counter-order level at once: the next counter-order there leaves before the held frames', async () => {
    const b = (bench = await startBench({ orderEntry: 'ws' }));
    await b.until('the plan resting and the market running', () => b.openOrders().length === PLAN.length && b.state().startsWith('running'));

    const pathsBefore = b.paths.get(MARKET)?.length ?? 0;
    // The buy at level 1 fills (its frames go out in this call); the counter-sell at 2 that answers
    // it gets neither its reply nor its order reports (placed, then filled) in time.
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    b.sim.faults.delayFrames('orderReply', { next: 1, delayMs: HELD_MS });
    b.sim.faults.delayFrames('ordersPending', { next: 2, delayMs: HELD_MS });
    await b.until('a sell resting at level 2', () => b.byLevel().get(2)?.[0]?.id.side === 'sell');

    // That sell fills: the bot learns it from its deal alone and answers with a buy at 1.
    b.take('buy', AMOUNT, LEVEL_PRICE[2] as string);
    await b.until('a buy resting at level 1 again', () => b.byLevel().get(1)?.[0]?.id.side === 'buy');
    // The sell at 3 fills: its counter-buy targets level 2, which the filled sell no longer holds.
    b.take('buy', AMOUNT, LEVEL_PRICE[3] as string);
    const buy2 = await b.until('a buy resting at level 2', () => (b.byLevel().get(2)?.[0]?.id.side === 'buy' ? b.byLevel().get(2)?.[0] : null));
    expect(buy2.order.amount.toFixed()).toBe(AMOUNT);
    // It went on the deal, while the late frames were held: not after the sell's reply deadline made
    // its outcome unknown and a reconcile found it filled (what freed the level before).
    expect(b.sim.faults.stats.framesDelayed).toBe(3);
    expect((b.paths.get(MARKET) ?? []).slice(pathsBefore).filter((p) => p.startsWith('reconciling'))).toEqual([]);

    await b.stop();
    // One counter-order per fill: the sell at 2, the buy at 1, the buy at 2.
    expect(b.placed).toHaveLength(PLAN.length + 3);
    expect(b.placed.filter((p) => p.id.level === 2).map((p) => p.id.side)).toEqual(['sell', 'buy']);
    expect(b.violations).toEqual([]);
  });
});
