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
import { get, post, WsClient } from './helpers.js';

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

describe('gridbot sim: WS order entry and issue-14 fault flags', () => {
  const demo = { apiKey: 'gridbot-demo-key', apiSecret: 'gridbot-demo-secret' };

  it('--help lists every fault and budget flag', async () => {
    const run = runSim(['--help']);
    expect(await run.exit).toBe(0);
    for (const flag of [
      '--corrupt-frames CH:P',
      '--binary-frames CH:P',
      '--trickle-responses COUNT:MS[:PATH]',
      '--drop-order-replies P',
      '--duplicate-order-replies P',
      '--pushes-before-reply P',
      '--drop-connection-after-order P',
      '--exhaust-place-budget P',
      '--ws-place-budget N[:MS]',
      '--ws-request-budget N[:MS]',
      '--ws-requests-per-minute N',
    ]) {
      expect(run.out.join('\n')).toContain(flag);
    }
  });

  it('--ws-place-budget and --pushes-before-reply shape WS order entry', async () => {
    const run = runSim(['--tick-ms', '0', '--ws-place-budget', '1:60000', '--pushes-before-reply', '1']);
    const sim = await run.ready;
    const c = await WsClient.connect(sim.wsUrl);
    const token = ((await post(sim.restUrl, '/api/v4/profile/websocket_token', {}, demo)).body as { websocket_token: string }).websocket_token;
    await c.request('authorize', [token, 'public']);
    await c.request('ordersPending_subscribe', ['DBTC_DUSDT']);
    const from = c.log.length;
    const placed = await c.request('order_limit_place', [{ market: 'DBTC_DUSDT', side: 'buy', amount: '0.001', price: '30000' }]);
    expect(placed.result).toMatchObject({ status: 'OPEN' });
    expect(c.log.slice(from).map((f) => f.method ?? 'reply')).toEqual(['ordersPending_update', 'reply']);
    expect((await c.request('order_limit_place', [{ market: 'DBTC_DUSDT', side: 'buy', amount: '0.001', price: '30000' }])).error).toEqual({
      code: 7,
      message: 'too many requests',
    });
    c.close();
    run.abort.abort();
    expect(await run.exit).toBe(0);
  });

  it('sets corrupt, binary, order-reply and trickle faults from flags', async () => {
    const run = runSim([
      '--tick-ms',
      '0',
      '--corrupt-frames',
      'depth:1',
      '--binary-frames',
      'lastprice:1',
      '--drop-order-replies',
      '1',
      '--trickle-responses',
      '2:5:/api/v4/orders',
      '--exhaust-place-budget',
      '1',
    ]);
    const sim = await run.ready;
    expect(sim.faults.decideFrame('depth', 0).action).toBe('corrupt');
    expect(sim.faults.decideFrame('lastprice', 0).action).toBe('binary');
    expect(sim.faults.decideFrame('orderReply', 0).action).toBe('drop');
    expect(sim.faults.decideFrame('reply', 0).action).toBe('send');
    expect(sim.faults.takeTrickle('/api/v4/order/new')).toBeNull();
    expect(sim.faults.takeTrickle('/api/v4/orders')).toBe(5);
    expect(sim.faults.decideOrder(0, false).placeBudgetSpent).toBe(false);
    expect(sim.faults.decideOrder(0, true).placeBudgetSpent).toBe(true);
    run.abort.abort();
    expect(await run.exit).toBe(0);
  });

  it.each([
    ['--trickle-responses', '0:5', '--trickle-responses wants COUNT:MS[:PATH]'],
    ['--drop-order-replies', '2', '--drop-order-replies wants a probability'],
    ['--ws-place-budget', '0', '--ws-place-budget wants N[:MS]'],
    ['--corrupt-frames', 'nowhere:1', '--corrupt-frames wants CHANNEL:PROBABILITY'],
  ])('refuses %s %s with exit 2', async (flag, value, text) => {
    const run = runSim([flag, value]);
    expect(await run.exit).toBe(2);
    expect(run.err.join('\n')).toContain(text);
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
