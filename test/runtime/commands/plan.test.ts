/**
 * `gridbot plan` in-process against a simulator the test starts (--exchange-url): the exact ladder
 * of a small grid (hand-checked), a level failing minTotal, the fee error, the --json shape, public
 * endpoints only, and — issue 9 — that its orders are the orders `run` places.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D } from '../../../src/grid/index.js';
import { parseConfig } from '../../../src/runtime/config/index.js';
import type { PlanDocument } from '../../../src/runtime/commands/plan.js';
import { startRuntime } from '../../../src/runtime/runtime.js';
import { type Simulator, startSimulator } from '../../../src/sim/index.js';
import { startCountingProxy } from '../../integration/counting-proxy.js';
import { SMALL_GRID, cli, configYaml, tempDir } from './support.js';

let sim: Simulator;
const tmp = tempDir();

beforeAll(async () => {
  // tickMs 0: the price stays where the market opens (DBTC_DUSDT 60000, ETH_USDT 3200).
  sim = await startSimulator({ port: 0, seed: 3, tickMs: 0 });
});

afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

describe('gridbot plan', () => {
  it('prints the exact ladder of a small grid, its locked budget, risk exits and fee check, and exits 0', async () => {
    const file = tmp.file('small.yaml', configYaml(SMALL_GRID));
    const r = await cli('plan', '--config', file, '--exchange-url', sim.restUrl);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // Hand-checked: 59000..61000 in 5 levels is a step of 500; the price 60000 is level 2 (the gap);
    // 0.001 × price is the notional; buys lock 59.5 + 59 = 118.5 DUSDT, sells 2 × 0.001 DBTC.
    expect(r.out).toContain(
      [
        'DBTC_DUSDT  arithmetic, last price 60000: placeable, 4 orders',
        '  rules: price 2 decimals, amount 6 decimals, minAmount 0.0001 DBTC, minTotal 5 DUSDT, maxTotal 10000000, maker fee 0.1 %',
        '  level  side  price  amount  notional  check',
        '      4  sell  61000   0.001        61  ok',
        '      3  sell  60500   0.001      60.5  ok',
        '      2  -     60000       -         -  empty (gap at the price)',
        '      1  buy   59500   0.001      59.5  ok',
        '      0  buy   59000   0.001        59  ok',
        '  locked: buys 118.5 DUSDT in 2 orders (budget 1000), sells 0.002 DBTC in 2 orders (budget 0.01)',
        // 59000 × 0.95 and 61000 × 1.05.
        '  risk: range exit below 56050 or above 64050 (5 % beyond the ladder); stop-loss at PnL <= -100 DUSDT; max inventory off',
        // (61000 − 60500) / 60500 = 0.8264 %.
        '  fee: smallest step 60500 -> 61000 (0.8264 %) beats the round-trip maker fee 0.2 % (2 x 0.1 %)',
        '  order entry ws: counter-orders and cancels over the WebSocket (REST while the socket is down or its budget spent); the initial ladder over REST order/bulk',
      ].join('\n'),
    );
    expect(r.out).toMatch(/every grid is placeable \(4 orders\)\n$/);
  });

  it('names the level that fails minTotal and why, and exits 2', async () => {
    // ETH_USDT opens at 3200; 0.0016 ETH is 4.96 USDT at 3100 (below minTotal 5.05) but 5.28 at 3300.
    const grid = `  - market: ETH_USDT
    spacing: arithmetic
    ladder: { lower: "3100", upper: "3300", levels: 3 }
    amountPerLevel: { base: "0.0016" }
    budget: { quote: "100", base: "1" }
`;
    const file = tmp.file('min-total.yaml', configYaml(grid));
    const r = await cli('plan', '--config', file, '--exchange-url', sim.restUrl);
    expect(r.code).toBe(2);
    expect(r.out).toContain('ETH_USDT  arithmetic, last price 3200: NOT placeable, 1 error');
    expect(r.out).toContain('      2  sell   3300  0.0016      5.28  ok');
    expect(r.out).toContain('      0  buy    3100  0.0016      4.96  FAIL level 0 buy at 3100: total 4.96 (0.0016 × 3100) is below minTotal 5.05');
    expect(r.out).toContain('  locked: buys 4.96 USDT in 1 order (budget 100), sells 0.0016 ETH in 1 order (budget 1)');
    expect(r.out).toMatch(/0 of 1 grids placeable; fix the errors above \(exit 2\)\n$/);
  });

  it('refuses a step that does not beat the round-trip maker fee (exit 2), in text and in --json', async () => {
    // A 60 DUSDT step at 60000 is 0.1 %: half the 0.2 % a buy and its sell pay in maker fees.
    const grid = `  - market: DBTC_DUSDT
    spacing: arithmetic
    ladder: { center: "60000", levelsPerSide: 2, step: "60" }
    amountPerLevel: { base: "0.001" }
    budget: {}
`;
    const file = tmp.file('fee.yaml', configYaml(grid));
    const r = await cli('plan', '--config', file, '--exchange-url', sim.restUrl);
    expect(r.code).toBe(2);
    expect(r.out).toContain('fee: smallest step 60060 -> 60120 (0.0999 %) does NOT beat the round-trip maker fee 0.2 % (2 x 0.1 %)');
    expect(r.out).toMatch(/error: step .* does not beat the round-trip maker fee 0\.2 % \(2 × 0\.1 %\): 4 of 4 steps lose money/);

    const j = await cli('plan', '--config', file, '--exchange-url', sim.restUrl, '--json');
    expect(j.code).toBe(2);
    const doc = JSON.parse(j.out) as PlanDocument;
    expect(doc.ok).toBe(false);
    expect(doc.grids[0]?.fee?.ok).toBe(false);
    expect(doc.grids[0]?.issues.map((i) => i.code)).toContain('step-below-fees');
  });

  it('--json prints one document with the ladder, locked budget, risk and fee per grid; nothing on stderr', async () => {
    const file = tmp.file('json.yaml', configYaml(SMALL_GRID));
    const r = await cli('plan', '--config', file, '--exchange-url', sim.restUrl, '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(r.out) as PlanDocument;
    expect(doc).toMatchObject({ ok: true, file, source: { kind: 'url', url: sim.restUrl }, orderEntry: { DBTC_DUSDT: 'ws' } });
    const g = doc.grids[0];
    expect(g).toMatchObject({
      market: 'DBTC_DUSDT',
      ok: true,
      error: null,
      lastPrice: '60000',
      orders: 4,
      rules: { baseAsset: 'DBTC', quoteAsset: 'DUSDT', pricePrecision: 2, amountPrecision: 6, minAmount: '0.0001', minTotal: '5' },
      locked: {
        quote: { asset: 'DUSDT', amount: '118.5', orders: 2, budget: '1000' },
        base: { asset: 'DBTC', amount: '0.002', orders: 2, budget: '0.01' },
      },
      risk: { rangeExit: { marginPercent: '5', below: '56050', above: '64050' }, stopLossQuote: '100', maxInventoryBase: null },
      fee: { makerFeePercent: '0.1', roundTripPercent: '0.2', smallestStepPercent: '0.8264', ok: true },
    });
    expect(g?.levels).toEqual([
      { level: 0, side: 'buy', price: '59000', amount: '0.001', notional: '59', problems: [] },
      { level: 1, side: 'buy', price: '59500', amount: '0.001', notional: '59.5', problems: [] },
      { level: 2, side: null, price: '60000', amount: null, notional: null, problems: [] },
      { level: 3, side: 'sell', price: '60500', amount: '0.001', notional: '60.5', problems: [] },
      { level: 4, side: 'sell', price: '61000', amount: '0.001', notional: '61', problems: [] },
    ]);
  });

  it('reports an unknown market as not placeable (exit 2) and a bad config with exit 2 and no exchange call', async () => {
    const grid = SMALL_GRID.replace('DBTC_DUSDT', 'NOPE_USDT');
    const r = await cli('plan', '--config', tmp.file('unknown.yaml', configYaml(grid)), '--exchange-url', sim.restUrl);
    expect(r.code).toBe(2);
    expect(r.out).toContain('NOPE_USDT  NOT READ: loadMarket: NOPE_USDT is not a tradeable spot market on the exchange');

    const bad = await cli('plan', '--config', tmp.file('bad.yaml', 'exchange: sim\ngrids: nope\n'), '--exchange-url', sim.restUrl);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad\.yaml:2:\d+ grids/);
    expect((await cli('plan', '--bogus')).code).toBe(2);
    const help = await cli('plan', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('example: gridbot plan');
  });

  it('by default starts the embedded simulator with the config seed, as run does, and closes it', async () => {
    const file = tmp.file('embedded.yaml', configYaml(SMALL_GRID, 'sim:\n  seed: 3\n'));
    const r = await cli('plan', '--config', file, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as PlanDocument;
    expect(doc.source).toMatchObject({ kind: 'embedded-sim', label: 'the embedded simulator (seed 3)' });
    expect(doc.grids[0]?.lastPrice).toBe('60000');
  });

  it('reads public endpoints only: no signed request reaches the exchange', async () => {
    const proxy = await startCountingProxy(sim.restUrl);
    try {
      const file = tmp.file('public.yaml', configYaml(SMALL_GRID));
      const r = await cli('plan', '--config', file, '--exchange-url', proxy.url, '--json');
      expect(r.code).toBe(0);
      expect(proxy.requests.length).toBeGreaterThan(0);
      expect(proxy.requests.every((q) => q.method === 'GET' && q.path.startsWith('/api/v4/public/'))).toBe(true);
      expect(proxy.privateRequests()).toEqual([]);
      expect(proxy.upgrades()).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  // Issue 9: "a plan that differs from what `run` sends is a bug".
  it('lists exactly the orders run places: price, side and amount per level', async () => {
    const text = configYaml(SMALL_GRID);
    const file = tmp.file('same.yaml', text);
    const r = await cli('plan', '--config', file, '--exchange-url', sim.restUrl, '--json');
    expect(r.code).toBe(0);
    const planned = (JSON.parse(r.out) as PlanDocument).grids[0]?.levels.filter((l) => l.side !== null) ?? [];

    const parsed = parseConfig(text, file);
    if (!parsed.ok) throw parsed.error;
    const runtime = await startRuntime({ config: parsed.config, exchangeUrl: { restUrl: sim.restUrl, wsUrl: sim.wsUrl } });
    try {
      const deadline = Date.now() + 10_000;
      while (!runtime.statuses()[0]?.state.startsWith('running') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      expect(runtime.statuses()[0]?.state).toMatch(/^running/);
      const placed = sim.state
        .orders(sim.accountId)
        .filter((o) => o.market === 'DBTC_DUSDT')
        .map((o) => ({ side: o.side, price: new D(o.price).toFixed(), amount: new D(o.amount).toFixed() }))
        .sort((a, b) => new D(a.price).comparedTo(b.price));
      expect(placed).toEqual(planned.map((l) => ({ side: l.side, price: l.price, amount: l.amount })));
    } finally {
      await runtime.stop('test done');
    }
  });
});
