/**
 * Issue 14, "Truth at start and exit": a `journal:` path that holds no gridbot journal (a text file,
 * a directory, another program's SQLite database) is refused with a typed error before SQLite opens
 * it for writing, and the file is left byte for byte as it was (before: a raw SqliteError, and another
 * program's database got WAL mode and our tables). And one exchange and account per journal
 * (identity.ts): a journal claimed for one is refused to another.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExchangeIdentity, keyFingerprint } from '../../../src/runtime/journal/identity.js';
import { JournalFileError, JournalMismatchError } from '../../../src/runtime/journal/journal-errors.js';
import { inspectJournalFile } from '../../../src/runtime/journal/journal-file.js';
import { openJournal } from '../../../src/runtime/journal/journal.js';
import { SCHEMA_VERSION } from '../../../src/runtime/journal/schema.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Another program's SQLite database (rollback journal, as most are). */
function foreignDatabase(path: string): void {
  const db = new BetterSqlite3(path);
  db.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('keep me')");
  db.close();
}

describe('a journal path that holds no gridbot journal', () => {
  it.each([
    ['a text file', (p: string) => writeFileSync(p, 'hello, not a database\n'), /is not a gridbot journal \(not an SQLite database\)/],
    ['another program’s SQLite database', foreignDatabase, /is not a gridbot journal \(an SQLite database with tables notes\)/],
  ])('refuses %s with a JournalFileError and leaves it byte for byte', (_, make, message) => {
    const path = join(dir, 'journal.db');
    make(path);
    const before = readFileSync(path);
    expect(() => openJournal({ path })).toThrow(JournalFileError);
    expect(() => openJournal({ path })).toThrow(message);
    expect(readFileSync(path).equals(before)).toBe(true);
    // No WAL or shared-memory file was made beside it either.
    expect(readdirSync(dir)).toEqual(['journal.db']);
  });

  it('refuses a directory, and a path under a file, saying which', () => {
    expect(() => openJournal({ path: dir })).toThrow(/is a directory, not a journal file/);
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    expect(() => openJournal({ path: join(file, 'sub', 'j.db') })).toThrow(`cannot be created: ${file} is not a directory`);
  });

  it('tells offline what a path holds: missing (and the directory run makes), empty, a journal', () => {
    expect(inspectJournalFile(join(dir, 'new.db'), SCHEMA_VERSION)).toEqual({ kind: 'missing', createsDir: null });
    expect(inspectJournalFile(join(dir, 'var', 'deeper', 'new.db'), SCHEMA_VERSION)).toEqual({ kind: 'missing', createsDir: join(dir, 'var', 'deeper') });
    writeFileSync(join(dir, 'empty.db'), '');
    expect(inspectJournalFile(join(dir, 'empty.db'), SCHEMA_VERSION)).toEqual({ kind: 'empty' });
    openJournal({ path: join(dir, 'empty.db') }).close();
    expect(inspectJournalFile(join(dir, 'empty.db'), SCHEMA_VERSION)).toEqual({ kind: 'journal', version: SCHEMA_VERSION });
    mkdirSync(join(dir, 'd'));
    expect(inspectJournalFile(join(dir, 'd'), SCHEMA_VERSION).kind).toBe('refused');
  });
});

describe('a journal belongs to one exchange and account', () => {
  const embedded: ExchangeIdentity = { exchange: 'sim', endpoint: 'embedded', account: 'demo', keyFingerprint: keyFingerprint('gridbot-demo-key') };

  it('is claimed by its first run, matched by the same, and refused to another exchange or key, naming both', () => {
    const path = join(dir, 'journal.db');
    const j = openJournal({ path, checkpointIntervalMs: 0 });
    expect(j.claimIdentity(embedded)).toBe('new');
    j.close();
    const again = openJournal({ path, checkpointIntervalMs: 0 });
    try {
      expect(again.claimIdentity(embedded)).toBe('matched');
      const live: ExchangeIdentity = { exchange: 'whitebit', endpoint: 'https://whitebit.com', account: null, keyFingerprint: keyFingerprint('live-key') };
      expect(() => again.claimIdentity(live)).toThrow(JournalMismatchError);
      expect(() => again.claimIdentity(live)).toThrow(
        `${path} was written for the embedded simulator (account demo, key fingerprint ${embedded.keyFingerprint}), ` +
          `and this run is on WhiteBIT at https://whitebit.com (key fingerprint ${live.keyFingerprint})`,
      );
      // Same exchange, another key: another account.
      expect(() => again.claimIdentity({ ...live, keyFingerprint: keyFingerprint('other-key') })).toThrow(JournalMismatchError);
      expect(again.identity()).toEqual(embedded);
    } finally {
      again.close();
    }
  });

  it('keeps a fingerprint of the key, never the key', () => {
    const fp = keyFingerprint('a-public-api-key');
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fp).not.toContain('a-public-api-key');
    expect(keyFingerprint('another-key')).not.toBe(fp);
  });
});
