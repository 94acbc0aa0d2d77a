/**
 * A sweep worker thread: runs `runBacktest` for each override the parent sends, one at a time, and
 * answers with the grid's figures. Loaded from dist as JavaScript (`gridbot backtest --sweep`), or
 * from the TypeScript sources under a TS loader in tests (pool.ts `workerEntry`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BacktestInputError, runBacktest } from '../backtest/api.js';
import type { SweepOutcome, SweepTask, SweepWorkerData } from './messages.js';

const data = workerData as SweepWorkerData;
const port = parentPort;
if (port === null) throw new Error('sweep worker: not started as a worker thread');

port.on('message', (task: SweepTask) => {
  void runOne(task).then((outcome) => port.postMessage(outcome));
});

async function runOne(task: SweepTask): Promise<SweepOutcome> {
  try {
    const report = await runBacktest({ ...data.base, market: data.market, overrides: { [data.market]: task.override }, journal: null });
    const grid = report.grids.find((g) => g.market === data.market);
    if (!grid) return { index: task.index, ok: false, input: false, message: `the backtest ran no grid for ${data.market}` };
    const { samples: _samples, fillList: _fills, ...figures } = grid;
    return { index: task.index, ok: true, grid: figures };
  } catch (e) {
    return { index: task.index, ok: false, input: e instanceof BacktestInputError, message: e instanceof Error ? e.message : String(e) };
  }
}
