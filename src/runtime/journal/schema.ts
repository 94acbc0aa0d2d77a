/**
 * The journal's SQLite schema and connection settings.
 *
 * Durability: WAL with `synchronous = NORMAL`. A commit is written to the WAL file before the call
 * returns, so it survives the process being killed (SIGKILL, a crash, OOM): the bytes are in the
 * OS page cache. Only a power loss or kernel panic can lose the last transactions (the WAL is
 * fsynced at checkpoints, not per commit); `FULL` would fsync every event and cost ~1 ms each, far
 * above the fill → counter-order budget (PERF.md).
 *
 * Cost: every table written on the hot path has a single b-tree (rowid, or WITHOUT ROWID on its
 * natural key): each extra index is one more WAL page written per event.
 *
 * Money (prices, amounts, fees, PnL) is TEXT holding exact decimal strings, never REAL.
 * Timestamps are epoch ms INTEGERs, except a deal's `time`, which is WhiteBIT's float seconds.
 *
 * The event log grows without bound: compaction (dropping runs older than the latest checkpoint)
 * is not done yet.
 *
 * Versions: 1 the tables below without `identity` and `run_figures`; 2 adds `identity` (the exchange
 * and account the journal belongs to, identity.ts) and `run_figures` (each run's figures per market,
 * runtime/report/fleet-figures.ts) and `report_mark` (how far the reporting tables were derived), and marks the file with {@link JOURNAL_APPLICATION_ID}. A version-1
 * journal is migrated in place on open (the tables added, the id set; nothing else changes) and is
 * stamped with the identity of the run that opens it (journal.ts `claimIdentity`). 3 changes no
 * table: it says the file may have a tail file beside it (tail-log.ts) holding its last events, which
 * a gridbot of version 2 would not read, so that one refuses it instead of restoring a book without
 * them; a version-2 journal is version 3 once opened. A newer version is refused.
 */
import type { Database } from 'better-sqlite3';
import { JournalCorruptError } from './journal-errors.js';
import { JOURNAL_APPLICATION_ID } from './journal-file.js';

export const SCHEMA_VERSION = 3;

const DDL = `
CREATE TABLE IF NOT EXISTS lock (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  pid         INTEGER NOT NULL,
  host        TEXT    NOT NULL,
  started_at  INTEGER NOT NULL,
  token       TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at  INTEGER NOT NULL,
  pid         INTEGER NOT NULL,
  host        TEXT    NOT NULL
);
-- One row per market actor start: the input it started from. Its events follow it, by seq, all
-- with ids from first_event_id on (ids only grow), so replay reads a rowid range and the hot
-- INSERT maintains no secondary index.
CREATE TABLE IF NOT EXISTS checkpoints (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id         INTEGER NOT NULL,
  market         TEXT    NOT NULL,
  input          TEXT    NOT NULL,
  first_event_id INTEGER NOT NULL,
  at             INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS checkpoints_by_market ON checkpoints (market, id);
CREATE TABLE IF NOT EXISTS events (
  -- No AUTOINCREMENT (it writes sqlite_sequence per insert): ids are max + 1, growing while the
  -- newest rows are never deleted. Compaction must keep that (delete old runs only).
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER NOT NULL,
  market        TEXT    NOT NULL,
  checkpoint_id INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  type          TEXT    NOT NULL,
  payload       TEXT    NOT NULL,
  at            INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  client_order_id TEXT PRIMARY KEY,
  market      TEXT    NOT NULL,
  run_id      INTEGER NOT NULL,
  order_id    INTEGER,
  level       INTEGER,
  side        TEXT,
  price       TEXT,
  amount      TEXT,
  status      TEXT    NOT NULL CHECK (status IN ('sending', 'notSent', 'live', 'unknown', 'rejected', 'filled', 'cancelled')),
  reason      TEXT,
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fills (
  market      TEXT    NOT NULL,
  deal_id     INTEGER NOT NULL,
  order_id    INTEGER NOT NULL,
  client_order_id TEXT NOT NULL,
  side        TEXT    NOT NULL,
  price       TEXT    NOT NULL,
  amount      TEXT    NOT NULL,
  fee         TEXT    NOT NULL,
  fee_asset   TEXT    NOT NULL,
  time        REAL    NOT NULL,
  run_id      INTEGER NOT NULL,
  PRIMARY KEY (market, deal_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS transitions (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL,
  actor_id    TEXT    NOT NULL,
  from_state  TEXT,
  to_state    TEXT    NOT NULL,
  event_type  TEXT    NOT NULL,
  at          INTEGER NOT NULL
);
-- What each run added per market (runtime/report/fleet-figures.ts): all time is the sum of the rows.
CREATE TABLE IF NOT EXISTS run_figures (
  run_id      INTEGER NOT NULL,
  market      TEXT    NOT NULL,
  quote_asset TEXT,
  fills       INTEGER NOT NULL,
  realised    TEXT    NOT NULL,
  fees        TEXT    NOT NULL,
  inventory   TEXT    NOT NULL,
  stop_reason TEXT,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (run_id, market)
) WITHOUT ROWID;
-- Version 2: the last market event the reporting tables were derived from (journal.ts). They are
-- written up to 250 ms after their events; a run that opens the journal derives them from the
-- events after the mark first, so a bot killed before its reporting write loses no row.
CREATE TABLE IF NOT EXISTS report_mark (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  event_id INTEGER NOT NULL
);
-- Version 2: the one exchange and account this journal belongs to (identity.ts); no row until the
-- first run claims it. Never the key: a fingerprint of it.
CREATE TABLE IF NOT EXISTS identity (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  exchange        TEXT    NOT NULL,
  endpoint        TEXT    NOT NULL,
  account         TEXT,
  key_fingerprint TEXT    NOT NULL,
  stamped_at      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pnl (
  market      TEXT PRIMARY KEY,
  run_id      INTEGER NOT NULL,
  realised    TEXT    NOT NULL,
  fees        TEXT    NOT NULL,
  inventory   TEXT    NOT NULL,
  updated_at  INTEGER NOT NULL
);
`;

/**
 * Sets the connection up (WAL, NORMAL sync, busy timeout) and creates or checks the schema.
 * @throws JournalCorruptError when a newer gridbot wrote the file
 */
export function prepareSchema(db: Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new JournalCorruptError(`journal: schema version ${version} is newer than this gridbot's (${SCHEMA_VERSION})`);
  }
  db.transaction(() => {
    db.exec(DDL);
    db.pragma(`application_id = ${JOURNAL_APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
