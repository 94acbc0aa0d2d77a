/**
 * The engine behind `runBacktest`: checks the request, builds the path once, and runs each selected
 * grid on its own engine and clock, one after another.
 */
import { DEFAULT_MAX_SAMPLES, type BacktestReport, type BacktestRequest } from '../api.js';
import { seriesSpan, sliceSeries } from '../data/index.js';
import { BacktestInputError } from '../errors.js';
import { NO_JOURNAL, openBacktestJournal } from './backtest-journal.js';
import { selectGrids } from './grid-select.js';
import { runGrid } from './grid-run.js';
import { pricePath } from './price-path.js';

export async function runBacktestEngine(request: BacktestRequest): Promise<BacktestReport> {
  const t0 = performance.now();
  const { fromMs, toMs } = request;
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    throw new BacktestInputError('fromMs', `--from (${new Date(fromMs).toISOString()}) must be before --to (${new Date(toMs).toISOString()})`);
  }
  const series = sliceSeries(request.series, fromMs ?? null, toMs ?? null);
  const span = seriesSpan(series);
  if (span === null) {
    const whole = seriesSpan(request.series);
    const has = whole ? ` (it holds ${new Date(whole.fromMs).toISOString()} to ${new Date(whole.toMs).toISOString()})` : '';
    throw new BacktestInputError('series', `${series.file}: no ${series.kind} between --from and --to${has}`);
  }
  const only = request.market ?? (series.market !== null && request.config.markets.some((m) => m.market === series.market) ? series.market : null);
  const grids = selectGrids(request.config, only, request.overrides ?? {}, request.markets);
  const path = pricePath(series);
  const report = [];
  const journal = request.journal === null ? NO_JOURNAL : openBacktestJournal(request.journal ?? null, series.file, span.fromMs);
  try {
    for (const g of grids) report.push(await runGrid(g, path, request.maxSamples ?? DEFAULT_MAX_SAMPLES, journal));
  } finally {
    journal.close();
  }
  return {
    data: {
      file: series.file,
      kind: series.kind,
      points: series.kind === 'candles' ? series.candles.length : series.trades.length,
      fromMs: span.fromMs,
      toMs: span.toMs,
    },
    grids: report,
    wallMs: performance.now() - t0,
  };
}
