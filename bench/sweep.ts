/**
 * The `sweep` bench row (issue 18's target: a 25-point sweep on 30 days of 1-minute candles in
 * ≤ 60 s on 2 cores): 43 200 generated candles (a bounded random walk around 60 000, so the grid
 * stays in range and trades all month), one 20-level grid, step 100..200:25 × levelsPerSide 8..12,
 * on 2 worker threads through the same pool `gridbot backtest --sweep` uses. Runnable alone:
 * `node dist-bench/bench/sweep.js [--workers=N] [--candles=N]`.
 */
import { pathToFileURL } from 'node:url';
import { parseKlinesJsonl } from '../src/backtest/data/index.js';
import { parseConfig } from '../src/runtime/config/index.js';
import { runSweepPool } from '../src/sweep/pool.js';
import { parseSweepSpec, sweepCombinations } from '../src/sweep/spec.js';
import { reasonOf, table } from './common.js';

export interface SweepBenchRow {
  readonly candles: number;
  readonly combinations: number;
  readonly workers: number;
  readonly seconds: number;
  /** Fills over every combination: proof the grids traded. */
  readonly fills: number;
  readonly status: string;
}

export const SWEEP_TARGET_S = 60;
export const SWEEP_SPEC = 'step=100..200:25,levelsPerSide=8..12';

const CONFIG = `exchange: sim
botId: bench
sim:
  seed: 7
  balances: { DUSDT: "1000000", DBTC: "20" }
grids:
  - market: DBTC_DUSDT
    spacing: arithmetic
    ladder: { center: last, levelsPerSide: 10, step: "150" }
    amountPerLevel: { base: "0.002" }
`;

/**
 * `count` 1-minute klines from 2026-01-05 00:00 UTC: integer prices (exact paths) moving up to
 * ±swing/2 a minute, pulled back towards 60 000 so a month stays in range. The sweep tests use it too.
 */
export function benchKlines(count: number, swing = 120): string {
  let seed = 42;
  const rnd = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  let price = 60_000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const open = price;
    const close = open + Math.round((rnd() - 0.5) * swing + (60_000 - open) * 0.01);
    const high = Math.max(open, close) + Math.round(rnd() * 40);
    const low = Math.min(open, close) - Math.round(rnd() * 40);
    lines.push(JSON.stringify([1_767_571_200 + i * 60, String(open), String(close), String(high), String(low), '1', String(close)]));
    price = close;
  }
  return lines.join('\n');
}

export async function runSweepBench(workers = 2, candles = 43_200): Promise<SweepBenchRow> {
  const overrides = sweepCombinations(parseSweepSpec(SWEEP_SPEC));
  const base = { candles, combinations: overrides.length, workers };
  try {
    const parsed = parseConfig(CONFIG, 'bench-sweep.yaml');
    if (!parsed.ok) throw parsed.error;
    const series = parseKlinesJsonl(benchKlines(candles), 'bench-30d.jsonl');
    const t0 = performance.now();
    const outcomes = await runSweepPool({ config: parsed.config, series, market: 'DBTC_DUSDT', maxSamples: 2 }, 'DBTC_DUSDT', overrides, { workers });
    const seconds = (performance.now() - t0) / 1000;
    const failed = outcomes.find((o) => !o.ok);
    const fills = outcomes.reduce((n, o) => n + (o.ok ? o.grid.fills : 0), 0);
    return { ...base, seconds, fills, status: failed && !failed.ok ? `failed: ${failed.message}` : 'ok' };
  } catch (e) {
    return { ...base, seconds: NaN, fills: 0, status: `failed: ${reasonOf(e)}` };
  }
}

export function sweepBenchTable(rows: readonly SweepBenchRow[]): string {
  return table(
    ['sweep', 'candles', 'workers', 'seconds', `target ≤ ${SWEEP_TARGET_S} s`, 'fills (all runs)', 'status'],
    rows.map((r) => [
      `${r.combinations} points (${SWEEP_SPEC})`,
      String(r.candles),
      String(r.workers),
      Number.isFinite(r.seconds) ? r.seconds.toFixed(1) : '—',
      r.status === 'ok' ? (r.seconds <= SWEEP_TARGET_S ? 'met' : 'not met') : '—',
      String(r.fills),
      r.status,
    ]),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const row = await runSweepBench(Number(arg('workers') ?? 2), Number(arg('candles') ?? 43_200));
  process.stdout.write(`${sweepBenchTable([row])}\n`);
}
