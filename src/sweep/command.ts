/**
 * `gridbot backtest --sweep step=A..B:S,levelsPerSide=X..Y [--workers N] …`: one backtest of one
 * grid per combination, in parallel on worker threads, then a table sorted by PnL (or `--json`) and
 * with `--report FILE` an HTML page with the PnL heatmap. The other options are `gridbot backtest`'s
 * (--config, --data, --market, --from, --to, --json, --report) and mean the same.
 *
 * Every combination is checked against the grid's ladder before any worker starts, so a sweep
 * that cannot run exits 2 at once.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BacktestInputError, type BacktestRequest, type GridOverride } from '../backtest/api.js';
import { type PriceSeries, isPriceDataError, loadPriceSeries, seriesSpan, sliceSeries } from '../backtest/data/index.js';
import { selectGrids } from '../backtest/engine/grid-select.js';
import { SHARED_BACKTEST_OPTIONS, sharedBacktestArgs } from '../runtime/commands/backtest-args.js';
import { problemsIn } from '../runtime/commands/problem-count.js';
import { type RuntimeConfig, formatIssue, isConfigError, loadConfig } from '../runtime/config/index.js';
import { sweepReportHtml } from './heatmap.js';
import { defaultWorkers, runSweepPool } from './pool.js';
import { type SweepRow, sweepRows, sweepTable } from './results.js';
import { SweepSpecError, parseSweepSpec, sweepCombinations } from './spec.js';

export const SWEEP_USAGE = `usage: gridbot backtest --data FILE --sweep SPEC [--config FILE] [--market M] [--from T --to T] [--workers N] [--json] [--report FILE]

  --sweep SPEC     the parameters to vary, e.g. step=100..200:25,levelsPerSide=5..10
                   step: from..to:by (decimals, in the grid's step unit) or one value;
                   levelsPerSide: from..to[:by] (whole numbers, centered ladders only) or one value.
                   Every combination runs (here 5 x 6 = 30 backtests).
  --workers N      worker threads (default: the cores available, ${defaultWorkers()} here)
  --market M       the grid to sweep (needed when the config has several and the data names none)
  --json           one JSON document on stdout instead of the table
  --report FILE    also write an HTML page: PnL heatmap (step x levels per side) and the table

Prints one row per combination, best PnL first: PnL (realised + unrealised, net of fees), realised,
fees, fills, round trips, max drawdown, and how the grid ended.

example: gridbot backtest --data btc-30d.jsonl --market DBTC_DUSDT --sweep step=100..200:25,levelsPerSide=5..10
`;

/** What tests swap: Node options for the workers (a TS loader when running from the sources). */
export interface SweepDeps {
  readonly execArgv?: readonly string[];
}

export async function sweepCommand(args: string[], deps: SweepDeps = {}): Promise<number> {
  const bad = (msg: string): number => {
    process.stderr.write(`gridbot backtest: ${msg}\n\n${SWEEP_USAGE}`);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { ...SHARED_BACKTEST_OPTIONS, sweep: { type: 'string' }, workers: { type: 'string' } },
    }));
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    process.stdout.write(SWEEP_USAGE);
    return 0;
  }
  if (values.sweep === undefined) return bad('--sweep SPEC is required');
  let overrides: GridOverride[];
  try {
    overrides = sweepCombinations(parseSweepSpec(values.sweep));
  } catch (e) {
    if (e instanceof SweepSpecError) return bad(`--sweep ${e.message}`);
    throw e;
  }
  let workers = defaultWorkers();
  if (values.workers !== undefined) {
    if (!/^\d+$/.test(values.workers) || Number(values.workers) < 1 || Number(values.workers) > 256) {
      return bad(`--workers must be a whole number from 1 to 256, got '${values.workers}'`);
    }
    workers = Number(values.workers);
  }
  const shared = sharedBacktestArgs(values);
  if (typeof shared === 'string') return bad(shared);
  const window = { ...(shared.fromMs !== undefined ? { fromMs: shared.fromMs } : {}), ...(shared.toMs !== undefined ? { toMs: shared.toMs } : {}) };

  let config: RuntimeConfig;
  let series: PriceSeries;
  try {
    config = await loadConfig(shared.config);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    for (const issue of e.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    process.stderr.write(`gridbot backtest: ${problemsIn(e.issues.length, shared.config)} (gridbot validate lists them)\n`);
    return 2;
  }
  try {
    series = await loadPriceSeries(shared.data);
  } catch (e) {
    if (!isPriceDataError(e)) throw e;
    process.stderr.write(`gridbot backtest: ${e.message}\n`);
    return 2;
  }
  const grids = config.markets.map((m) => m.market);
  const market = shared.market ?? (series.market !== null && grids.includes(series.market) ? series.market : grids.length === 1 ? grids[0] : undefined);
  if (market === undefined) return bad(`--sweep varies one grid: pass --market (${config.file} has ${grids.join(', ')})`);
  let quoteAsset = '';
  try {
    // The engine's own checks, for every combination, before any worker starts.
    for (const o of overrides) quoteAsset = selectGrids(config, market, { [market]: o })[0]?.market.money ?? '';
  } catch (e) {
    if (e instanceof BacktestInputError) return bad(e.message);
    throw e;
  }
  const sliced = sliceSeries(series, window.fromMs ?? null, window.toMs ?? null);
  const span = seriesSpan(sliced);
  if (span === null) return bad(`${series.file}: no ${series.kind} between --from and --to`);

  const base: Omit<BacktestRequest, 'overrides'> = { config, series, market, ...window };
  const t0 = performance.now();
  const size = Math.min(workers, overrides.length);
  process.stderr.write(`sweep: ${market}, ${overrides.length} combinations on ${size} worker thread${size === 1 ? '' : 's'}\n`);
  const outcomes = await runSweepPool(base, market, overrides, {
    workers,
    ...(deps.execArgv ? { execArgv: deps.execArgv } : {}),
    onOutcome: (o, done, total) => {
      const what = describe(overrides[o.index] ?? {});
      process.stderr.write(`sweep: ${done}/${total} ${what}: ${o.ok ? `pnl ${o.grid.pnlQuote} ${o.grid.quoteAsset}` : `failed: ${o.message}`}\n`);
    },
  });
  const wallMs = performance.now() - t0;
  const inputError = outcomes.find((o) => !o.ok && o.input);
  if (inputError && !inputError.ok) return bad(inputError.message);
  const rows = sweepRows(overrides, outcomes);
  const points = sliced.kind === 'candles' ? sliced.candles.length : sliced.trades.length;
  const about = [
    `data: ${series.file}, ${points} ${sliced.kind}, ${new Date(span.fromMs).toISOString()} to ${new Date(span.toMs).toISOString()}`,
    `grid: ${market} from ${config.file}; ${overrides.length} combinations in ${(wallMs / 1000).toFixed(1)} s on ${size} workers`,
  ];
  const table = sweepTable(rows, quoteAsset);
  if (shared.report !== undefined) {
    writeFileSync(shared.report, sweepReportHtml({ title: `gridbot sweep: ${market}`, lines: about, quoteAsset, rows }, table));
  }
  if (shared.json) {
    const doc = { market, quoteAsset, data: { file: series.file, kind: sliced.kind, points, ...span }, workers: size, wallMs, results: rows.map(jsonRow) };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    process.stdout.write(`${about.join('\n')}\n\n${table}`);
  }
  if (shared.report !== undefined) process.stderr.write(`sweep: report written to ${shared.report}\n`);
  return rows.every((r) => r.ok) ? 0 : 1;
}

const describe = (o: GridOverride): string =>
  [o.step !== undefined ? `step ${o.step}` : '', o.levelsPerSide !== undefined ? `${o.levelsPerSide} per side` : ''].filter(Boolean).join(', ');

function jsonRow(r: SweepRow): object {
  if (!r.ok) return { rank: null, override: r.override, error: r.message };
  const g = r.grid;
  return {
    rank: r.rank,
    override: r.override,
    pnlQuote: g.pnlQuote,
    realisedQuote: g.realisedQuote,
    unrealisedQuote: g.unrealisedQuote,
    feesQuote: g.feesQuote,
    fills: g.fills,
    roundTrips: g.roundTrips,
    maxDrawdownQuote: g.maxDrawdownQuote,
    maxDrawdownPercent: g.maxDrawdownPercent,
    timeInRangePercent: g.timeInRangePercent,
    finalState: g.finalState,
    stopReasons: g.stopReasons,
  };
}
