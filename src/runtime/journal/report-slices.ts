/**
 * The journal hook's reporting write, in slices of bounded cost, one slice per after-turn phase.
 *
 * Why: the reporting rows of 250 ms (inspect-hook.ts) were written in one piece: at 100 fills/s a
 * write of ~1.3 ms of CPU, at 1,000 fills/s ~4 ms (p99 ~11 ms), plus every market's PnL read from
 * its actor. A fill frame that arrived meanwhile waited in the socket for all of it, and so did a
 * frame read in an earlier turn and waiting for its check phase (turn-order.ts rule 1). Written in
 * slices, each slice in its own after-turn phase, the event loop polls for I/O between slices, so
 * such a frame waits for one slice at most.
 *
 * A write reads the PnL of the markets that journaled an event since the last one (at most
 * `markets` per slice), then hands the journal's round over in slices of at most `rows` rows and
 * `budgetMs` of time, the PnL reads of the slice included (journal.ts `writeReportSlice`: rows
 * stay in order, each slice is committed with its `report_mark`, so a SIGKILL between slices loses
 * nothing the next open does not derive again). A write asked while one is in progress follows it.
 *
 * Why time as well as rows: rows do not cost the same (an order row met again is an UPDATE of a
 * page in the cache, a new one an insert into the table and its indexes; a reconcile snapshot is a
 * row per order it lists), and a busy machine makes all of them slower (the exchange's process
 * and the checkpoint worker share its cores): a slice of 64 rows took 0.5-0.7 ms at the median and
 * up to 3-4 ms (50 markets x 1,000 fills/s). A time bound stops a slice that runs slow, so a frame
 * that arrives meanwhile waits for a bounded part of it.
 *
 * Frames come first (turn-order.ts rule 5): while frames read already wait in a socket's backlog,
 * a slice is put off to the next after-turn phase, for at most `yieldMs` from the write's start and
 * while fewer than `yieldReports` reports wait queued behind the write's round; past either bound
 * its slices run one per phase whether frames wait or not. So the rows of a write reach the tables
 * at most `yieldMs` later than they would have, and a bot that never stops having a backlog (it
 * cannot keep up) still writes them, before they pile up to the journal's cap (`REPORTS_CAP`,
 * where the journal writes them all at once, on a fill's path).
 *
 * Entry point: `reportWriter`.
 */
import { framesWaiting } from '../turn/turn-order.js';
import type { Journal } from './journal.js';

/** The bound of one slice. */
export interface ReportSlice {
  /** Most rows one slice writes (journal.ts `reportCost`). */
  readonly rows: number;
  /** Most markets whose PnL one slice reads from their actors. */
  readonly markets: number;
  /** After this long (ms, from the slice's start) it writes no further row; its commit follows. */
  readonly budgetMs: number;
  /** How long (ms, from a write's start) its slices give way to frames waiting in a backlog. */
  readonly yieldMs: number;
  /** Its slices stop giving way once this many reports wait queued behind its round (journal.ts `reportsQueued`). */
  readonly yieldReports: number;
}

/**
 * Measured at 50 markets x 1,000 fills/s on the shared 2-core VM: a slice of 64 rows took ~0.7 ms
 * at the median (~0.25 deriving and inserting the rows, ~0.25 writing the merged orders, ~0.15 the
 * commit) and up to 3-4 ms, with no GC pause inside any: the long ones were one part stretched, by
 * the machine (the exchange's process and the checkpoint worker share its two cores) or by the
 * writer lock (a slice's BEGIN waits while the worker restarts the WAL: up to ~8 ms on a loaded
 * machine). The time bound counts the first part (the rows are derived and inserted one by one;
 * the orders are written after them and cost about as much again): 0.5 ms, above that part's p90
 * (~0.43), stops a slice that runs slow at ~1.2 ms in all and leaves the others to the rows bound
 * (with 0.3 ms a run wrote 327 slices, and commits, where the one before it wrote 257). Rows: 64
 * keeps a slice under a millisecond when they are fast; a larger bound saves a share of the commit
 * (~2 µs a row) for a longer wait of any frame that arrives during the slice. Yield: a pause's
 * backlog (a GC of 5-15 ms) is routed within ~10-30 ms, but a burst (every one of 500 markets fills
 * at once; the simulator sends the fills over 200-700 ms on the shared VM) keeps a backlog for its
 * whole span: with 50 ms, a write begun in it ran a slice (0.5-1.2 ms) between every two backlog
 * batches (~1 ms) for the rest of the burst, ~25 of the ~240 ms from its last fill frame to its
 * last counter-order (issue 13). 1,000 ms covers a burst. The count bound keeps a bot that cannot
 * keep up from reaching the journal's cap of 4,096 (~800 fills' reports at ~5 a fill): past 3,072
 * its slices (64 rows each, one per phase) outpace the reports a backlog batch adds (~20).
 */
export const REPORT_SLICE: ReportSlice = { rows: 64, markets: 16, budgetMs: 0.5, yieldMs: 1000, yieldReports: 3072 };

/** What a writer's slices look at; defaults `performance.now` and turn-order.ts `framesWaiting`. */
export interface SliceSignals {
  /** Milliseconds, for the slices' time bounds. */
  readonly now?: () => number;
  /** True while frames read already wait to be routed (turn-order.ts rule 5). */
  readonly framesWaiting?: () => boolean;
}

export interface ReportWriter {
  /** Starts a write (sliced), or, while one is in progress, asks for another after it. */
  write(): void;
  /** Writes everything now, in one piece (before the journal closes). */
  writeAll(): void;
}

/**
 * Returns the writer of `journal`'s reporting rows. `dirty` holds the markets whose PnL is due
 * (the hook adds to it); `recordPnl` reads one market's PnL into the journal; `next` schedules the
 * next slice (null: every write is one piece); `again` is called when a write asked during another
 * is due; `signals` the clock and the backlog its slices look at. A journal without
 * `reportsQueued` (a test's sink) never counts as full.
 */
export function reportWriter(
  journal: Pick<Journal, 'writeReports' | 'writeReportSlice'> & Partial<Pick<Journal, 'reportsQueued'>>,
  dirty: Set<string>,
  recordPnl: (market: string) => void,
  next: ((slice: () => void) => void) | null,
  bound: ReportSlice,
  again: () => void,
  signals: SliceSignals = {},
): ReportWriter {
  const now = signals.now ?? (() => performance.now());
  const waiting = signals.framesWaiting ?? framesWaiting;
  // Markets whose PnL the write in progress still reads.
  let markets: string[] = [];
  let writing = false;
  let asked = false;
  const finish = (): void => {
    writing = false;
    if (!asked) return;
    asked = false;
    again();
  };
  let until = 0;
  const spent = (): boolean => now() >= until;
  // When the write in progress started: its slices give way to waiting frames until `yieldMs` after.
  let began = 0;
  const slice = (): void => {
    // A journal that does not count its queue (a test's sink) is never full.
    if (next !== null && waiting() && now() - began < bound.yieldMs && (journal.reportsQueued ?? 0) < bound.yieldReports) {
      next(slice);
      return;
    }
    let more: boolean;
    try {
      until = now() + bound.budgetMs;
      const these = markets.length <= bound.markets ? markets : markets.slice(0, bound.markets);
      markets = these === markets ? [] : markets.slice(bound.markets);
      for (const m of these) recordPnl(m);
      more = markets.length > 0 || journal.writeReportSlice(bound.rows, spent);
    } catch (error) {
      finish();
      throw error;
    }
    if (more && next !== null) next(slice);
    else finish();
  };
  const writeAll = (): void => {
    for (const m of markets) recordPnl(m);
    markets = [];
    for (const m of dirty) recordPnl(m);
    dirty.clear();
    journal.writeReports();
  };
  return {
    write: () => {
      if (next === null) {
        writeAll();
        return;
      }
      if (writing) {
        asked = true;
        return;
      }
      writing = true;
      began = now();
      markets = [...dirty];
      dirty.clear();
      slice();
    },
    writeAll,
  };
}
