/**
 * A read-only view of a journal for `gridbot status`: per-market PnL and counts, whether a bot holds
 * the journal now. It never takes the lock and never writes, so it works beside a running bot
 * (WAL readers do not block the writer).
 */
import Database from 'better-sqlite3';
import { type LockState, lockState } from './instance-lock.js';

export interface MarketReport {
  readonly market: string;
  /** The market actor's last recorded lifecycle state. */
  readonly state: string | null;
  readonly stateSince: number | null;
  readonly fills: number;
  readonly liveOrders: number;
  readonly ordersByStatus: Readonly<Record<string, number>>;
  readonly realisedPnl: string | null;
  readonly fees: string | null;
  readonly inventory: string | null;
}

export interface JournalReport {
  readonly path: string;
  readonly runs: number;
  /** The process holding the journal, if its lock row is present. */
  readonly heldBy: { readonly pid: number; readonly host: string; readonly startedAt: number } | null;
  /** What the lock row means: a bot running, or a stale row left by one that died (see `lockState`). */
  readonly lock: LockState;
  /** Epoch ms of the last thing any run journaled (an event or a state change); null for an empty journal. */
  readonly lastActivityAt: number | null;
  readonly markets: readonly MarketReport[];
}

/** Reads the report; throws when the file is missing or is not a gridbot journal. */
export function readJournalReport(path: string): JournalReport {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const lock = db.prepare('SELECT pid, host, started_at AS startedAt FROM lock WHERE id = 1').get() as JournalReport['heldBy'] | undefined;
    const runs = (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
    const lastActivityAt = (
      db.prepare('SELECT MAX(at) AS at FROM (SELECT MAX(at) AS at FROM events UNION ALL SELECT MAX(at) FROM transitions)').get() as { at: number | null }
    ).at;
    const markets = new Set<string>();
    for (const r of db.prepare('SELECT DISTINCT market FROM checkpoints').all() as { market: string }[]) markets.add(r.market);
    const fills = new Map(
      (db.prepare('SELECT market, COUNT(*) AS n FROM fills GROUP BY market').all() as { market: string; n: number }[]).map((r) => [r.market, r.n]),
    );
    const orders = new Map<string, Record<string, number>>();
    for (const r of db.prepare('SELECT market, status, COUNT(*) AS n FROM orders GROUP BY market, status').all() as {
      market: string;
      status: string;
      n: number;
    }[]) {
      orders.set(r.market, { ...(orders.get(r.market) ?? {}), [r.status]: r.n });
    }
    const pnl = new Map(
      (db.prepare('SELECT market, realised, fees, inventory FROM pnl').all() as { market: string; realised: string; fees: string; inventory: string }[]).map(
        (r) => [r.market, r],
      ),
    );
    const lastState = db.prepare('SELECT to_state AS state, at FROM transitions WHERE actor_id = ? ORDER BY id DESC LIMIT 1');
    const report: MarketReport[] = [...markets].sort().map((market) => {
      const st = lastState.get(`market:${market}`) as { state: string; at: number } | undefined;
      const byStatus = orders.get(market) ?? {};
      const p = pnl.get(market);
      return {
        market,
        state: st?.state ?? null,
        stateSince: st?.at ?? null,
        fills: fills.get(market) ?? 0,
        liveOrders: byStatus.live ?? 0,
        ordersByStatus: byStatus,
        realisedPnl: p?.realised ?? null,
        fees: p?.fees ?? null,
        inventory: p?.inventory ?? null,
      };
    });
    return { path, runs, heldBy: lock ?? null, lock: lockState(lock ?? null), lastActivityAt, markets: report };
  } finally {
    db.close();
  }
}
