/**
 * The `events` rows appended since the last write, waiting to be inserted together: a batch's
 * events (about four per fill) become one multi-row INSERT when the batch commits, not one
 * statement each at relay time (journal.ts). What that saves is SQLite's per-statement work (bind,
 * step, reset, the b-tree descent): the rows and pages written are the same.
 *
 * Ids are given here, not by SQLite: the journal has one writer (instance-lock.ts), so the next id
 * is the table's max + 1 read once at open, and an event's id is known when it is appended (the
 * reporting mark needs it, journal.ts `report_mark`) without reading it back after the insert.
 * Ids only grow, as schema.ts requires.
 *
 * With the journal's tail (tail-log.ts), a commit writes the pending rows' lines there first
 * (`tailText`, each row once) and they stay pending until `write` files them.
 *
 * Entry point: `EventRows` (`push`, `write`, `tailText`, `pending`, `notInTail`, `nextId`).
 */
import type { Database, Statement } from 'better-sqlite3';
import { tailLine } from './tail-log.js';

/** More rows than this go in several statements (SQLite's bound-parameter limit is 32766). */
const MAX_ROWS_PER_STATEMENT = 128;
const COLUMNS = 8;

export class EventRows {
  private readonly db: Database;
  /** One prepared INSERT per row count, made the first time that count is written. */
  private readonly inserts = new Map<number, Statement>();
  /** The pending rows' parameters, `COLUMNS` per row, in `INSERT` column order. */
  private params: unknown[] = [];
  /** How many of the pending rows (from the first) are in the tail file already (`tailText`). */
  private inTail = 0;
  private next: number;

  constructor(db: Database) {
    this.db = db;
    this.next = ((db.prepare('SELECT max(id) FROM events').pluck().get() as number | null) ?? 0) + 1;
  }

  /** The id the next pushed row gets. */
  get nextId(): number {
    return this.next;
  }

  /** How many rows wait for `write`. */
  get pending(): number {
    return this.params.length / COLUMNS;
  }

  /** How many pending rows are not in the tail file yet (all of them when no tail is used). */
  get notInTail(): number {
    return this.pending - this.inTail;
  }

  /** True when the pending rows go in one statement (`write` is then one transaction when none is open). */
  get fitsOneStatement(): boolean {
    return this.params.length <= MAX_ROWS_PER_STATEMENT * COLUMNS;
  }

  /** Adds one row; returns its event id. */
  push(runId: number, market: string, checkpointId: number, seq: number, type: string, payload: string, at: number): number {
    const id = this.next;
    this.next += 1;
    this.params.push(id, runId, market, checkpointId, seq, type, payload, at);
    return id;
  }

  /**
   * Returns the tail-file lines (tail-log.ts) of the pending rows not in the tail yet, and counts
   * them as in it from now on: the caller appends the text, and fails the journal if it cannot.
   * They stay pending until `write` inserts them.
   */
  tailText(): string {
    const p = this.params;
    let text = '';
    for (let i = this.inTail * COLUMNS; i < p.length; i += COLUMNS) {
      text += tailLine(
        p[i] as number,
        p[i + 1] as number,
        p[i + 2] as string,
        p[i + 3] as number,
        p[i + 4] as number,
        p[i + 5] as string,
        p[i + 6] as string,
        p[i + 7] as number,
      );
    }
    this.inTail = this.pending;
    return text;
  }

  /**
   * Inserts the pending rows in the connection's open transaction (the caller's), or, when none is
   * open and they fit one statement, as a transaction of their own; forgets them.
   * A throw leaves them forgotten too: the caller fails the journal (they were delivered already).
   */
  write(): void {
    const params = this.params;
    if (params.length === 0) return;
    this.params = [];
    this.inTail = 0;
    const rows = params.length / COLUMNS;
    // Spread, not the array: better-sqlite3 reads an array's elements one by one through V8's API
    // (a property lookup each), the arguments directly: ~2-3 µs less per statement of 6 rows here.
    if (rows <= MAX_ROWS_PER_STATEMENT) {
      this.insert(rows).run(...params);
      return;
    }
    for (let first = 0; first < rows; first += MAX_ROWS_PER_STATEMENT) {
      const n = Math.min(MAX_ROWS_PER_STATEMENT, rows - first);
      this.insert(n).run(...params.slice(first * COLUMNS, (first + n) * COLUMNS));
    }
  }

  private insert(rows: number): Statement {
    let s = this.inserts.get(rows);
    if (s === undefined) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      s = this.db.prepare(`INSERT INTO events (id, run_id, market, checkpoint_id, seq, type, payload, at) VALUES ${values}`);
      this.inserts.set(rows, s);
    }
    return s;
  }
}
