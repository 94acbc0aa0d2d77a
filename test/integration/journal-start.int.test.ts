/**
 * Issue 14, "Truth at start and exit", through `gridbot run` in-process:
 * - a `journal:` that is not a gridbot journal exits 2 with `file:line:col journal: …` at the key,
 *   nothing sent, the file byte for byte as it was; `validate` says the same line offline
 *   (before: a raw SqliteError stack and exit 1, or another program's database taken over);
 * - a journal written against the embedded simulator is refused by a run against another exchange
 *   URL, naming the journal, what it was written for and what this run is, before anything private
 *   is sent (before: adopted, fills, PnL and inventory carried over); a second embedded run, on a new
 *   port, is the same exchange and adopts it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, type Simulator, startSimulator } from '../../src/sim/index.js';
import { cli } from '../runtime/commands/support.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';

let dir: string;
let sim: Simulator | undefined;
let proxy: CountingProxy | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gridbot-journal-start-'));
});

afterEach(async () => {
  await proxy?.close();
  await sim?.close();
  proxy = undefined;
  sim = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** markets.yaml with `journal:` on line 4, column 1. */
async function configWith(journal: string): Promise<string> {
  const file = join(dir, 'markets.yaml');
  await writeFile(
    file,
    [
      'exchange: sim',
      'botId: js',
      'logLevel: silent',
      `journal: ${journal}`,
      'grids:',
      '  - market: DBTC_DUSDT',
      '    spacing: arithmetic',
      '    ladder: { center: last, levelsPerSide: 2, step: "200" }',
      '    amountPerLevel: { base: "0.002" }',
      '',
    ].join('\n'),
  );
  return file;
}

describe('gridbot run and its journal', () => {
  it('refuses a journal: that is another program’s SQLite database: exit 2 at the key, file untouched, validate says the same', async () => {
    const path = join(dir, 'notes.sqlite');
    const db = new BetterSqlite3(path);
    db.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('keep me')");
    db.close();
    const before = readFileSync(path);
    sim = await startSimulator({ port: 0, seed: 5, priceProcess: false });
    proxy = await startCountingProxy(sim.restUrl);
    const file = await configWith('notes.sqlite');

    const r = await cli('run', '--config', file, '--exchange-url', proxy.url, '--duration', '5');
    expect(r.code).toBe(2);
    const line = `${file}:4:1 journal: ${path} is not a gridbot journal (an SQLite database with tables notes); point journal: at another file, or move this one aside`;
    expect(r.err).toBe(`${line}\ngridbot run: the journal cannot be used; nothing was sent\n`);
    expect(proxy.requests).toEqual([]);
    expect(readFileSync(path).equals(before)).toBe(true);

    const v = await cli('validate', file);
    expect(v.code).toBe(2);
    expect(v.err.split('\n')).toContain(line);
  });

  it('refuses a journal: that is a directory with exit 2 at the key', async () => {
    const file = await configWith('.');
    const r = await cli('run', '--config', file, '--duration', '5');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:4:1 journal: ${dir} is a directory, not a journal file`);
  });

  it('refuses a journal of the embedded simulator to a run on another exchange URL, before anything private is sent', async () => {
    const file = await configWith('gridbot.journal');
    const journal = join(dir, 'gridbot.journal');
    // Two runs on the embedded simulator (each on a new port): one exchange, one journal.
    const first = await cli('run', '--config', file, '--duration', '0.5');
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const second = await cli('run', '--config', file, '--duration', '0.5');
    expect(second.code).toBe(0);

    sim = await startSimulator({ port: 0, seed: 5, priceProcess: false });
    proxy = await startCountingProxy(sim.restUrl);
    const r = await cli('run', '--config', file, '--exchange-url', proxy.url, '--duration', '5');
    expect(r.code).toBe(2);
    // The first 16 hex digits of the SHA-256 of the (public) key: never the key itself.
    const fp = createHash('sha256').update(DEMO_ACCOUNT.apiKey).digest('hex').slice(0, 16);
    expect(r.err).toContain(
      `${file}:4:1 journal: ${journal} was written for the embedded simulator (account demo, key fingerprint ${fp}), ` +
        `and this run is on the simulator at ${proxy.url} (key fingerprint ${fp}): a journal belongs to one exchange and account`,
    );
    expect(r.err).toMatch(/nothing was sent\n$/);
    expect(proxy.privateRequests()).toEqual([]);
    expect(proxy.upgrades()).toBe(0);
    expect(sim.state.orders(sim.accountId)).toEqual([]);
  });
});
