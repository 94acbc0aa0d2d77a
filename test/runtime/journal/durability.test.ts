import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalLockedError } from '../../../src/runtime/journal/journal-errors.js';
import { openJournal } from '../../../src/runtime/journal/journal.js';
import { type JournalChild, spawnJournalChild } from './support/child-process.js';

let dir = '';
let child: JournalChild | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-'));
});
afterEach(async () => {
  if (child !== undefined && child.proc.exitCode === null && child.proc.signalCode === null) await child.kill();
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('journal across processes', () => {
  it.each([
    ['committed into SQLite', false],
    ['written to the tail file and never filed', true],
  ])('keeps every event a SIGKILLed bot appended before it died (%s)', async (_way, tail) => {
    const path = join(dir, 'journal.db');
    child = spawnJournalChild(path, 'append', tail);
    await child.waitFor((l) => l === 'ack 300');
    await child.kill();
    const acked = Math.max(
      ...child
        .lines()
        .filter((l) => l.startsWith('ack '))
        .map((l) => Number(l.slice(4))),
    );

    const journal = openJournal({ path }); // the dead bot's lock is stale: taken over
    // With the tail, the last events were only there: the open filed them.
    expect(journal.tailFiled.rows > 0).toBe(tail);
    const run = journal.lastMarketRun('DBTC_DUSDT');
    const ids = (run?.events ?? []).map((e) => (e as unknown as { deal: { dealId: number } }).deal.dealId);
    // Every acknowledged event is there, in order; a few more may have committed before the kill landed.
    expect(ids.length).toBeGreaterThanOrEqual(acked + 1);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i));
    journal.close();
  });

  it('refuses a second bot while the first holds the journal, naming it, and takes over once it is killed', async () => {
    const path = join(dir, 'journal.db');
    child = spawnJournalChild(path, 'hold');
    const pid = Number((await child.waitFor((l) => l.startsWith('open '))).slice(5));

    let refused: unknown;
    try {
      openJournal({ path }).close();
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(JournalLockedError);
    expect((refused as JournalLockedError).holder.pid).toBe(pid);
    expect((refused as Error).message).toContain(`pid ${pid}`);

    await child.kill();
    const journal = openJournal({ path });
    const db = new BetterSqlite3(path, { readonly: true });
    expect(db.prepare('SELECT pid FROM lock').pluck().get()).toBe(process.pid);
    journal.close();
    expect(db.prepare('SELECT count(*) FROM lock').pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a second open in the same process, and allows it after close', () => {
    const path = join(dir, 'journal.db');
    const first = openJournal({ path });
    expect(() => openJournal({ path })).toThrow(JournalLockedError);
    first.close();
    openJournal({ path }).close();
  });
});
