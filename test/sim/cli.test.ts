/**
 * `gridbot sim` in-process: it starts, prints its URLs and keys, a client trades against it and a
 * trade line appears, and it stops cleanly on abort.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simCommand, tradeLine } from '../../src/sim/cli.js';
import { D } from '../../src/sim/decimal.js';
import type { Simulator } from '../../src/sim/index.js';
import { get, post } from './helpers.js';

function runSim(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const abort = new AbortController();
  let resolveReady: (sim: Simulator) => void = () => undefined;
  const ready = new Promise<Simulator>((r) => (resolveReady = r));
  const exit = simCommand(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), signal: abort.signal, onReady: resolveReady });
  return { out, err, abort, ready, exit };
}

describe('gridbot sim', () => {
  it('prints its URLs and demo credentials, logs user trades and stops on abort', async () => {
    const run = runSim(['--port', '0', '--seed', '9', '--tick-ms', '0']);
    const sim = await run.ready;
    expect(run.out[0]).toBe(`gridbot sim: rest=${sim.restUrl} ws=${sim.wsUrl} api-key=gridbot-demo-key api-secret=gridbot-demo-secret`);
    const ask = sim.state.book('DBTC_DUSDT', 1).asks[0];
    if (!ask) throw new Error('the house should quote');
    const r = await post(
      sim.restUrl,
      '/api/v4/order/new',
      { market: 'DBTC_DUSDT', side: 'buy', amount: '0.001', price: ask[0] },
      { apiKey: 'gridbot-demo-key', apiSecret: 'gridbot-demo-secret' },
    );
    expect(r.status).toBe(200);
    expect(run.out).toContain(`trade DBTC_DUSDT taker buy 0.001 @ ${ask[0]} maker=house taker=demo (demo's buy order filled as taker)`);
    run.abort.abort();
    expect(await run.exit).toBe(0);
    expect(run.out.at(-1)).toBe('gridbot sim: stopped');
  });

  it('takes custom keys, a markets file and fault flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridbot-sim-'));
    const file = join(dir, 'markets.yaml');
    writeFileSync(file, 'markets:\n  - name: SOL_USDT\n    stockPrec: 2\n    moneyPrec: 3\n    startPrice: "150"\n');
    const run = runSim(['--api-key', 'k', '--api-secret', 's', '--markets', file, '--fail-requests', '1:503:/api/v4/public/markets', '--tick-ms', '0']);
    const sim = await run.ready;
    expect(run.out[0]).toContain('api-key=k api-secret=s');
    expect((await get(sim.restUrl, '/api/v4/public/markets')).status).toBe(503);
    const markets = (await get(sim.restUrl, '/api/v4/public/markets')).body as { name: string; moneyPrec: string }[];
    expect(markets).toEqual([expect.objectContaining({ name: 'SOL_USDT', moneyPrec: '3' })]);
    run.abort.abort();
    expect(await run.exit).toBe(0);
  });

  it('rejects bad flags with exit code 2', async () => {
    const bad = runSim(['--drop-frames', 'nowhere:2']);
    expect(await bad.exit).toBe(2);
    expect(bad.err.join('\n')).toContain('--drop-frames wants CHANNEL:PROBABILITY');
    const half = runSim(['--api-key', 'k']);
    expect(await half.exit).toBe(2);
  });
});

describe('the trade line', () => {
  const trade = {
    id: 1,
    market: 'BTC_USDT',
    timeMs: 0,
    price: '100',
    amount: new D('0.01'),
    quote: new D('1'),
    takerSide: 'sell' as const,
    makerAccountId: 'demo',
    takerAccountId: 'house',
    makerOrderId: 1,
    takerOrderId: 2,
  };

  it("says whose order filled when a user's resting order is taken: the other side than the taker's", () => {
    expect(tradeLine(trade)).toBe("trade BTC_USDT taker sell 0.01 @ 100 maker=demo taker=house (demo's buy order filled as maker)");
  });

  it('names both sides when two user accounts trade, and neither for the house alone', () => {
    expect(tradeLine({ ...trade, takerAccountId: 'alice' })).toBe(
      "trade BTC_USDT taker sell 0.01 @ 100 maker=demo taker=alice (demo's buy order filled as maker; alice's sell order filled as taker)",
    );
    expect(tradeLine({ ...trade, makerAccountId: 'house' })).toBe('trade BTC_USDT taker sell 0.01 @ 100 maker=house taker=house');
  });
});
