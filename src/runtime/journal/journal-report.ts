/**
 * A read-only view of a journal for `gridbot status`: per-market figures of the last run and of all
 * runs (the rows each run wrote with fleet-figures.ts, the module every live surface uses), orders
 * by status, and whether a bot holds the journal now (`lockState`, the rule doctor and the lock
 * itself use). It never takes the lock and never writes, so it works beside a running bot (WAL
 * readers do not block the writer).
 */
import Database from 'better-sqlite3';
import { type FigureRow, type FigureSet, NO_FIGURES, sumFigureRows } from '../report/fleet-figures.js';
import { type ReplayedRunFigures, replayedRunFigures, runsWithoutFigures } from '../report/prior-figures.js';
import type { ExchangeIdentity } from './identity.js';
import { type LockState, lockState } from './instance-lock.js';
import { bookOfRun, forEachRunWithoutFigures, readLastMarketRun, tailRowsPast } from './journal.js';
import type { LevelBook } from '../../grid/index.js';

export interface MarketReport {
  readonly market: string;
  /** The market actor's last recorded lifecycle state. */
  readonly state: string | null;
  readonly stateSince: number | null;
  /** Orders the journal last saw resting on the exchange, or may rest there (`live`; `unknown` or `sending`: sent, outcome never learned). */
  readonly restingOrders: number;
  /**
   * Levels the journal's last run left waiting for price (refused as post-only, placed again once the price
   * lets them rest as maker: grid/price-wait.ts), from the replayed book; 0 when the run stopped in order.
   */
  readonly waitingForPrice: number;
  /** Orders (not fills) by their last status: an order filled in three deals is one `filled` order. */
  readonly ordersByStatus: Readonly<Record<string, number>>;
  /** The asset PnL and fees are in (null when no run recorded figures). */
  readonly quoteAsset: string | null;
  /** What the journal's last run (`lastRunId`) added: fills, PnL net of fees, fees, inventory. */
  readonly lastRun: FigureSet;
  /** Every run of the journal. */
  readonly allTime: FigureSet;
  /** Why the market stopped in the last run that recorded figures; null when it did not stop (it trades, or was killed). */
  readonly stopReason: string | null;
}

export interface JournalReport {
  readonly path: string;
  readonly runs: number;
  /** The latest run's id and start (epoch ms); null for a journal no run opened. */
  readonly lastRunId: number | null;
  readonly lastRunAt: number | null;
  /** The process holding the journal, if its lock row is present. */
  readonly heldBy: { readonly pid: number; readonly host: string; readonly startedAt: number } | null;
  /** What the lock row means: a bot running, or a stale row left by one that died (see `lockState`). */
  readonly lock: LockState;
  /** Epoch ms of the last thing any run journaled (an event or a state change); null for an empty journal. */
  readonly lastActivityAt: number | null;
  readonly markets: readonly MarketReport[];
  /** The exchange and account the journal belongs to (identity.ts); null before a run recorded one. */
  readonly identity: ExchangeIdentity | null;
}

/** Orders of the book that rest on the exchange or may (sent, outcome never learned). */
function restingInBook(book: LevelBook): number {
  let n = 0;
  for (const o of book.orders.values()) if (o.state === 'live' || o.state === 'unknown' || o.state === 'sending') n += 1;
  return n;
}

/** True when the market's last journaled state is its clean end (`lifecycle.stopped`: the stop went through). */
function stoppedInOrder(state: string | null): boolean {
  return state !== null && state.split(' | ').includes('lifecycle.stopped');
}

/** Reads the report; throws when the file is missing or is not a gridbot journal. */
export function readJournalReport(path: string): JournalReport {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const lock = db.prepare('SELECT pid, host, started_at AS startedAt FROM lock WHERE id = 1').get() as JournalReport['heldBy'] | undefined;
    const runs = (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
    // Events of the tail file its bot has not filed yet (it runs, or was killed before): as a start would file them.
    const tail = tailRowsPast(db, path);
    const tableActivityAt = (
      db.prepare('SELECT MAX(at) AS at FROM (SELECT MAX(at) AS at FROM events UNION ALL SELECT MAX(at) FROM transitions)').get() as { at: number | null }
    ).at;
    const lastActivityAt = tail.reduce<number | null>((a, r) => (a === null || r.at > a ? r.at : a), tableActivityAt);
    const markets = new Set<string>();
    for (const r of db.prepare('SELECT DISTINCT market FROM checkpoints').all() as { market: string }[]) markets.add(r.market);
    const lastRunRow = db.prepare('SELECT id, started_at AS at FROM runs ORDER BY id DESC LIMIT 1').get() as { id: number; at: number } | undefined;
    const lastRunId = lastRunRow?.id ?? null;
    // A journal written before figures were recorded has no such table (and this reader never writes).
    const hasFigures = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_figures'").get() !== undefined;
    const figureRows = hasFigures
      ? (db
          .prepare(
            'SELECT run_id AS runId, market, quote_asset AS quoteAsset, fills, realised, fees, inventory, stop_reason AS stopReason FROM run_figures ORDER BY run_id',
          )
          .all() as ReportRow[])
      : [];
    const orders = new Map<string, Record<string, number>>();
    for (const r of db.prepare('SELECT market, status, COUNT(*) AS n FROM orders GROUP BY market, status').all() as {
      market: string;
      status: string;
      n: number;
    }[]) {
      orders.set(r.market, { ...(orders.get(r.market) ?? {}), [r.status]: r.n });
    }
    const lastState = db.prepare('SELECT to_state AS state, at FROM transitions WHERE actor_id = ? ORDER BY id DESC LIMIT 1');
    const report: MarketReport[] = [...markets].sort().map((market) => {
      const st = lastState.get(`market:${market}`) as { state: string; at: number } | undefined;
      const byStatus = orders.get(market) ?? {};
      // The market's last run is replayed from its events, as the next start settles it (prior-figures.ts):
      // a run killed before its last reporting write left its row behind.
      const lastCheckpoint = readLastMarketRun(db, market, tail);
      const endBook = lastCheckpoint === null ? null : bookOfRun(lastCheckpoint);
      const replayed = lastCheckpoint === null ? null : replayedRunFigures(lastCheckpoint, endBook);
      const rows = figureRows.filter((r) => r.market === market && r.runId !== replayed?.runId);
      // Runs that never got a row (all of a journal written before figures were recorded): replayed here, as a start would.
      for (const earlier of runsWithoutFigures((fn) => forEachRunWithoutFigures(db, market, fn, tail), lastCheckpoint?.checkpointId ?? null)) {
        if (earlier.runId !== replayed?.runId) rows.push(rowOf(earlier, market, null));
      }
      if (replayed !== null) {
        const kept = figureRows.find((r) => r.market === market && r.runId === replayed.runId);
        rows.push(rowOf(replayed, market, kept?.stopReason ?? null));
      }
      rows.sort((a, b) => a.runId - b.runId);
      const latest = rows.at(-1);
      const last = latest !== undefined && latest.runId === lastRunId ? sumFigureRows([latest]) : NO_FIGURES;
      return {
        market,
        state: st?.state ?? null,
        stateSince: st?.at ?? null,
        // From the replayed book when the run did not stop in order: the orders table is reporting, written up
        // to 250 ms late, so a bot killed right after placing has its orders in the events only. A run that
        // stopped in order wrote the table at its close, and the table knows what the stop's cancel-all ended
        // even when the exchange's pushes of those cancels were lost (the book, learning only from them, does not).
        restingOrders:
          endBook !== null && !stoppedInOrder(st?.state ?? null)
            ? restingInBook(endBook)
            : (byStatus.live ?? 0) + (byStatus.unknown ?? 0) + (byStatus.sending ?? 0),
        waitingForPrice: endBook !== null && !stoppedInOrder(st?.state ?? null) ? endBook.waiting.size : 0,
        ordersByStatus: byStatus,
        quoteAsset: rows.findLast((r) => r.quoteAsset !== null)?.quoteAsset ?? null,
        lastRun: last,
        allTime: sumFigureRows(rows),
        stopReason: latest?.stopReason ?? null,
      };
    });
    const identity = readIdentity(db);
    return {
      path,
      runs,
      lastRunId,
      lastRunAt: lastRunRow?.at ?? null,
      heldBy: lock ?? null,
      lock: lockState(lock ?? null),
      lastActivityAt,
      markets: report,
      identity,
    };
  } finally {
    db.close();
  }
}

/** The journal's recorded identity; null when none was recorded (or the file predates the table: version 1). */
function readIdentity(db: Database.Database): ExchangeIdentity | null {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'identity'").get() === undefined) return null;
  const row = db.prepare('SELECT exchange, endpoint, account, key_fingerprint AS keyFingerprint FROM identity WHERE id = 1').get() as
    ExchangeIdentity | undefined;
  return row ?? null;
}

type ReportRow = FigureRow & { runId: number; market: string; quoteAsset: string | null; stopReason: string | null };

/** A run's replayed figures as a row of the report. */
function rowOf(r: ReplayedRunFigures, market: string, stopReason: string | null): ReportRow {
  const f = r.figures;
  return {
    runId: r.runId,
    market,
    quoteAsset: r.quoteAsset,
    fills: f.fills,
    realised: f.realisedQuote,
    fees: f.feesQuote,
    inventory: f.inventoryBase,
    stopReason,
  };
}
