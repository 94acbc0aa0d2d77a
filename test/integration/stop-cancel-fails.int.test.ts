/**
 * A stop against an exchange whose cancel-all keeps failing for longer than the shutdown budget:
 * the kill-switch is never disarmed while our orders rest (it is then all that cancels them), and
 * the runtime names those orders. Before, the market disarmed after a failed cancel-all and the
 * orders rested with nothing to cancel them (chaos rest-429-5xx-bursts seed 62).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Bench, BOT_ACCOUNT, MARKET, PLAN, startBench } from './harness.js';

let bench: Bench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

describe('stop while every cancel-all fails', () => {
  it('leaves the kill-switch armed over the orders left, and names them', async () => {
    const b = (bench = await startBench({ shutdownTimeoutMs: 3_000 }));
    await b.until('the plan resting and the market running', () => b.openOrders().length === PLAN.length && b.state().startsWith('running'));
    b.sim.faults.failRequests({ status: 503, count: 1_000, path: '/api/v4/order/cancel/all' });
    await b.stop();

    const resting = b.sim.state.orders(BOT_ACCOUNT).map((o) => o.clientOrderId);
    expect(resting).toHaveLength(PLAN.length);
    expect(b.sim.state.killSwitches(BOT_ACCOUNT).map((k) => k.market)).toEqual([MARKET]);
    const left = b.runtime.ordersLeft();
    expect(left.map((l) => l.market)).toEqual([MARKET]);
    expect([...(left[0]?.clientOrderIds ?? [])].sort()).toEqual([...resting].sort());
  });
});
