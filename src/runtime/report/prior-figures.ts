/**
 * A market's figures from the journal's earlier runs, the base of its all-time figures
 * (fleet-figures.ts), read once at start.
 *
 * Why the last run is settled first: each run writes its `run_figures` row after its turns, as
 * reporting, so a run killed by SIGKILL can leave a row a few fills behind its journaled events. The
 * events are the truth: the last run's figures are recomputed from its replayed book (the book it
 * ended with, minus the book it started from) and written back before the sum is taken.
 *
 * Why earlier runs without a row are derived too: a journal written before `run_figures` existed
 * (schema version 1) has none for any run, and its all-time figures would silently start at the
 * first run of this version. Each such run is replayed from its events once, at the first start
 * that finds it (`runsWithoutFigures`), and its row written; `gridbot status`, which never writes,
 * derives them in memory the same way.
 *
 * Entry points: `priorFiguresAtStart`, `replayedRunFigures` (what `gridbot status` uses for the last
 * run, for the same reason), `runsWithoutFigures`.
 */
import type { LevelBook } from '../../grid/index.js';
import { type Journal, type MarketRunRecord, bookOfRun } from '../journal/journal.js';
import { type FigureSet, addFigures, bookTotals, subtractFigures } from './fleet-figures.js';

/** What one journaled run added to a market's figures, from its events. */
export interface ReplayedRunFigures {
  readonly runId: number;
  readonly figures: FigureSet;
  readonly quoteAsset: string;
}

/**
 * Returns what the run of `last` (a market's latest checkpoint and its events) added: the book it
 * ended with minus the book it started from. `endBook`: that book when the caller replayed it
 * already. Null when the run never had a book.
 */
export function replayedRunFigures(last: MarketRunRecord, endBook: LevelBook | null = null): ReplayedRunFigures | null {
  const end = endBook ?? bookOfRun(last);
  if (end === null) return null;
  return { runId: last.runId, figures: subtractFigures(bookTotals(end), bookTotals(last.input.restore)), quoteAsset: end.rules.quoteAsset };
}

/**
 * Returns what each run without a `run_figures` row added (several checkpoints of one run summed),
 * replayed from the checkpoints `each` hands over; `skip`: a checkpoint id the caller replays itself.
 */
export function runsWithoutFigures(each: (fn: (run: MarketRunRecord) => void) => void, skip: number | null = null): ReplayedRunFigures[] {
  const byRun = new Map<number, ReplayedRunFigures>();
  each((run) => {
    if (run.checkpointId === skip) return;
    const r = replayedRunFigures(run);
    if (r === null) return;
    const before = byRun.get(r.runId);
    byRun.set(r.runId, before === undefined ? r : { ...r, figures: addFigures(before.figures, r.figures) });
  });
  return [...byRun.values()];
}

/**
 * Returns the sum of `market`'s earlier runs' figures, after settling its last run's row from
 * `last` (the journal's last checkpoint of the market and its events). `endBook` is that run's
 * replayed book when the caller has it already (null: replayed here).
 */
export function priorFiguresAtStart(
  journal: Pick<Journal, 'priorFigures' | 'settleRunFigures' | 'forEachRunWithoutFigures'>,
  market: string,
  last: MarketRunRecord | null,
  endBook: LevelBook | null,
): FigureSet {
  for (const earlier of runsWithoutFigures((fn) => journal.forEachRunWithoutFigures(market, fn), last?.checkpointId ?? null)) {
    journal.settleRunFigures(earlier.runId, market, earlier.figures, earlier.quoteAsset);
  }
  const run = last === null ? null : replayedRunFigures(last, endBook);
  if (run !== null) journal.settleRunFigures(run.runId, market, run.figures, run.quoteAsset);
  return journal.priorFigures(market);
}
