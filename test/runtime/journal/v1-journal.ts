/**
 * Journals as gridbot wrote them at schema version 1 (before group commit, exchange identities and
 * `run_figures`), built here with the version-1 SQL, frozen: the fixtures of the migration tests.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { AnyEventObject } from 'xstate';
import type { MarketInput } from '../../../src/machines/market/market.types.js';
import { encodeCheckpoint } from '../../../src/runtime/journal/checkpoint-codec.js';
import { encodeValue } from '../../../src/runtime/journal/value-codec.js';

/** The schema as gridbot wrote it at version 1 (the tables replay and reports read). */
export const V1_DDL = `
CREATE TABLE lock (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, started_at INTEGER NOT NULL, token TEXT NOT NULL);
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL);
CREATE TABLE checkpoints (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL, market TEXT NOT NULL, input TEXT NOT NULL, first_event_id INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX checkpoints_by_market ON checkpoints (market, id);
CREATE TABLE events (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, market TEXT NOT NULL, checkpoint_id INTEGER NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE orders (client_order_id TEXT PRIMARY KEY, market TEXT NOT NULL, run_id INTEGER NOT NULL, order_id INTEGER, level INTEGER, side TEXT, price TEXT, amount TEXT,
  status TEXT NOT NULL CHECK (status IN ('sending', 'notSent', 'live', 'unknown', 'rejected', 'filled', 'cancelled')), reason TEXT, updated_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE fills (market TEXT NOT NULL, deal_id INTEGER NOT NULL, order_id INTEGER NOT NULL, client_order_id TEXT NOT NULL, side TEXT NOT NULL, price TEXT NOT NULL,
  amount TEXT NOT NULL, fee TEXT NOT NULL, fee_asset TEXT NOT NULL, time REAL NOT NULL, run_id INTEGER NOT NULL, PRIMARY KEY (market, deal_id)) WITHOUT ROWID;
CREATE TABLE transitions (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, actor_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, event_type TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE pnl (market TEXT PRIMARY KEY, run_id INTEGER NOT NULL, realised TEXT NOT NULL, fees TEXT NOT NULL, inventory TEXT NOT NULL, updated_at INTEGER NOT NULL);
`;

/** One market run to write: the checkpoint's input and its events. */
export interface V1Run {
  readonly input: MarketInput;
  readonly events: readonly AnyEventObject[];
}

/** Writes `runs` (run ids 1, 2, …, one checkpoint each) to a new version-1 journal at `path`, the way version 1 did: one transaction per event. */
export function writeV1Runs(path: string, runs: readonly V1Run[]): void {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.exec(V1_DDL);
  db.pragma('user_version = 1');
  const insert = db.prepare('INSERT INTO events (run_id, market, checkpoint_id, seq, type, payload, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  runs.forEach((run, k) => {
    const runId = k + 1;
    db.prepare('INSERT INTO runs (started_at, pid, host) VALUES (?, 1, ?)').run(runId, 'old-host');
    const cp = db.prepare('INSERT INTO checkpoints (run_id, market, input, first_event_id, at) VALUES (?, ?, ?, ?, ?)');
    const next = ((db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null }).id ?? 0) + 1;
    const checkpointId = Number(cp.run(runId, run.input.market, encodeCheckpoint(run.input), next, runId).lastInsertRowid);
    const one = db.transaction((seq: number, e: AnyEventObject) => insert.run(runId, run.input.market, checkpointId, seq, e.type, encodeValue(e), runId));
    run.events.forEach((e, seq) => one(seq, e));
  });
  for (const market of new Set(runs.map((r) => r.input.market))) db.prepare("INSERT INTO pnl VALUES (?, ?, '0', '0', '0', 1)").run(market, runs.length);
  db.close();
}
