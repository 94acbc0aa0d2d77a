/**
 * Runs a sweep's combinations on a pool of worker threads (node:worker_threads), each running the
 * backtest engine for one combination at a time; the pool hands the next combination to whichever
 * worker answers first. The base request (config and price series) is copied to each worker once.
 *
 * The worker entry is `worker.js` next to this file when it exists (the CLI runs from dist), else
 * `worker.ts` (the sources, under vitest): then the caller passes `execArgv` with a TS loader.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BacktestRequest, GridOverride } from '../backtest/api.js';
import type { SweepOutcome, SweepTask, SweepWorkerData } from './messages.js';

export interface SweepPoolOptions {
  /** Worker threads; default: the cores available. Never more than there are combinations. */
  readonly workers?: number;
  /** Node options for each worker (a TS loader when running from the sources). */
  readonly execArgv?: readonly string[];
  /** Called as each combination finishes (progress). */
  readonly onOutcome?: (o: SweepOutcome, done: number, total: number) => void;
}

/** The default `--workers`: the cores this process may use. */
export const defaultWorkers = (): number => availableParallelism();

/** Returns the worker entry: the compiled `worker.js` beside this module, or `worker.ts` in the sources. */
export function workerEntry(): URL {
  const js = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL('./worker.ts', import.meta.url);
}

/**
 * Runs `base` once per override of `market` and resolves to the outcomes in override order. A
 * worker that dies (not an error inside a run: those are outcomes) rejects the whole sweep.
 */
export async function runSweepPool(
  base: Omit<BacktestRequest, 'overrides'>,
  market: string,
  overrides: readonly GridOverride[],
  options: SweepPoolOptions = {},
): Promise<SweepOutcome[]> {
  const total = overrides.length;
  const outcomes: (SweepOutcome | undefined)[] = new Array<SweepOutcome | undefined>(total);
  if (total === 0) return [];
  const size = Math.max(1, Math.min(options.workers ?? defaultWorkers(), total));
  const data: SweepWorkerData = { base, market };
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker): void => {
        if (next >= total) return;
        const task: SweepTask = { index: next, override: overrides[next] as GridOverride };
        next++;
        w.postMessage(task);
      };
      for (let i = 0; i < size; i++) {
        const w = new Worker(workerEntry(), { workerData: data, execArgv: [...(options.execArgv ?? [])] });
        workers.push(w);
        w.on('message', (o: SweepOutcome) => {
          outcomes[o.index] = o;
          done++;
          options.onOutcome?.(o, done, total);
          if (done === total) resolve();
          else feed(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (done < total) reject(new Error(`a sweep worker exited (code ${code}) with ${total - done} combinations left`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return outcomes as SweepOutcome[];
}
