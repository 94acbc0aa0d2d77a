/**
 * Issue 18, parity: the same price path through `gridbot backtest` (the market machine on the
 * simulator's engine in process, src/backtest) and through `run` against the simulator (the real
 * runtime over loopback, harness.ts) gives the same fills: prices, sides, amounts, in order.
 *
 * The simulator side walks the path by the backtest's rule (FILLS_ONLY_THROUGH): at each point the
 * taker account takes exactly the bot's orders the point trades through (a sell limited one tick
 * above the point takes the buys strictly above it; a buy one tick below, the sells strictly below),
 * then the test waits until the bot placed one counter-order per fill before the next point.
 * Deterministic: no price process, no sleeps; the fills are read from the simulator's deals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/api.js';
import { parsePriceText } from '../../src/backtest/data/index.js';
import { D } from '../../src/grid/index.js';
import { parseConfig } from '../../src/runtime/config/index.js';
import { type Bench, BOT_ACCOUNT, MARKET, MARKET_SPEC, PLAN, gridYaml, startBench } from './harness.js';

/** Starts at the simulator's start price (the plan's last price), touches 59800, then goes through levels both ways, several at once. */
const PATH = ['60000', '59900', '59800', '59700', '60100', '59500', '60500', '59900', '60300', '59550', '60000'];
const TICK = new D('0.01');

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

type FillRow = [side: string, price: string, amount: string];

async function backtestFills(): Promise<FillRow[]> {
  const parsed = parseConfig(gridYaml(), 'it-markets.yaml');
  if (!parsed.ok) throw new Error(parsed.error.message);
  const csv = ['time,price', ...PATH.map((p, i) => `${1_767_571_200 + i},${p}`)].join('\n');
  const report = await runBacktest({ config: parsed.config, series: parsePriceText(csv, 'path.csv'), markets: [MARKET_SPEC] });
  return (report.grids[0]?.fillList ?? []).map((f) => [f.side, f.price, f.amount]);
}

async function runFills(): Promise<FillRow[]> {
  const b = (bench = await startBench());
  await b.until('the plan resting and the market running', () => b.openOrders().length === PLAN.length && b.state() === 'running.trading');
  for (const point of PATH.slice(1)) {
    const at = new D(point);
    const open = b.openOrders().map((o) => o.order);
    const buys = open.filter((o) => o.side === 'buy' && o.priceD.gt(at));
    const sells = open.filter((o) => o.side === 'sell' && o.priceD.lt(at));
    const hit = [...buys, ...sells];
    if (hit.length === 0) continue;
    const amount = hit.reduce((s, o) => s.plus(o.left), new D(0)).toFixed();
    const placedBefore = b.placed.length;
    if (buys.length > 0) b.take('sell', amount, at.plus(TICK).toFixed());
    else b.take('buy', amount, at.minus(TICK).toFixed());
    await b.until(`${hit.length} counter-order(s) after ${point}`, () => b.placed.length === placedBefore + hit.length && b.state() === 'running.trading');
  }
  // Deals come newest first; ours only (the taker's side has its own account).
  return b.sim.state
    .fills(BOT_ACCOUNT)
    .filter((d) => d.market === MARKET)
    .reverse()
    .map((d) => [d.side, d.price, d.amount.toFixed()]);
}

describe('backtest parity with run against the simulator', () => {
  it('gives the same fills for the same price path', async () => {
    const expected = await backtestFills();
    // The path is meant to exercise something: a touch that does not fill, single and multiple level crossings both ways.
    expect(expected.length).toBeGreaterThanOrEqual(8);
    expect(expected.some(([side]) => side === 'buy') && expected.some(([side]) => side === 'sell')).toBe(true);
    expect(await runFills()).toEqual(expected);
  });
});
