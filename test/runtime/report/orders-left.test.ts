/** What the runtime says after a stop about a market whose orders may still rest (report/orders-left.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import { ordersLeft, ordersLeftText } from '../../../src/runtime/report/orders-left.js';
import { type MarketHarness, startMarket, toRunning } from '../../machines/market/market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => h?.actor.stop());

describe('orders left after a stop', () => {
  it('names the orders of a market whose cancel-all on stop was refused, under its armed kill-switch', async () => {
    h = startMarket();
    const placed = await toRunning(h);
    h.actor.send({ type: 'stop', reason: 'SIGINT' });
    await h.reject('cancelAll', new MarketIoError('fatal', 'HTTP 401 unauthorized'));
    const left = ordersLeft(h.actor.getSnapshot());
    expect(left?.clientOrderIds.slice().sort()).toEqual(placed.map((i) => i.clientOrderId).sort());
    expect(left?.killSwitchDeadline).not.toBeNull();
    const text = ordersLeftText(left!, left!.killSwitchDeadline! - 42_000);
    expect(text).toContain('did not go through (cancel on stop: HTTP 401 unauthorized)');
    expect(text).toContain(placed[0]!.clientOrderId);
    expect(text).toContain('the kill-switch was left armed and cancels them in 42 s');
  });

  it('names the market while its cancel-all is retried, and none once it went through', async () => {
    h = startMarket();
    await toRunning(h);
    h.actor.send({ type: 'stop', reason: 'SIGINT' });
    await h.reject('cancelAll', new MarketIoError('retry', 'HTTP 502'));
    // A shutdown budget ending here leaves them: the runtime reads this last snapshot after the cut.
    expect(ordersLeft(h.actor.getSnapshot())?.market).toBe('DBTC_DUSDT');
    h.clock.increment(30_000);
    await h.resolve('cancelAll');
    expect(ordersLeft(h.actor.getSnapshot())).toBeNull();
  });
});
