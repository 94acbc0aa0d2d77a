/**
 * The programmatic entry point: options, state views, waitFor, and both ways of controlling time
 * (manual clock with sim.advance, or vitest fake timers over the default system clock).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { post } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await sim?.close();
  sim = undefined;
});

describe('startSimulator', () => {
  it('starts on a free loopback port with the demo account and house liquidity', async () => {
    sim = await startSimulator({ port: 0, seed: 1, tickMs: 0 });
    expect(sim.restUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.wsUrl).toBe(`ws://127.0.0.1:${sim.port}/ws`);
    expect([sim.apiKey, sim.apiSecret, sim.accountId]).toEqual(['gridbot-demo-key', 'gridbot-demo-secret', 'demo']);
    expect(sim.state.balances('demo').DBTC).toEqual({ available: '10', freeze: '0' });
    const book = sim.state.book('DBTC_DUSDT', 5);
    expect(book.asks).toHaveLength(5);
    expect(book.bids).toHaveLength(5);
    expect(sim.state.lastPrice('BTC_USDT')).toBe('64000');
    expect(() => sim?.advance(1)).toThrow(/manual/);
  });

  it('moves the price on demand and reports the fill through waitFor', async () => {
    sim = await startSimulator({ port: 0, seed: 1, tickMs: 0, clock: 'manual' });
    const r = await post(
      sim.restUrl,
      '/api/v4/order/new',
      { market: 'BTC_USDT', side: 'sell', amount: '0.01', price: '64500' },
      { apiKey: sim.apiKey, apiSecret: sim.apiSecret },
    );
    expect(r.status).toBe(200);
    const filled = sim.waitFor((e) => e.type === 'order' && e.accountId === 'demo' && e.event === 3);
    sim.setPrice('BTC_USDT', '65000');
    const e = await filled;
    expect(e.type === 'order' && e.order.left.isZero()).toBe(true);
    expect(sim.state.fills('demo')[0]).toMatchObject({ role: 1, price: '64500' });
    expect(sim.state.orders('demo')).toEqual([]);
    expect(sim.state.finishedOrders('demo')).toHaveLength(1);
  });

  it('runs its timers on vitest fake timers when using the system clock', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    sim = await startSimulator({ port: 0, seed: 1, tickMs: 1_000 });
    const id = sim.state.updateId('ETH_USDT');
    vi.advanceTimersByTime(3_000);
    expect(sim.state.updateId('ETH_USDT')).toBeGreaterThan(id);
    sim.exchange.placeOrder('demo', { market: 'ETH_USDT', side: 'buy', amount: '0.01', price: '100' }, Date.now());
    sim.exchange.armKillSwitch('demo', 'ETH_USDT', 5, null, Date.now());
    expect(sim.state.killSwitches('demo')).toHaveLength(1);
    vi.advanceTimersByTime(5_000);
    expect(sim.state.killSwitches('demo')).toEqual([]);
    expect(sim.state.orders('demo')).toEqual([]);
  });

  it('rejects a reserved or duplicate account configuration', async () => {
    await expect(startSimulator({ accounts: [{ id: 'house', apiKey: 'k', apiSecret: 's' }] })).rejects.toThrow(/reserved/);
    await expect(
      startSimulator({
        accounts: [
          { apiKey: 'k', apiSecret: 's' },
          { id: 'x', apiKey: 'k', apiSecret: 't' },
        ],
      }),
    ).rejects.toThrow(/twice/);
  });
});
