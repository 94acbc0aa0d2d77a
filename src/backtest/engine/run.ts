/** The engine behind `runBacktest` (stub until the engine lands). */
import type { BacktestReport, BacktestRequest } from '../api.js';
import { BacktestInputError } from '../errors.js';

export async function runBacktestEngine(_request: BacktestRequest): Promise<BacktestReport> {
  throw new BacktestInputError('series', 'the backtest engine is not built yet');
}
