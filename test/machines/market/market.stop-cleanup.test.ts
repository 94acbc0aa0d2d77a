/**
 * The cleanup on stop when the exchange keeps failing: the kill-switch is never disarmed while the
 * cancel-all has not gone through (it is then all that cancels our orders), both calls are retried,
 * and a market that ends with the cancel undone says so (`ordersMayRest`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import { type MarketHarness, startMarket, toRunning } from './market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => h?.actor.stop());

/** Advances the simulated clock until a call of `name` is pending (the retry delay is jittered). */
function untilPending(m: MarketHarness, name: string): void {
  for (let ms = 0; ms <= 60_000 && !m.pendingNames().includes(name); ms += 100) m.clock.increment(100);
  expect(m.pendingNames()).toContain(name);
}

describe('market actor: cleanup on stop against a failing exchange', () => {
  it('retries a failing cancel-all and disarms only once it went through', async () => {
    h = startMarket();
    await toRunning(h);
    h.actor.send({ type: 'stop', reason: 'SIGINT' });
    for (let i = 0; i < 3; i++) {
      await h.reject('cancelAll', new MarketIoError('retry', 'HTTP 502'));
      expect(h.pendingNames()).toEqual([]);
      expect(h.calls.map((c) => c.name)).not.toContain('disarmKillSwitch');
      expect(h.context().ordersMayRest).toBe(true);
      untilPending(h, 'cancelAll');
    }
    await h.resolve('cancelAll');
    expect(h.context().ordersMayRest).toBe(false);
    await h.resolve('disarmKillSwitch');
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.context().killSwitchDeadline).toBeNull();
  });

  it('retries a failing disarm after the cancel-all went through', async () => {
    h = startMarket();
    await toRunning(h);
    h.actor.send({ type: 'stop', reason: 'SIGINT' });
    await h.resolve('cancelAll');
    await h.reject('disarmKillSwitch', new MarketIoError('retry', 'HTTP 500'));
    expect(h.actor.getSnapshot().status).toBe('active');
    untilPending(h, 'disarmKillSwitch');
    await h.resolve('disarmKillSwitch');
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.context().killSwitchDeadline).toBeNull();
    expect(h.context().ordersMayRest).toBe(false);
  });

  it('leaves the kill-switch armed when the cancel-all is refused for good', async () => {
    h = startMarket();
    await toRunning(h);
    const deadline = h.context().killSwitchDeadline;
    h.actor.send({ type: 'stop', reason: 'SIGINT' });
    await h.reject('cancelAll', new MarketIoError('fatal', 'HTTP 401 unauthorized'));
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.calls.map((c) => c.name)).not.toContain('disarmKillSwitch');
    expect(h.context().ordersMayRest).toBe(true);
    expect(h.context().killSwitchDeadline).toBe(deadline);
  });
});
