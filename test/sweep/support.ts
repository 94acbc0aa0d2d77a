/**
 * Fixtures for the sweep tests: a small markets.yaml with one centered and one bounded grid, a
 * deterministic 1-minute kline file that wanders around 60 000, and the Node options a worker
 * thread needs to run the TypeScript sources (the project's TS hooks).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
  let seed = 11;
  const rnd = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  let price = 60_000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    // Integer prices: the path is exact, and a walk of ±150 a minute crosses levels 100-200 apart.
    const open = price;
    const close = open + Math.round((rnd() - 0.5) * 300);
    const high = Math.max(open, close) + Math.round(rnd() * 60);
    const low = Math.min(open, close) - Math.round(rnd() * 60);
    lines.push(JSON.stringify([1_767_571_200 + i * 60, String(open), String(close), String(high), String(low), '1', String(close)]));
    price = close;
  }
  writeFileSync(data, `${lines.join('\n')}\n`);
  return { config, data };
}
