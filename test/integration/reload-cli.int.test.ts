/**
 * Issue 17 at the command line: `gridbot run` in its own process (off a terminal: JSON log lines),
 * markets.yaml edited, then `gridbot reload --config FILE`: it finds the bot by its journal's lock and
 * signals it; the bot logs what changed (`reload: changed … (restarted)`), trades the new grid, and
 * still stops in order. A broken edit is refused in the bot's log with the problem at file:line:col.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/index.js';
import { SMALL_GRID, cli, configYaml } from '../runtime/commands/support.js';
import { type BotProcess, spawnBot } from './support/bot-process.js';
import { waitUntil } from './support/until.js';

let dir = '';
let sim: Simulator | undefined;
let child: BotProcess | undefined;

afterEach(async () => {
  if (child && !child.hasExited()) await child.signal('SIGKILL');
  child = undefined;
  await sim?.close();
  sim = undefined;
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('gridbot reload against a running gridbot run', () => {
  it('the bot reloads on the signal, says what changed, and trades the new grid', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gridbot-reload-cli-'));
    const s = (sim = await startSimulator({ port: 0, seed: 5, priceProcess: false }));
    const file = join(dir, 'markets.yaml');
    const config = (grid: string) => configYaml(grid, 'journal: bot.journal\n').replace('logLevel: silent', 'logLevel: info');
    await writeFile(file, config(SMALL_GRID));
    const bot = (child = spawnBot(['run', '--config', file, '--exchange-url', s.restUrl]));
    const describe = () => `stdout:\n${bot.lines().join('\n')}\nstderr:\n${bot.stderr()}`;
    const amounts = () =>
      s.state
        .orders(s.accountId)
        .map((o) => o.amount.toFixed())
        .sort();
    await waitUntil('the plan resting', () => s.state.orders(s.accountId).length === 4, {
      sources: [(f) => s.onEvent(f)],
      timeoutMs: 20_000,
      describe,
    });
    expect(amounts()).toEqual(['0.001', '0.001', '0.001', '0.001']);

    await writeFile(file, config(SMALL_GRID.replace('base: "0.001"', 'base: "0.002"')));
    const r = await cli('reload', '--config', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`asked gridbot (pid ${bot.pid}) to reload ${file}`);
    await waitUntil('the reload line in the log', () => bot.logs().some((l) => l.msg === 'reload: changed DBTC_DUSDT (restarted)'), {
      sources: [(f) => bot.onLine(f)],
      timeoutMs: 20_000,
      describe,
    });
    await waitUntil('the new grid resting', () => amounts().join() === '0.002,0.002,0.002,0.002', {
      sources: [(f) => s.onEvent(f)],
      timeoutMs: 20_000,
      describe,
    });

    // A broken edit: refused in the bot's log at file:line:col; the grid rests as it was.
    await writeFile(file, config(SMALL_GRID.replace('spacing: arithmetic', 'spacing: sideways')));
    expect((await cli('reload', '--config', file)).code).toBe(2);
    bot.proc.kill('SIGHUP');
    await waitUntil('the refusal in the log', () => bot.logs().some((l) => String(l.msg).startsWith('reload refused: 1 problem in')), {
      sources: [(f) => bot.onLine(f)],
      timeoutMs: 20_000,
      describe,
    });
    expect(bot.logs().some((l) => new RegExp(`^${file}:\\d+:\\d+ grids\\[0\\]\\.spacing: `).test(String(l.msg)))).toBe(true);
    expect(amounts()).toEqual(['0.002', '0.002', '0.002', '0.002']);

    expect(await bot.signal('SIGINT')).toBe(0);
    expect(s.state.orders(s.accountId)).toEqual([]);
  }, 60_000);
});
