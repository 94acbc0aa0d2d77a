/**
 * What stands at a journal path, found without writing a byte: nothing yet (and whether it can be
 * created), an empty file, a gridbot journal (and its schema version), or something that is not
 * ours (a directory, a text file, another program's SQLite database), which is refused untouched.
 *
 * Entry point: {@link inspectJournalFile}. `openJournal` calls it before SQLite opens the file for
 * writing (setting WAL mode alone rewrites a database's header, and creating our tables in another
 * program's database would corrupt it for that program); `gridbot validate` calls it offline.
 *
 * How a gridbot journal is recognised: from schema version 2 on by its SQLite `application_id`
 * ({@link JOURNAL_APPLICATION_ID}); a version-1 journal (written before the id) by `user_version` 1
 * and the tables it always has. An SQLite database with no tables and no version is empty: it is
 * made a journal.
 */
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** `PRAGMA application_id` of a gridbot journal (schema 2 on): "grdb". */
export const JOURNAL_APPLICATION_ID = 0x67726462;

/** Tables every version-1 journal has (schema.ts); a database missing one is not a journal of ours. */
const V1_TABLES = ['lock', 'runs', 'checkpoints', 'events', 'orders', 'fills', 'transitions', 'pnl'] as const;

const SQLITE_MAGIC = 'SQLite format 3\0';

export type JournalFileState =
  /** Nothing there: the journal is created; `createsDir` is the missing directory `run` makes first, if any. */
  | { readonly kind: 'missing'; readonly createsDir: string | null }
  /** A zero-length file or an SQLite database without a table: made a journal. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'journal'; readonly version: number }
  /** Not usable as a journal; `reason` completes "<path> …". */
  | { readonly kind: 'refused'; readonly reason: string };

/** Returns what stands at `path` (reads only). `:memory:` is a fresh journal. */
export function inspectJournalFile(path: string, newestVersion: number): JournalFileState {
  if (path === ':memory:' || path === '') return { kind: 'missing', createsDir: null };
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return missing(path);
    return { kind: 'refused', reason: `cannot be read (${code ?? String(e)})` };
  }
  if (stat.isDirectory()) return { kind: 'refused', reason: 'is a directory, not a journal file: name a file in it' };
  if (!stat.isFile()) return { kind: 'refused', reason: 'is not a regular file' };
  if (stat.size === 0) return { kind: 'empty' };
  const header = readHeader(path);
  if (typeof header !== 'string') return { kind: 'refused', reason: `cannot be read (${header.error})` };
  if (header !== SQLITE_MAGIC) return notOurs('not an SQLite database');
  return inspectDatabase(path, newestVersion);
}

/** The missing file's nearest existing ancestor must be a writable directory. */
function missing(path: string): JournalFileState {
  const parent = dirname(path);
  let dir = parent;
  for (;;) {
    try {
      const s = statSync(dir);
      if (!s.isDirectory()) return { kind: 'refused', reason: `cannot be created: ${dir} is not a directory` };
      accessSync(dir, constants.W_OK);
      return { kind: 'missing', createsDir: dir === parent ? null : parent };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return { kind: 'refused', reason: `cannot be created: ${dir} is not writable` };
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { kind: 'refused', reason: `cannot be created (${code ?? String(e)})` };
      const up = dirname(dir);
      if (up === dir) return { kind: 'refused', reason: `cannot be created: ${dir} does not exist` };
      dir = up;
    }
  }
}

function readHeader(path: string): string | { readonly error: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  try {
    const buf = Buffer.alloc(SQLITE_MAGIC.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function notOurs(what: string): JournalFileState {
  return { kind: 'refused', reason: `is not a gridbot journal (${what}); point journal: at another file, or move this one aside` };
}

/** Reads the database's ids and tables through a read-only connection: the file is never written. */
function inspectDatabase(path: string, newestVersion: number): JournalFileState {
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    return { kind: 'refused', reason: `cannot be opened (${e instanceof Error ? e.message : String(e)})` };
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    if (appId === JOURNAL_APPLICATION_ID || (appId === 0 && version === 1 && V1_TABLES.every((t) => tables.includes(t)))) {
      if (version > newestVersion) {
        return {
          kind: 'refused',
          reason: `was written by a newer gridbot (journal schema ${version}; this one reads up to ${newestVersion}): upgrade gridbot`,
        };
      }
      return { kind: 'journal', version };
    }
    if (appId === 0 && version === 0 && tables.length === 0) return { kind: 'empty' };
    if (appId !== 0) return notOurs(`an SQLite database of another application, id 0x${appId.toString(16)}`);
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
    return notOurs(tables.length === 0 ? `an SQLite database of schema version ${version}` : `an SQLite database with tables ${shown}`);
  } catch (e) {
    // A header that says SQLite over a body that is not (truncated, encrypted, damaged).
    return notOurs(`unreadable as SQLite: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    db.close();
  }
}
