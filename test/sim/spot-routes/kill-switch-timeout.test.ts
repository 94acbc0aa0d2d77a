/**
 * Kill-switch `timeout` forms beyond the documented string seconds and JSON null: the string "null"
 * deletes (ccxt cancelAllOrdersAfter(0)), fractional seconds arm to the millisecond (protocol-2
 * §2.1, §4 item 10; the simulator's choice lives in kill-switch.ts parseKillSwitchTimeout).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { A, Bench, body } from './support.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.start();
});
afterEach(() => bench.close());

const killSwitch = (params: Record<string, unknown>) => bench.rest(A, '/api/v4/order/kill-switch', { market: 'BTC_USDT', ...params });
const status = async () => (await bench.rest(A, '/api/v4/order/kill-switch/status', { market: 'BTC_USDT' })).body;

describe('kill-switch timeout', () => {
  it('deletes the timer for the string "null" as for JSON null', async () => {
    expect((await killSwitch({ timeout: '30' })).status).toBe(200);
    const r = await killSwitch({ timeout: 'null' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
    expect(await status()).toEqual([]);
    await bench.restPlace(A, { side: 'buy', amount: '0.01', price: '60000' });
    bench.sim.advance(60_000);
    expect(bench.sim.state.orders('alice')).toHaveLength(1);
  });

  it('arms fractional seconds to the millisecond', async () => {
    await bench.restPlace(A, { side: 'buy', amount: '0.01', price: '60000' });
    const armed = body(await killSwitch({ timeout: '7.5' }));
    const startMs = bench.sim.clock.now();
    expect(armed).toMatchObject({ market: 'BTC_USDT', startTime: Math.floor(startMs / 1000), cancellationTime: Math.floor((startMs + 7_500) / 1000) });
    bench.sim.advance(7_499);
    expect(bench.sim.state.orders('alice')).toHaveLength(1);
    bench.sim.advance(1);
    expect(bench.sim.state.orders('alice')).toHaveLength(0);
  });

  it('keeps the 5..600 range and rejects what is not seconds', async () => {
    const tooShort = await killSwitch({ timeout: '4.999' });
    expect(tooShort.status).toBe(422);
    expect(tooShort.body).toEqual({ code: 30, message: 'Validation failed', errors: { timeout: ['Timeout should be at least 5.'] } });
    expect(body(await killSwitch({ timeout: '600.5' })).errors).toEqual({ timeout: ['Timeout should be at most 600.'] });
    for (const timeout of ['abc', '1e2', '-5', 'NULL', true]) {
      expect(body(await killSwitch({ timeout })).errors).toEqual({ timeout: ['Timeout field should be a string.'] });
    }
    expect((await killSwitch({ timeout: 5.5 })).status).toBe(200);
  });
});
