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
 * `markets` per slice), then hands the journal's round over in slices of at most `rows` rows
 * (journal.ts `writeReportSlice`: rows stay in order, each slice is committed with its
 * `report_mark`, so a SIGKILL between slices loses nothing the next open does not derive again).
 * A write asked while one is in progress follows it.
 *
 * Entry point: `reportWriter`.
 */
import type { Journal } from './journal.js';

/** The bound of one slice. */
export interface ReportSlice {
  /** Most rows one slice writes (journal.ts `reportCost`). */
  readonly rows: number;
  /** Most markets whose PnL one slice reads from their actors. */
  readonly markets: number;
}

/** ~0.5 ms of CPU for the rows on this VM (~8 µs a row), a few hundred µs for the PnL reads. */
export const REPORT_SLICE: ReportSlice = { rows: 64, markets: 16 };

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
 * is due.
 */
export function reportWriter(
  journal: Pick<Journal, 'writeReports' | 'writeReportSlice'>,
  dirty: Set<string>,
  recordPnl: (market: string) => void,
  next: ((slice: () => void) => void) | null,
  bound: ReportSlice,
  again: () => void,
): ReportWriter {
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
  const slice = (): void => {
    let more: boolean;
    try {
      const now = markets.length <= bound.markets ? markets : markets.slice(0, bound.markets);
      markets = now === markets ? [] : markets.slice(bound.markets);
      for (const m of now) recordPnl(m);
      more = markets.length > 0 || journal.writeReportSlice(bound.rows);
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
      markets = [...dirty];
      dirty.clear();
      slice();
    },
    writeAll,
  };
}
