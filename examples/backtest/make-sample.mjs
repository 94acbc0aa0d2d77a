// Writes DBTC_DUSDT-1m.jsonl: 3 days of 1-minute klines of the simulator's DBTC_DUSDT, made by its
// seeded price process trading on its matching engine (src/backtest/sample/sim-candles.ts), one v1
// kline row per line as `gridbot history` writes them. Same seed, same file.
//
//   npm run build && node examples/backtest/make-sample.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { klineLine } from '../../dist/backtest/data/index.js';
import { simCandles } from '../../dist/backtest/sample/sim-candles.js';
import { DEFAULT_MARKETS } from '../../dist/sim/markets.js';

export const SAMPLE = {
  // The demo pair's rules (src/sim/markets.ts DEFAULT_MARKETS), with a calmer walk per step than the
  // live simulator's so that a day moves a few percent, as BTC does.
  market: { ...DEFAULT_MARKETS.find((m) => m.name === 'DBTC_DUSDT'), volatility: 0.0005 },
  seed: 7,
  startMs: Date.UTC(2026, 0, 5),
  minutes: 3 * 1440,
  tickMs: 15_000,
};

const rows = simCandles(SAMPLE);
const out = fileURLToPath(new URL('./DBTC_DUSDT-1m.jsonl', import.meta.url));
writeFileSync(out, `${rows.map(klineLine).join('\n')}\n`);
console.log(`${out}: ${rows.length} candles`);
