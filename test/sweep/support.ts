/**
 * Fixtures for the sweep tests: a small markets.yaml with one centered and one bounded grid, a
 * deterministic 1-minute kline file that wanders around 60 000, and the Node options a worker
 * thread needs to run the TypeScript sources (the project's TS hooks).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchKlines } from '../../bench/sweep.js';

/** `--import` of the TS hooks, for worker threads started from the sources. */
export const TS_WORKER_EXEC_ARGV: readonly string[] = ['--import', new URL('../runtime/journal/support/register-ts.mjs', import.meta.url).href];

export const SWEEP_CONFIG = `exchange: sim
botId: sw
sim:
  seed: 7
  balances:
    DUSDT: "100000"
    DBTC: "10"
    USDT: "100000"
    ETH: "10"
grids:
  - market: DBTC_DUSDT
    spacing: arithmetic
    ladder:
      center: last
      levelsPerSide: 4
      step: "150"
    amountPerLevel:
      base: "0.002"
  - market: ETH_USDT
    spacing: arithmetic
    ladder:
      lower: "2800"
      upper: "3600"
      levels: 17
    amountPerLevel:
      base: "0.02"
`;

/** Writes the config and `count` candles from 2026-01-05 00:00 UTC; returns their paths. */
export function writeSweepFixture(dir: string, count: number): { config: string; data: string } {
  const config = join(dir, 'markets.yaml');
  const data = join(dir, 'klines.jsonl');
  writeFileSync(config, SWEEP_CONFIG);
  // A wide swing: a few hours of data cross levels 100-200 apart many times.
  writeFileSync(data, `${benchKlines(count, 300)}\n`);
  return { config, data };
}
