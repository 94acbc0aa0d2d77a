/**
 * Issue 17: `gridbot reload` finds the running bot by its journal's lock and sends it SIGHUP; with
 * no bot running (no journal, a journal no process holds) it exits 2 with one clear line, and a file
 * with a problem is reported as `validate` reports it, with no bot signalled.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/runtime/journal/index.js';
import { SMALL_GRID, cli, configYaml, tempDir } from './support.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('gridbot reload', () => {
  it('with no bot running (the journal does not exist): exit 2, one clear line', async () => {
    const file = tmp.file('none.yaml', configYaml(SMALL_GRID, 'journal: none/journal.db\n'));
    const r = await cli('reload', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`gridbot reload: no gridbot is running on ${file} (its journal ${join(tmp.dir, 'none/journal.db')} does not exist)\n`);
    expect(r.out).toBe('');
  });

  it('with a journal no running process holds: exit 2', async () => {
    const file = tmp.file('free.yaml', configYaml(SMALL_GRID, 'journal: free.db\n'));
    openJournal({ path: join(tmp.dir, 'free.db') }).close();
    const r = await cli('reload', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`gridbot reload: no gridbot is running on ${file} (no running process holds its journal ${join(tmp.dir, 'free.db')})\n`);
  });

  it('without a journal: exit 2, saying how to signal the bot instead', async () => {
    const file = tmp.file('nojournal.yaml', configYaml(SMALL_GRID));
    const r = await cli('reload', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('has no journal:, so the running bot cannot be found: send it SIGHUP yourself (kill -HUP');
  });

  it('a file with a problem: reported at file:line:col as validate does, nobody signalled', async () => {
    const file = tmp.file('bad.yaml', configYaml(SMALL_GRID.replace('spacing: arithmetic', 'spacing: sideways'), 'journal: bad.db\n'));
    const v = await cli('validate', file);
    const r = await cli('reload', '--config', file);
    expect(r.code).toBe(2);
    const first = v.err.split('\n')[0] ?? '';
    expect(first).toMatch(new RegExp(`^${file}:\\d+:\\d+ grids\\[0\\]\\.spacing: `));
    expect(r.err.split('\n')[0]).toBe(first);
    expect(r.err).toContain(`gridbot reload: 1 problem in ${file}; the running bot was not signalled`);
  });

  it('signals the process that holds the journal (SIGHUP) and says so', async () => {
    const file = tmp.file('held.yaml', configYaml(SMALL_GRID, 'journal: held.db\n'));
    // This test process holds the journal, as `gridbot run` does: the signal comes here.
    const journal = openJournal({ path: join(tmp.dir, 'held.db') });
    let hups = 0;
    const onHup = () => {
      hups += 1;
    };
    process.on('SIGHUP', onHup);
    try {
      const got = new Promise<void>((resolve) => process.once('SIGHUP', () => resolve()));
      const r = await cli('reload', '--config', file);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`gridbot reload: asked gridbot (pid ${process.pid}) to reload ${file}; its log says what changed (reload: …) or why it refused\n`);
      await got;
      expect(hups).toBe(1);
    } finally {
      process.off('SIGHUP', onHup);
      journal.close();
    }
  });
});
