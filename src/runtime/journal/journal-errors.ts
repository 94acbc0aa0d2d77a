/**
 * Errors of the journal, typed by what the caller must do:
 * - `JournalLockedError`   another live bot holds the journal: do not start (names the holder);
 * - `JournalFileError`     the path holds no usable journal (a directory, another program's file,
 *                          a file SQLite cannot open): do not start, and leave the file as it is;
 * - `JournalMismatchError` the journal belongs to another exchange or account: do not start;
 * - `JournalCorruptError`  stored data cannot be decoded (or a newer schema wrote it): stop, keep the file;
 * - `JournalClosedError`   a call after `close()`: a wiring bug;
 * - `JournalCodecError`    a value the codec cannot store (a function, a class instance): a wiring bug;
 * - `JournalUsageError`    an event for a market whose run was not begun: a wiring bug (replay would miss it);
 * - `JournalFailedError`   a commit failed (or SQLite rolled an open batch back): every later write
 *                          refuses, since actors already saw events that are not on disk: fail-stop.
 * Errors of SQLite itself (disk full, I/O) propagate as better-sqlite3's `SqliteError`: fail-stop.
 */

export type JournalErrorCode =
  'JOURNAL_LOCKED' | 'JOURNAL_FILE' | 'JOURNAL_MISMATCH' | 'JOURNAL_CORRUPT' | 'JOURNAL_CLOSED' | 'JOURNAL_CODEC' | 'JOURNAL_USAGE' | 'JOURNAL_FAILED';

export abstract class JournalError extends Error {
  abstract readonly code: JournalErrorCode;
}

/** Who holds a journal: as written in its `lock` row. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** Epoch ms. */
  readonly startedAt: number;
}

export class JournalLockedError extends JournalError {
  override readonly name = 'JournalLockedError';
  readonly code = 'JOURNAL_LOCKED';
  constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {
    super(
      `journal ${path} is in use by another gridbot (pid ${holder.pid} on ${holder.host}, since ${new Date(holder.startedAt).toISOString()}); ` +
        'stop that bot first, or use another journal file',
    );
  }
}

export class JournalFileError extends JournalError {
  override readonly name = 'JournalFileError';
  readonly code = 'JOURNAL_FILE';
  constructor(
    readonly path: string,
    /** Completes "<path> …": `is a directory, not a journal file`. */
    readonly reason: string,
  ) {
    super(`${path} ${reason}`);
  }
}

export class JournalMismatchError extends JournalError {
  override readonly name = 'JournalMismatchError';
  readonly code = 'JOURNAL_MISMATCH';
  constructor(
    readonly path: string,
    /** What the journal was written for, and what this run is on, for humans (identity.ts). */
    readonly recorded: string,
    readonly claimed: string,
  ) {
    super(
      `${path} was written for ${recorded}, and this run is on ${claimed}: a journal belongs to one exchange and account ` +
        '(its fills, PnL and orders are that account’s); point journal: at another file for this exchange, or run against the one it was written for',
    );
  }
}

export class JournalCorruptError extends JournalError {
  override readonly name = 'JournalCorruptError';
  readonly code = 'JOURNAL_CORRUPT';
}

export class JournalClosedError extends JournalError {
  override readonly name = 'JournalClosedError';
  readonly code = 'JOURNAL_CLOSED';
  constructor(readonly path: string) {
    super(`journal ${path} is closed`);
  }
}

export class JournalCodecError extends JournalError {
  override readonly name = 'JournalCodecError';
  readonly code = 'JOURNAL_CODEC';
}

export class JournalUsageError extends JournalError {
  override readonly name = 'JournalUsageError';
  readonly code = 'JOURNAL_USAGE';
}

export class JournalFailedError extends JournalError {
  override readonly name = 'JournalFailedError';
  readonly code = 'JOURNAL_FAILED';
  constructor(
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`journal ${path}: a commit failed, nothing more is written (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}
