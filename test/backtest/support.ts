/** A hand-checkable backtest: one market TEST_USDT, 3 levels (buy 99, gap 100, sell 101), 1 TEST each. */
import { type BacktestRequest, runBacktest } from '../../src/backtest/api.js';
import { parsePriceText } from '../../src/backtest/data/index.js';
import { parseConfig, type RuntimeConfig } from '../../src/runtime/config/index.js';
import type { MarketSpec } from '../../src/sim/markets.js';

export const T0 = 1_700_000_040;

export function testMarket(makerFee = '0.1'): MarketSpec {
  return { name: 'TEST_USDT', stockPrec: 4, moneyPrec: 2, minAmount: '0.001', minTotal: '0', makerFee };
}

export function testConfig(extra = ''): RuntimeConfig {
  const yaml = `exchange: sim
sim:
  balances: { TEST: "100", USDT: "100000" }
grids:
  - market: TEST_USDT
    spacing: arithmetic
    ladder: { center: "100", levelsPerSide: 1, step: "1" }
    amountPerLevel: { base: "1" }
${extra}`;
  const r = parseConfig(yaml, 'bt.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.error.issues));
  return r.config;
}

/** [open, close, high, low] per minute from T0, as kline JSONL. */
export function klines(rows: readonly (readonly [string, string, string, string])[]): string {
  return rows.map(([o, c, h, l], i) => JSON.stringify([T0 + 60 * i, o, c, h, l, '1', '1'])).join('\n');
}

/** The five candles worked through by hand in report.test.ts. */
export const FIVE = klines([
  ['100', '100', '100.5', '99.5'],
  ['100', '99.5', '100', '99'],
  ['99.5', '99.2', '99.8', '98.9'],
  ['99.2', '100.2', '100.5', '99.1'],
  ['100.2', '101.5', '101.5', '100.1'],
]);

export function backtest(text: string, o: Partial<BacktestRequest> & { makerFee?: string; extra?: string } = {}) {
  const { makerFee, extra, ...rest } = o;
  return runBacktest({ config: testConfig(extra), series: parsePriceText(text, 'k.jsonl'), markets: [testMarket(makerFee)], ...rest });
}
