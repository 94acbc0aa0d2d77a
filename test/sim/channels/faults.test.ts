/**
 * The frame faults reach the market-data channels (issue 16, point 1): each has its own fault
 * channel name, `*` covers them, and `gridbot sim` accepts the names in its frame-fault flags.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { simCommand } from '../../../src/sim/cli.js';
import type { Simulator } from '../../../src/sim/index.js';
import { isUpdate, WsClient } from '../helpers.js';
import { barrier, startFixture, trade, type Fixture } from './support.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('frame faults on the market-data channels', () => {
  it('drop, duplicate and `*` rules apply to trades, candles and market frames', async () => {
    const fx = await startFixture();
    f = fx;
    trade(fx.sim, '100', '1');
    const c = await fx.connect();
    fx.sim.faults.dropFrames('candles', { next: 1 });
    await c.request('candles_subscribe', ['BTC_USDT', 60]);
    await barrier(c);
    expect(c.log.filter(isUpdate('candles_update'))).toHaveLength(0);
    fx.clock.advance(500);
    await c.next(isUpdate('candles_update'));
    await c.request('candles_unsubscribe', []);

    fx.sim.faults.duplicateFrames('trades', { next: 1 });
    await c.request('trades_subscribe', ['BTC_USDT']);
    await barrier(c);
    expect(c.queued('trades_update')).toHaveLength(2);

    fx.sim.faults.dropFrames('*', { next: 1 });
    c.send({ id: 99, method: 'market_subscribe', params: ['BTC_USDT'] });
    await barrier(c);
    expect(c.log.some((fr) => fr.id === 99)).toBe(false);
    // The `*` rule took the subscription's reply; the first update went out.
    expect(c.log.filter(isUpdate('market_update'))).toHaveLength(1);
    expect(fx.sim.faults.stats).toMatchObject({ framesDropped: 2, framesDuplicated: 1 });
  });

  it('gridbot sim takes the new channel names in frame-fault flags', async () => {
    const abort = new AbortController();
    let ready: (sim: Simulator) => void = () => undefined;
    const started = new Promise<Simulator>((r) => (ready = r));
    const err: string[] = [];
    const exit = simCommand(['--port', '0', '--tick-ms', '0', '--drop-frames', 'bookTicker:1', '--delay-frames', 'ordersExecuted:0.5:100'], {
      stdout: () => undefined,
      stderr: (l) => err.push(l),
      signal: abort.signal,
      onReady: ready,
    });
    const sim = await Promise.race([started, exit.then(() => null)]);
    expect(err).toEqual([]);
    expect(sim).not.toBeNull();
    const c = await WsClient.connect((sim as Simulator).wsUrl);
    await c.request('bookTicker_subscribe', []);
    (sim as Simulator).tick();
    await barrier(c);
    expect(c.log.filter(isUpdate('bookTicker_update'))).toHaveLength(0);
    expect((sim as Simulator).faults.stats.framesDropped).toBeGreaterThan(0);
    c.close();
    abort.abort();
    expect(await exit).toBe(0);
  });
});
